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
    private volatile Supplier<String> line = () -> "primary monitor not started";

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
     * Renders the status line. The connection status in it is read again each time the line is asked for (except
     * while a diagnosis runs, which works from the status it found): it says what the notifier says now, as the
     * connection lines of the node's status do, never what it said at the last ping. A stopped monitor watches no
     * connection and says nothing about them.
     *
     * @param mode what the monitor does now
     * @param retries retry pings sent in a row
     */
    void refresh(Mode mode, int retries) {
        String rest = String.format("; network status: %s; primary connection status: %s; retries %d/%d; last "
                        + "report: %s", networkStatus, primaryConnectionStatus, retries,
                ctx.settings().get().retryCount(), lastReport);
        if (mode == Mode.STOPPED) {
            line = () -> "primary monitor stopped (it watches no connection)" + rest;
        } else if (mode == Mode.DIAGNOSING) {
            String diagnosed = connectionStatus;
            line = () -> "primary monitor diagnosing: " + diagnosed + rest;
        } else {
            String prefix = "primary monitor " + mode.name().toLowerCase() + ": ";
            line = () -> prefix + ctx.connections().describe() + rest;
        }
    }

    /** @return the status line; any thread */
    String line() {
        return line.get();
    }
}
