package org.switchover.api.notifier;

/**
 * Event ids of the requests the switchover bundles exchange. Names follow the reference's where it has one.
 */
public final class EventIds {
    private EventIds() {
    }

    /** Answered by the notifier itself with an empty body: the primary monitor's notifier ping. */
    public static final String NOTIFIER_PING = "Notifier Ping";
    /** Answered with the monitored module's incarnation id (8 bytes, big-endian long) or rejected when it is down. */
    public static final String MODULE_PING = "TS Diagnostic Ping";
    /** Answered with the peer's switchover state (JSON), used for role negotiation on the virtual-switch port. */
    public static final String STATE_QUERY = "Switchover State Query";
    /** Tells the receiving primary that a peer with a higher epoch took over (JSON body with the epoch). */
    public static final String DISCONTINUE = "Switchover Discontinue";
    /** Asks the primary to prepare a controlled switch: stop taking work, flush, acknowledge. */
    public static final String PREPARE_SWITCH = "Switchover Prepare Switch";
    /**
     * Sent by a primary to its backup when an operator asks the primary for a manual switch: the backup runs the
     * switch (controlled when it can reach the primary) and answers with the outcome (JSON).
     */
    public static final String REQUEST_SWITCH = "Switchover Request Switch";
}
