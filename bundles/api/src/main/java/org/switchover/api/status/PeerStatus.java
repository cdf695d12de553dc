package org.switchover.api.status;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;

/**
 * What a node knows about its peer: the peer's last answer to a state query and how old it is.
 *
 * @param node the peer's letter; null when this node's own letter is not configured
 * @param address the peer's virtual-switch address, {@code host:port}
 * @param state the peer's state in its last answer; null when it has never answered (shown as {@code UNKNOWN})
 * @param epoch the peer's epoch in its last answer; meaningless while {@code state} is null
 * @param version the peer's release in its last answer; empty while {@code state} is null
 * @param lastQueryAgeMillis how long ago (ms) the peer last answered or a query of it last failed; -1 when it has
 *     never been asked
 * @param lastQueryFailure why the last query failed; empty when it succeeded
 */
public record PeerStatus(NodeId node, String address, SwitchoverState state, long epoch, String version,
                         long lastQueryAgeMillis, String lastQueryFailure) {

    /** Normalises null texts to empty. */
    public PeerStatus {
        address = address == null ? "" : address;
        version = version == null ? "" : version;
        lastQueryFailure = lastQueryFailure == null ? "" : lastQueryFailure;
    }

    /** @return true when the peer has answered at least once ({@link #state()} is set). */
    public boolean known() {
        return state != null;
    }

    /** @return a peer that has never been asked. */
    public static PeerStatus unknown(NodeId node, String address) {
        return new PeerStatus(node, address, null, 0L, "", -1L, "");
    }
}
