package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.api.status.RecoveryStatusContributor;

/** The recovery figures on their way into the status model: collected from the contributors, carried unchanged. */
class StatusReportTest {

    private static final RecoveryChannelStatus CHAT = new RecoveryChannelStatus("chat", true, true, "backup", -1,
            401, 401, "complete", 2, 41, "");
    private static final RecoveryChannelStatus MAIL = RecoveryChannelStatus.notConfigured("mail");

    private static Snapshot snapshot() {
        return new Snapshot(NodeId.B, "", SwitchoverState.BACKUP, 3, "1.0.0", "127.0.0.1:3633", null, 0, "", 0, null,
                null, false, false, true, true, -1, "", "row 1", "", 1000);
    }

    @Test
    void theContributorsChannelsReachTheStatusInTheirOrder() {
        List<RecoveryChannelStatus> recovery = StatusReport.recovery(List.of(() -> List.of(MAIL, CHAT)),
                (m, e) -> { throw new AssertionError(m + e); });
        NodeStatus s = StatusReport.of(snapshot(), 1000, l -> null, "", List.of(), List.of(), recovery);
        assertEquals(List.of(MAIL, CHAT), s.recovery());
    }

    @Test
    void aFailingContributorIsLoggedAndLeftOutTheOthersStay() {
        List<String> logged = new ArrayList<>();
        RecoveryStatusContributor broken = () -> {
            throw new IllegalStateException("boom");
        };
        List<RecoveryChannelStatus> recovery = StatusReport.recovery(List.of(broken, () -> List.of(CHAT), () -> null),
                (m, e) -> logged.add(e));
        assertEquals(List.of(CHAT), recovery);
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).contains("boom"), logged.toString());
    }

    @Test
    void withoutRecoveryTheStatusHasAnEmptyList() {
        NodeStatus s = StatusReport.of(snapshot(), 1000, l -> null, "", List.of(), List.of(),
                StatusReport.recovery(List.of(), (m, e) -> { }));
        assertEquals(List.of(), s.recovery());
        assertEquals(List.of(), NodeStatus.basic(NodeId.A, SwitchoverState.PRIMARY, 1, "").recovery());
    }
}
