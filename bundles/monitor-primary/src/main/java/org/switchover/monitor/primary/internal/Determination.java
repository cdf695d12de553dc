package org.switchover.monitor.primary.internal;

import org.switchover.api.monitor.MonitorSignal;

/**
 * The connection-status determination of spec section 5.5.3 as a pure function: what the connections and the
 * network check say about the primary (DECISIONS.md "Determination"). Module path: both connections up, the local
 * network not shown bad and the primary's machine reachable means the module is down. Otherwise a connection
 * problem: a reachable primary means its notifier is down; an unreachable one is "primary unreachable" only when this
 * node's own network was shown good (gateway or NetTest reached), otherwise this node may be the one off the network.
 */
final class Determination {

    /** Switch reason for the notifier, network and unreachable-primary determinations. */
    static final String REASON_NOTIFIER = "Loss of Connection to Notifier";
    /** Switch reason for the module-down determination. */
    static final String REASON_MODULE = "TS Ping Failure";
    /** Primary connection status of the module-down determination. */
    static final String MONITORED_MODULE_DOWN = "monitored module down";

    /**
     * One determination.
     *
     * @param signal what is posted to the state machine
     * @param reason the switch reason it would lead to
     * @param primaryConnectionStatus the primary connection status, as logged and shown
     */
    record Verdict(MonitorSignal signal, String reason, String primaryConnectionStatus) {
        /** @return true for every determination but the module-down one: a connection problem */
        boolean connectionProblem() {
            return signal != MonitorSignal.MODULE_DOWN;
        }
    }

    private Determination() {
    }

    /**
     * @param modulePath the diagnosis was triggered by the module monitor's MODULE_DOWN (not by failed pings)
     * @param c the connections after the checks
     * @param net the network check
     * @return the determination
     */
    static Verdict determine(boolean modulePath, Connections c, NetworkCheck net) {
        if (modulePath && c.both() && net.primaryReachable() && net.local() != NetworkCheck.Local.BAD) {
            return new Verdict(MonitorSignal.MODULE_DOWN, REASON_MODULE, MONITORED_MODULE_DOWN);
        }
        if (net.primaryReachable()) {
            return new Verdict(MonitorSignal.NOTIFIER_DOWN, REASON_NOTIFIER, "notifier down");
        }
        if (net.local() == NetworkCheck.Local.GOOD) {
            return new Verdict(MonitorSignal.PRIMARY_UNREACHABLE, REASON_NOTIFIER, "primary unreachable");
        }
        return new Verdict(MonitorSignal.NETWORK_DOWN, REASON_NOTIFIER, "network down");
    }
}
