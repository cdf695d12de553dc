package org.switchover.console.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.ReplicationStatus;

/** The load balancers' checks decided from the status: primary, backup with a lag limit, live. */
class HealthChecksTest {

    private static NodeStatus backupWithLags(long... lags) {
        return WebFixtures.status(SwitchoverState.BACKUP, LinkStatus.notConnected(Link.MAIN), List.of(),
                java.util.Arrays.stream(lags).mapToObj(l -> WebFixtures.backupChannel("c" + l, l)).toList());
    }

    @Test
    void primaryPassesOnlyOnThePrimary() {
        assertTrue(HealthChecks.primary(WebFixtures.status(SwitchoverState.PRIMARY)).ok());
        for (SwitchoverState s : List.of(SwitchoverState.BACKUP, SwitchoverState.RECONNECTING, SwitchoverState.INIT,
                SwitchoverState.INACTIVE, SwitchoverState.ERROR)) {
            HealthChecks.Result r = HealthChecks.primary(WebFixtures.status(s));
            assertFalse(r.ok(), s.name());
            assertTrue(r.text().contains(s.name()), r.text());
        }
    }

    @Test
    void backupPassesOnABackupWhoseLargestLagIsWithinTheLimit() {
        NodeStatus s = backupWithLags(120, 40, -1);
        assertEquals(120, HealthChecks.lagMillis(s));
        assertTrue(HealthChecks.backup(s, -1).ok(), "no limit asked");
        assertTrue(HealthChecks.backup(s, 120).ok());
        HealthChecks.Result lagging = HealthChecks.backup(s, 119);
        assertFalse(lagging.ok());
        assertEquals("backup lagging: replication lag 120 ms exceeds 119 ms", lagging.text());
        assertTrue(HealthChecks.backup(backupWithLags(), 0).ok(), "no subsystem reports a lag: nothing behind");
        assertFalse(HealthChecks.backup(WebFixtures.status(SwitchoverState.PRIMARY), -1).ok());
        assertTrue(HealthChecks.backup(WebFixtures.status(SwitchoverState.RECONNECTING), -1).ok(),
                "a reconnecting backup is a backup");
    }

    @Test
    void theLagOfDsSyncMirrorAndTrackerCountsAsMuchAsRecoverys() {
        NodeStatus base = backupWithLags(40);
        NodeStatus s = new NodeStatus(base.node(), base.error(), base.state(), base.epoch(), base.version(),
                base.peer(), base.main(), base.aux(), false, false, true, false, "", -1L, "", "", "", List.of(),
                List.of(), base.recovery(), List.of(), List.of(new ReplicationStatus("mirror", 900, 3),
                new ReplicationStatus("dssync", 15, 0), new ReplicationStatus("tracker", -1, 12)));
        assertEquals(900, HealthChecks.lagMillis(s), "the mirror is furthest behind");
        assertEquals(List.of("dssync", "mirror", "tracker"), s.replication().stream()
                .map(ReplicationStatus::subsystem).toList(), "in the order of their keys");
        assertTrue(HealthChecks.backup(s, 900).ok());
        HealthChecks.Result lagging = HealthChecks.backup(s, 899);
        assertFalse(lagging.ok());
        assertEquals("backup lagging: replication lag 900 ms exceeds 899 ms", lagging.text());
        String page = StatusPage.status(s, new StatusPage.Viewer("ops", true, false, "tok"));
        assertTrue(page.contains("<tr data-subsystem=\"mirror\"><td>mirror</td><td>900</td><td>3</td></tr>"), page);
        assertTrue(page.contains("<tr data-subsystem=\"tracker\"><td>tracker</td><td>-</td><td>12</td></tr>"), page);
    }

    @Test
    void liveAlwaysPasses() {
        assertTrue(HealthChecks.live(WebFixtures.status(SwitchoverState.ERROR)).ok());
    }

    @Test
    void aBadLagValueIsRefusedNamingIt() {
        assertEquals(-1, HealthChecks.parseLag(null));
        assertEquals(0, HealthChecks.parseLag("0"));
        assertEquals(250, HealthChecks.parseLag(" 250 "));
        for (String bad : List.of("", "-1", "1.5", "abc", "99999999999999", "86400001", "1e3", "<script>")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HealthChecks.parseLag(bad), bad);
            assertTrue(e.getMessage().startsWith("lag must be a whole number of milliseconds"), e.getMessage());
            assertFalse(e.getMessage().contains("<"), "never echoes markup: " + e.getMessage());
        }
    }
}
