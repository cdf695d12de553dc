package org.switchover.console.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverControl;
import org.switchover.api.SwitchoverState;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.PeerStatus;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.api.warning.SwitchWarning;

/**
 * The core as the console sees it, through its two API services: node B, a confirmed backup of primary A with both
 * links active. A manual switch follows the core's rules as far as the console can tell them apart: refused while a
 * warning is in force and not accepted (the detail carries {@link SwitchWarning#QUESTION}), refused on anything but
 * a backup, otherwise the node becomes PRIMARY with the next epoch (uncontrolled when immediate) and the reason says
 * who asked and which warnings were passed over.
 */
final class FakeCore implements SwitchoverStatus, SwitchoverControl {

    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<String> restarts = new CopyOnWriteArrayList<>();
    final List<RecoveryChannelStatus> recovery = new CopyOnWriteArrayList<>();
    private volatile SwitchoverState state = SwitchoverState.BACKUP;
    private volatile long epoch;
    private volatile String reason = "";

    @Override
    public NodeId node() {
        return NodeId.B;
    }

    @Override
    public NodeStatus report() {
        PeerStatus peer = new PeerStatus(NodeId.A, "peer:3633", SwitchoverState.PRIMARY, 5, "1.0.0", 1_000L, "");
        return new NodeStatus(NodeId.B, "", state, epoch, "1.0.0", peer, active(Link.MAIN), active(Link.AUX), false,
                false, true, true, "fake monitor", -1L, "", "last row", reason, warnings(), List.of(), recovery);
    }

    @Override
    public SwitchoverState state() {
        return state;
    }

    @Override
    public List<String> warnings() {
        return new ArrayList<>(warnings);
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public String lastSwitchReason() {
        return reason;
    }

    private static LinkStatus active(Link l) {
        return new LinkStatus(l, ConnectionStatus.ACTIVE, "", "peer:3633", 0L, 0);
    }

    @Override
    public synchronized CompletionStage<SwitchResult> requestSwitch(boolean immediate, String requestedBy,
                                                                    boolean acceptWarnings) {
        List<String> now = warnings();
        if (!acceptWarnings && !now.isEmpty()) {
            return CompletableFuture.completedFuture(SwitchResult.refused(epoch, "switch refused: "
                    + String.join("; ", now) + ". " + SwitchWarning.QUESTION + " Accept the warnings to switch anyway"));
        }
        if (state != SwitchoverState.BACKUP) {
            return CompletableFuture.completedFuture(SwitchResult.refused(epoch, "switch refused: not possible in"
                    + " state " + state));
        }
        state = SwitchoverState.PRIMARY;
        epoch++;
        reason = "Manual Switchover: requested by " + requestedBy
                + (now.isEmpty() ? "" : "; switched despite the warnings: " + String.join("; ", now));
        SwitchResult.Mode mode = immediate ? SwitchResult.Mode.UNCONTROLLED : SwitchResult.Mode.CONTROLLED;
        return CompletableFuture.completedFuture(new SwitchResult(true, mode, epoch, "node B is PRIMARY"));
    }

    @Override
    public void restart(String requestedBy) {
        restarts.add(requestedBy);
    }
}
