package org.switchover.monitor.primary.internal;

import java.util.Arrays;
import java.util.List;

import org.switchover.api.NodeId;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.monitor.ModuleTiming;

/**
 * One consistent set of primary-monitor parameters, replaced as a whole on every configuration change: this PID's
 * own values (read by {@link #from}) and the module monitor's timing, which the defaults of the ping delay and
 * timeout and the watchdog period derive from (taken from the {@code ModuleMonitor} service, not parsed here).
 *
 * @param module the module monitor's module, timeout, retry delay and failure limit
 * @param pingDelayS {@code Switchover Primary Monitor Ping Delay}, s, 0 = half the module timeout
 * @param timeoutS {@code Switchover Primary Monitor Timeout}, s, 0 = half the module timeout
 * @param retryCount {@code Switchover Primary Monitor Retry Count}
 * @param retryPingDelayS {@code Switchover Primary Monitor Retry Ping Delay}, s
 * @param gatewayPing gateway ping enabled ({@code Switchover Disable Gateway Ping} = No)
 * @param netTestA {@code Switchover NetTest A} addresses
 * @param netTestB {@code Switchover NetTest B} addresses
 * @param netTestTimeoutS {@code Switchover NetTest Timeout}, s; also used for gateway and primary echoes
 * @param unreachableCount {@code Switchover Unreachable Primary Ping Count}; -1 = never switch for it
 * @param unreachableDelayS {@code Switchover Unreachable Primary Ping Delay}, s
 * @param pingDelayMs the ping delay in ms when set (&gt; 0), replacing {@code pingDelayS}
 * @param timeoutMs the ping timeout in ms when set (&gt; 0), replacing {@code timeoutS}
 */
record PrimaryMonitorSettings(ModuleTiming module, int pingDelayS, int timeoutS, int retryCount,
                              int retryPingDelayS, boolean gatewayPing, List<String> netTestA,
                              List<String> netTestB, int netTestTimeoutS, int unreachableCount,
                              int unreachableDelayS, int pingDelayMs, int timeoutMs) {

    static final PrimaryMonitorSettings DEFAULTS = new PrimaryMonitorSettings(ModuleTiming.DEFAULTS, 0, 0, 2, 0,
            false, List.of(), List.of(), 1, 0, 10, 0, 0);

    /**
     * Reads this PID; names and ranges come from the {@code @AttributeDefinition}s of
     * {@link PrimaryMonitorComponent.Config}, malformed values keep the {@code previous} ones.
     *
     * @param p a reader over {@link PrimaryMonitorComponent.Config}
     * @param previous the values in force
     * @return the new settings, with the previous module timing
     */
    static PrimaryMonitorSettings from(ConfigReader p, PrimaryMonitorSettings previous) {
        return new PrimaryMonitorSettings(previous.module(),
                p.integer("switchover_primary_monitor_ping_delay", previous.pingDelayS()),
                p.integer("switchover_primary_monitor_timeout", previous.timeoutS()),
                p.integer("switchover_primary_monitor_retry_count", previous.retryCount()),
                p.integer("switchover_primary_monitor_retry_ping_delay", previous.retryPingDelayS()),
                !p.bool("switchover_disable_gateway_ping", !previous.gatewayPing()),
                addresses(p.text("switchover_nettest_a")),
                addresses(p.text("switchover_nettest_b")),
                p.integer("switchover_nettest_timeout", previous.netTestTimeoutS()),
                p.integer("switchover_unreachable_primary_ping_count", previous.unreachableCount()),
                p.integer("switchover_unreachable_primary_ping_delay", previous.unreachableDelayS()),
                p.integer("switchover_primary_monitor_ping_delay_ms", previous.pingDelayMs()),
                p.integer("switchover_primary_monitor_timeout_ms", previous.timeoutMs()));
    }

    /** @return these settings with the module monitor's {@code timing} */
    PrimaryMonitorSettings withModule(ModuleTiming timing) {
        return new PrimaryMonitorSettings(timing, pingDelayS, timeoutS, retryCount, retryPingDelayS, gatewayPing,
                netTestA, netTestB, netTestTimeoutS, unreachableCount, unreachableDelayS, pingDelayMs, timeoutMs);
    }

    private static List<String> addresses(String text) {
        return Arrays.stream(text.split("[;,\\s]+")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /** @return the monitored module's name, for the log */
    String moduleName() {
        return module.moduleName();
    }

    /** @return pause after a reply before the next ping; 0 configured means half the module timeout. */
    long pingDelayMillis() {
        if (pingDelayMs > 0) {
            return pingDelayMs;
        }
        return pingDelayS > 0 ? pingDelayS * 1000L : module.timeoutMillis() / 2;
    }

    /** @return how long a notifier ping may take; 0 configured means half the module timeout. */
    long timeoutMillis() {
        if (timeoutMs > 0) {
            return timeoutMs;
        }
        return timeoutS > 0 ? timeoutS * 1000L : module.timeoutMillis() / 2;
    }

    long retryPingDelayMillis() {
        return retryPingDelayS * 1000L;
    }

    int netTestTimeoutMillis() {
        return netTestTimeoutS * 1000;
    }

    /** @return the NetTest addresses of {@code node}'s letter (NetTest A is used when A is the backup). */
    List<String> netTests(NodeId node) {
        return node == NodeId.A ? netTestA : netTestB;
    }

    /** @return additional ping sets for an unreachable primary: -1 never switch, 0-3 give 3, more give that many. */
    int unreachableSets() {
        return unreachableCount < 0 ? -1 : Math.max(3, unreachableCount);
    }

    /**
     * @return the longest silence expected from a working module monitor: its longest failure sequence (the maximum
     *     on both connections, each failure followed by the retry delay, then a last timeout) plus one period.
     */
    long watchdogMaxMillis() {
        return (2L * module.maxFailures() + 1) * (module.timeoutMillis() + module.retryDelayMillis())
                + module.timeoutMillis();
    }
}
