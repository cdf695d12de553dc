package org.switchover.api.interaction;

/** Where an interaction stands in the host's ACD. */
public enum InteractionState {
    /** Waiting in a queue for distribution. */
    QUEUED,
    /** Offered (alerting) to an agent or to a workgroup queue, not yet answered. */
    OFFERING,
    /** Assigned to an agent's user queue, not yet picked up. */
    ASSIGNED,
    /** An agent works on it. */
    CONNECTED,
    /** Connected, put on hold by the agent. */
    HELD,
    /** The conversation ended; the interaction waits for its release (wrap-up). */
    DISCONNECTED
}
