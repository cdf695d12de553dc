package org.switchover.monitor.primary.internal;

import java.util.function.Supplier;

import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.monitor.SwitchoverEventSink;

/**
 * What the primary monitor tells the state machine and the operator: it posts reports to the
 * {@link SwitchoverEventSink} and keeps the statuses of the status line (connection status, network status,
 * primary connection status, last report). Confined to the monitor's scheduler thread, except {@link #line()}.
 */
final class Reports {

    private final MonitorContext ctx;
    private final Supplier<SwitchoverEventSink> sink;
    private volatile String line = "primary monitor not started";

    /** Connection status while a diagnosis runs; otherwise read live. */
    String connectionStatus = "unknown";
    String networkStatus = "not checked yet";
    String primaryConnectionStatus = "not determined yet";
    private String lastReport = "none";

    Reports(MonitorContext ctx, Supplier<SwitchoverEventSink> sink) {
        this.ctx = ctx;
        this.sink = sink;
    }

    /** Posts one report (logged; a missing state machine is logged too) and refreshes nothing. */
    void post(MonitorSignal signal, String reason, String detail) {
        MonitorReport report = new MonitorReport(signal, reason, detail);
        lastReport = signal + " (" + reason + ") at " + ctx.scheduler().nowMillis() + " ms";
        SwitchoverEventSink s = sink.get();
        if (s == null) {
            ctx.journal().warn("No state machine service: {} ({}) not delivered: {}", signal, reason, detail);
            return;
        }
        ctx.journal().info("Posting {} ({}): {}", signal, reason, detail);
        try {
            s.post(report);
        } catch (RuntimeException e) {
            ctx.log().error("The state machine refused {}", signal, e);
        }
    }

    /**
     * Renders the status line.
     *
     * @param mode what the monitor does now
     * @param retries retry pings sent in a row
     */
    void refresh(Mode mode, int retries) {
        if (mode != Mode.DIAGNOSING) {
            connectionStatus = ctx.connections().describe();
        }
        line = String.format("primary monitor %s: %s; network status: %s; primary connection status: %s; "
                        + "retries %d/%d; last report: %s", mode.name().toLowerCase(), connectionStatus, networkStatus,
                primaryConnectionStatus, retries, ctx.settings().get().retryCount(), lastReport);
    }

    /** @return the status line; any thread */
    String line() {
        return line;
    }
}
