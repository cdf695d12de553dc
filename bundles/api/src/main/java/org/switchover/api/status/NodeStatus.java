package org.switchover.api.status;

import java.util.List;

import org.switchover.api.NodeId;
import org.switchover.api.Role;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;

/**
 * One node's switchover status at one moment, as the core sees it: the single model every status view renders.
 * Immutable; the lists are unmodifiable copies. Values that a view would otherwise work out for itself (the role,
 * whether the backup switches automatically) are methods here, so that every view shows the same answer.
 *
 * @param node this node's letter; null when the configured letter is not A or B ({@code error} says why)
 * @param error why {@code node} is null; empty otherwise
 * @param state this node's switchover state
 * @param epoch the persisted epoch
 * @param version this node's release ({@code switchover.version})
 * @param peer what this node knows about its peer
 * @param main the main notifier connection (live, as the notifier reports it)
 * @param aux the auxiliary notifier connection (live)
 * @param manualSwitchOnly manual mode in force: no monitors, no automatic switch
 * @param forceBackup the force-backup option in force
 * @param primaryConfirmed this backup has seen a primary since it started (automatic switching allowed)
 * @param monitorsWanted the core wants the primary monitor running
 * @param monitorLine the monitors' own status lines (primary monitor, then module monitor, joined by "; "); empty
 *     when no monitor is registered
 * @param reconnectMillisLeft time (ms) until the reconnect timer fires; -1 when it does not run
 * @param pendingSwitch the reason of a switch deferred until the host has started; empty when none
 * @param lastDecision the last decision of the state machine, in words
 * @param lastSwitchReason why the last role change happened; empty when none yet
 * @param warnings the switch warnings in force (spec section 8), one sentence each
 * @param recentAudit the last few audit lines of this node, oldest first
 * @param recovery the Interaction Recovery Service's channels on this node (from its
 *     {@link RecoveryStatusContributor}); empty when the recovery bundle does not run
 * @param sections the other bundles' blocks of figures (from their {@link StatusSectionContributor}s), by name
 * @param replication the replicated subsystems' lag and backlog (from their {@link ReplicationFigures}), in the order
 *     of their keys; empty when none runs (since 1.4)
 */
