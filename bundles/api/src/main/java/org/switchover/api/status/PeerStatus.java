package org.switchover.api.status;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;

/**
 * What a node knows about its peer: the peer's last answer to a state query, how old that answer is, and whether the
 * peer answers now. {@link #state()} is the peer's <em>last known</em> state; the state a view shows as the peer's
 * current one is {@link #shownState()}, which is {@code UNREACHABLE} as soon as a query of the peer has failed.
 *
 * @param node the peer's letter; null when this node's own letter is not configured
 * @param address the peer's virtual-switch address, {@code host:port}
 * @param state the peer's state in its last answer (its last known state, whether or not it answers now); null when
 *     it has never answered
 * @param epoch the peer's epoch in its last answer; meaningless while {@code state} is null
 * @param version the peer's release in its last answer; empty while {@code state} is null
 * @param lastQueryAgeMillis how long ago (ms) the peer last answered or a query of it last failed; -1 when it has
 *     never been asked
 * @param lastQueryFailure why the last query failed; empty when it succeeded
 * @param reachability whether the last query was answered ({@link PeerReachability})
 * @param lastAnswerAgeMillis how long ago (ms) the peer last answered, i.e. the age of {@code state}; -1 when it has
 *     never answered
 */
public record PeerStatus(NodeId node, String address, SwitchoverState state, long epoch, String version,
                         long lastQueryAgeMillis, String lastQueryFailure, PeerReachability reachability,
                         long lastAnswerAgeMillis) {

    /** Normalises null texts to empty and a missing verdict to {@link PeerReachability#UNKNOWN}. */
    public PeerStatus {
        address = address == null ? "" : address;
        version = version == null ? "" : version;
        lastQueryFailure = lastQueryFailure == null ? "" : lastQueryFailure;
        reachability = reachability == null ? PeerReachability.UNKNOWN : reachability;
        lastAnswerAgeMillis = state == null ? -1L : lastAnswerAgeMillis;
    }

    /**
     * The form of release 1.1 of this package: the verdict follows from the last query (failed: unreachable;
     * answered: reachable, its answer as old as the query), as the core works it out.
     */
    public PeerStatus(NodeId node, String address, SwitchoverState state, long epoch, String version,
                      long lastQueryAgeMillis, String lastQueryFailure) {
        this(node, address, state, epoch, version, lastQueryAgeMillis, lastQueryFailure,
                verdict(state != null, lastQueryAgeMillis >= 0, lastQueryFailure),
                lastQueryFailure == null || lastQueryFailure.isEmpty() ? lastQueryAgeMillis : -1L);
    }

    /**
     * The one rule for the verdict, so that every producer of this model reaches the same one.
     *
     * @param answered the peer has answered at least once
     * @param asked the peer has been asked at least once
     * @param lastQueryFailure why the last query failed; empty (or null) when it was answered
     */
    public static PeerReachability verdict(boolean answered, boolean asked, String lastQueryFailure) {
        if (lastQueryFailure != null && !lastQueryFailure.isEmpty()) {
            return PeerReachability.UNREACHABLE;
        }
        return answered && asked ? PeerReachability.REACHABLE : PeerReachability.UNKNOWN;
    }

    /** @return true when the peer has answered at least once ({@link #state()} is set). */
    public boolean known() {
        return state != null;
    }

    /**
     * @return what a view shows as the peer's state now: its state while the last query was answered,
     *         {@code UNREACHABLE} once a query failed (the last known state is then {@link #state()}, with its age
     *         {@link #lastAnswerAgeMillis()}), {@code UNKNOWN} while it has never answered
     */
    public String shownState() {
        if (reachability == PeerReachability.UNREACHABLE) {
            return PeerReachability.UNREACHABLE.name();
        }
        return reachability == PeerReachability.REACHABLE && state != null ? state.name() : "UNKNOWN";
    }

    /** @return a peer that has never been asked. */
    public static PeerStatus unknown(NodeId node, String address) {
        return new PeerStatus(node, address, null, 0L, "", -1L, "", PeerReachability.UNKNOWN, -1L);
    }
}
