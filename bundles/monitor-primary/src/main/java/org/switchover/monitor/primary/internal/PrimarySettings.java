package org.switchover.monitor.primary.internal;

import java.util.List;

import org.switchover.api.NodeId;

/**
 * One consistent set of primary-monitor parameters, replaced as a whole on every configuration change.
 *
 * @param node this node's letter, or null when {@code node} is not configured
 * @param primaryHost address or name of the peer's machine ("Server X Address", else "SwitchoverServer X")
 * @param moduleName the monitored module (TsServer or IP)
 * @param moduleTimeoutMillis the module's ping timeout (TS or IP Timeout)
 * @param moduleRetryDelayMillis the module's retry delay (TS Failure or IP Retry Delay)
 * @param moduleMaxFailures {@code Switchover Max TS Failures}
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
 */
record PrimarySettings(NodeId node, String primaryHost, String moduleName, long moduleTimeoutMillis,
                       long moduleRetryDelayMillis, int moduleMaxFailures, int pingDelayS, int timeoutS,
                       int retryCount, int retryPingDelayS, boolean gatewayPing, List<String> netTestA,
                       List<String> netTestB, int netTestTimeoutS, int unreachableCount, int unreachableDelayS) {

    static final PrimarySettings DEFAULTS = new PrimarySettings(null, "", "TsServer", 10_000, 1_000, 2, 0, 0,
            2, 0, false, List.of(), List.of(), 1, 0, 10);

    /** @return pause after a reply before the next ping; 0 configured means half the module timeout. */
    long pingDelayMillis() {
        return pingDelayS > 0 ? pingDelayS * 1000L : moduleTimeoutMillis / 2;
    }

    /** @return how long a notifier ping may take; 0 configured means half the module timeout. */
    long timeoutMillis() {
        return timeoutS > 0 ? timeoutS * 1000L : moduleTimeoutMillis / 2;
    }

    long retryPingDelayMillis() {
        return retryPingDelayS * 1000L;
    }

    int netTestTimeoutMillis() {
        return netTestTimeoutS * 1000;
    }

    /** @return the NetTest addresses of this node's letter (NetTest A is used when A is the backup). */
    List<String> netTests() {
        if (node == null) {
            return List.of();
        }
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
        return (2L * moduleMaxFailures + 1) * (moduleTimeoutMillis + moduleRetryDelayMillis) + moduleTimeoutMillis;
    }
}