public record NodeStatus(NodeId node, String error, SwitchoverState state, long epoch, String version,
                         PeerStatus peer, LinkStatus main, LinkStatus aux, boolean manualSwitchOnly,
                         boolean forceBackup, boolean primaryConfirmed, boolean monitorsWanted, String monitorLine,
                         long reconnectMillisLeft, String pendingSwitch, String lastDecision,
                         String lastSwitchReason, List<String> warnings, List<String> recentAudit,
                         List<RecoveryChannelStatus> recovery, List<StatusSection> sections,
                         List<ReplicationStatus> replication) {

    /** Normalises null texts to empty and copies the lists. */
    public NodeStatus {
        error = error == null ? "" : error;
        version = version == null ? "" : version;
        peer = peer == null ? PeerStatus.unknown(node == null ? null : node.peer(), "") : peer;
        main = main == null ? LinkStatus.notConnected(Link.MAIN) : main;
        aux = aux == null ? LinkStatus.notConnected(Link.AUX) : aux;
        monitorLine = monitorLine == null ? "" : monitorLine;
        pendingSwitch = pendingSwitch == null ? "" : pendingSwitch;
        lastDecision = lastDecision == null ? "" : lastDecision;
        lastSwitchReason = lastSwitchReason == null ? "" : lastSwitchReason;
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        recentAudit = recentAudit == null ? List.of() : List.copyOf(recentAudit);
        recovery = recovery == null ? List.of() : List.copyOf(recovery);
        sections = sections == null ? List.of() : List.copyOf(sections);
        replication = replication == null ? List.of() : replication.stream()
                .sorted(java.util.Comparator.comparing(ReplicationStatus::subsystem)).toList();
    }

    /** The status without replication figures (the form of release 1.3 of this package). */
    public NodeStatus(NodeId node, String error, SwitchoverState state, long epoch, String version, PeerStatus peer,
                      LinkStatus main, LinkStatus aux, boolean manualSwitchOnly, boolean forceBackup,
                      boolean primaryConfirmed, boolean monitorsWanted, String monitorLine, long reconnectMillisLeft,
                      String pendingSwitch, String lastDecision, String lastSwitchReason, List<String> warnings,
                      List<String> recentAudit, List<RecoveryChannelStatus> recovery, List<StatusSection> sections) {
        this(node, error, state, epoch, version, peer, main, aux, manualSwitchOnly, forceBackup, primaryConfirmed,
                monitorsWanted, monitorLine, reconnectMillisLeft, pendingSwitch, lastDecision, lastSwitchReason,
                warnings, recentAudit, recovery, sections, List.of());
    }

    /**
     * @return the largest replication lag (ms) any replicated subsystem reports (recovery channels included); -1 when
     *     none does
     * @since 1.4
     */
    public long maxReplicationLagMillis() {
        long max = -1;
        for (RecoveryChannelStatus c : recovery) {
            max = Math.max(max, c.lagMillis());
        }
        for (ReplicationStatus r : replication) {
            max = Math.max(max, r.lagMillis());
        }
        return max;
    }

    /** The status without other bundles' sections (the form of release 1.2 of this package). */
    public NodeStatus(NodeId node, String error, SwitchoverState state, long epoch, String version, PeerStatus peer,
                      LinkStatus main, LinkStatus aux, boolean manualSwitchOnly, boolean forceBackup,
                      boolean primaryConfirmed, boolean monitorsWanted, String monitorLine, long reconnectMillisLeft,
                      String pendingSwitch, String lastDecision, String lastSwitchReason, List<String> warnings,
                      List<String> recentAudit, List<RecoveryChannelStatus> recovery) {
        this(node, error, state, epoch, version, peer, main, aux, manualSwitchOnly, forceBackup, primaryConfirmed,
                monitorsWanted, monitorLine, reconnectMillisLeft, pendingSwitch, lastDecision, lastSwitchReason,
                warnings, recentAudit, recovery, List.of(), List.of());
    }

    /** The status without recovery figures (the form of release 1.0 of this package). */
    public NodeStatus(NodeId node, String error, SwitchoverState state, long epoch, String version, PeerStatus peer,
                      LinkStatus main, LinkStatus aux, boolean manualSwitchOnly, boolean forceBackup,
                      boolean primaryConfirmed, boolean monitorsWanted, String monitorLine, long reconnectMillisLeft,
                      String pendingSwitch, String lastDecision, String lastSwitchReason, List<String> warnings,
                      List<String> recentAudit) {
        this(node, error, state, epoch, version, peer, main, aux, manualSwitchOnly, forceBackup, primaryConfirmed,
                monitorsWanted, monitorLine, reconnectMillisLeft, pendingSwitch, lastDecision, lastSwitchReason,
                warnings, recentAudit, List.of());
    }

    /** @return the role, derived from the state. */
    public Role role() {
        return state.role();
    }

    /**
     * @return true when this node would switch by itself if the primary failed: a backup (not in an upgrade state),
     *         not in manual mode, that has seen a primary
     */
    public boolean automaticSwitch() {
        return state.role() == Role.BACKUP && !state.isUpgrade() && !manualSwitchOnly && primaryConfirmed;
    }

    /** @return the connection on {@code link}. */
    public LinkStatus link(Link link) {
        return link == Link.MAIN ? main : aux;
    }

    /**
     * @return a status holding only what every {@link org.switchover.api.SwitchoverStatus} knows: node, state, epoch
     *         and the last switch reason; everything else empty or unknown
     */
    public static NodeStatus basic(NodeId node, SwitchoverState state, long epoch, String lastSwitchReason) {
        return new NodeStatus(node, "", state, epoch, "", null, null, null, false, false, false, false, "", -1L, "",
                "", lastSwitchReason, List.of(), List.of());
    }
}
