package org.switchover.core.internal;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.LinkStatus;

/**
 * Immutable picture of the state machine after its last event, readable from any thread.
 *
 * @param node this node, null when misconfigured
 * @param nodeError why {@code node} is null
 * @param state the state
 * @param epoch the persisted epoch
 * @param version this node's release
 * @param peerAddress the peer's virtual-switch address
 * @param peer the peer's last answer, null when none
 * @param peerSeenMillis scheduler time of {@code peer} or of the last failed query
 * @param peerFailure why the last query of the peer failed, empty when it succeeded
 * @param peerAnsweredMillis scheduler time of {@code peer}, the peer's last answer (meaningless while it is null)
 * @param main status of the main link
 * @param aux status of the auxiliary link
 * @param manualSwitchOnly manual mode in force
 * @param forceBackup force-backup option in force
 * @param primaryConfirmed the backup has seen a primary (automatic switching allowed)
 * @param monitorsRunning the core wants the primary monitor running
 * @param reconnectDueMillis scheduler time the reconnect timer fires, -1 when not running
 * @param pendingSwitch the reason of a switch deferred until the host started, empty when none
 * @param lastDecision the last row taken, in words
 * @param lastSwitchReason why the last role change happened, empty when none yet
 * @param nowMillis scheduler time of this picture
 */
record Snapshot(NodeId node, String nodeError, SwitchoverState state, long epoch, String version, String peerAddress,
                Wire.StateInfo peer, long peerSeenMillis, String peerFailure, long peerAnsweredMillis,
                LinkStatus main, LinkStatus aux,
                boolean manualSwitchOnly, boolean forceBackup, boolean primaryConfirmed, boolean monitorsRunning,
                long reconnectDueMillis, String pendingSwitch, String lastDecision, String lastSwitchReason,
                long nowMillis) {
}
