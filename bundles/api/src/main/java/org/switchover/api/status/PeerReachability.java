package org.switchover.api.status;

/** The status model's verdict on whether the peer answers, from the outcome of the last query of its state. */
public enum PeerReachability {
    /** The last query of the peer's state was answered; the peer's state is current as of that answer. */
    REACHABLE,
    /**
     * The last query of the peer failed: what the peer said before is only its last known state, never its state
     * now.
     */
    UNREACHABLE,
    /** The peer has never been asked, or never answered and no query of it has failed yet. */
    UNKNOWN
}
