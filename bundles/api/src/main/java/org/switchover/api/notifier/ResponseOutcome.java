package org.switchover.api.notifier;

/** How a request ended. Exactly one outcome completes every request. */
public enum ResponseOutcome {
    /** The peer's handler answered; the response carries its payload. */
    REPLY,
    /** No answer arrived within the request's timeout. */
    TIMEOUT,
    /**
     * The peer has no handler for the event id, or its handler failed. Answered at once by the peer, so it is never
     * confused with {@link #TIMEOUT}.
     */
    REJECTED,
    /** The connection carrying the request was lost (or was down when it was sent) before an answer arrived. */
    CONNECTION_LOST,
    /** The sender cancelled the request. */
    CANCELLED
}
