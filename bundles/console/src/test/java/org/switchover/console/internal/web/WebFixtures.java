package org.switchover.console.internal.web;

import java.util.List;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.RecoveryChannelStatus;

/** Statuses and users for the web side's tests. */
final class WebFixtures {
    private WebFixtures() {
    }

    static NodeStatus status(SwitchoverState state, LinkStatus main, List<String> warnings,
                             List<RecoveryChannelStatus> recovery) {
        return new NodeStatus(NodeId.A, "", state, 3, "1.0.0", null, main, LinkStatus.notConnected(Link.AUX), false,
                false, true, false, "", -1L, "", "row 1", "Manual switch by console", warnings, List.of(),
                recovery);
    }

    static NodeStatus status(SwitchoverState state) {
        return status(state, LinkStatus.notConnected(Link.MAIN), List.of(), List.of());
    }

    static LinkStatus link(ConnectionStatus st, String detail) {
        return new LinkStatus(Link.MAIN, st, detail, "127.0.0.1:3643", 0L, 0);
    }

    static RecoveryChannelStatus backupChannel(String channel, long lag) {
        return new RecoveryChannelStatus(channel, true, true, "backup", -1, 4, 4, "complete", lag, lag, "");
    }
}
