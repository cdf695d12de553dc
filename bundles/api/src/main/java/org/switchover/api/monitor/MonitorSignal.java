package org.switchover.api.monitor;

/** Determinations the primary monitor posts to the state machine (spec section 3 and 5.5). */
public enum MonitorSignal {
    /** The backup's own network is not good. Leads to Reconnecting. */
    NETWORK_DOWN,
    /** The primary's notifier is unavailable (connections lost or not answering). Leads to Reconnecting. */
    NOTIFIER_DOWN,
    /** The primary's machine does not answer. Leads to Reconnecting or, per policy, a switch. */
    PRIMARY_UNREACHABLE,
    /** Network and connections are fine but the monitored module does not answer (the reference's eTSDown). */
    MODULE_DOWN,
    /** Both connections are back and the primary answers: Reconnecting may return to Backup. */
    CONNECTIONS_RESTORED,
    /** The module answers again after a module-triggered reconnect. */
    MODULE_UP
}
