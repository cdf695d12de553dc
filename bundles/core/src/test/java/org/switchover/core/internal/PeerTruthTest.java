package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.switchover.api.SwitchoverState.BACKUP;
import static org.switchover.api.SwitchoverState.PRIMARY;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchoverState;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.PeerReachability;
import org.switchover.api.status.PeerStatus;

/**
 * Issue 12 item 7 on virtual time: the status tells the truth about the peer (a failed query makes it UNREACHABLE at
 * once, its last known state kept with its age) and the monitor line never contradicts the connection lines (a
 * monitor the core does not run does not speak for the connections).
 */
class PeerTruthTest {

    private static final long QUERY = 1_000L;

    @TempDir
    Path dir;

    /** The status as the core component builds it, the monitor line from the harness's monitor. */
    private static NodeStatus status(Harness h) {
        Snapshot s = h.machine.snapshot();
        FakeMonitor m = h.monitor;
        String line = StatusReport.monitorLine(s, h.monitorRef == null ? null : m.statusLine(),
                h.monitorRef != null && m.isRunning(), null);
        return StatusReport.of(s, h.clock.nowMillis(), h.notifier::status, line, List.of(), h.journal(), List.of());
    }

    /** A primary, B backup with the links up, peer queries every second. */
    private Pair running() {
        Pair p = new Pair(dir.resolve("A"), dir.resolve("B"));
        p.a.settings.peerQueryMillis(QUERY);
        p.b.settings.peerQueryMillis(QUERY);
        return p.running();
    }

    @Test
    void theNewPrimaryShowsItsKilledPeerUnreachableWithinOneQueryIntervalNotPrimary() {
        Pair p = running();
        PeerStatus before = status(p.b).peer();
        assertEquals(PeerReachability.REACHABLE, before.reachability(), before.toString());
        assertEquals("PRIMARY", before.shownState());

        // kill -9 of A: its clock stops and nothing reaches it any more (connection refused)
        p.a.sched.freeze();
        p.a.machine = null;
        p.b.notifier.bothLinks(ConnectionStatus.NOT_CONNECTED);
        p.b.machine.report(new MonitorReport(MonitorSignal.NOTIFIER_DOWN, "Loss of Connection to Notifier",
                "no answer to 3 pings; both connections down; PrimaryReached"));
        for (int i = 0; i < 120 && p.b.state() != PRIMARY; i++) {
            p.advance(500);
        }
        assertEquals(PRIMARY, p.b.state());
        p.advance(QUERY + p.b.settings.build().negotiationTimeoutMillis());

        PeerStatus peer = status(p.b).peer();
        assertEquals(PeerReachability.UNREACHABLE, peer.reachability(), peer.toString());
        assertEquals("UNREACHABLE", peer.shownState(), "never PRIMARY while queries fail: " + peer);
        assertEquals(SwitchoverState.PRIMARY, peer.state(), "the last known state stays, as such: " + peer);
        assertFalse(peer.lastQueryFailure().isEmpty(), peer.toString());
        assertTrue(peer.lastAnswerAgeMillis() > peer.lastQueryAgeMillis(),
                "the last answer is older than the failed query: " + peer);
        assertTrue(peer.lastQueryAgeMillis() <= QUERY, "asked within one interval: " + peer);

        long age = peer.lastAnswerAgeMillis();
        p.advance(5_000);
        PeerStatus later = status(p.b).peer();
        assertEquals(age + 5_000, later.lastAnswerAgeMillis(), "the last answer ages with the clock");
        assertEquals("UNREACHABLE", later.shownState());
    }

    @Test
    void aPeerThatAnswersAgainIsReachableWithAFreshAnswer() {
        Harness h = new Harness(dir, "A");
        h.settings.peerQueryMillis(QUERY);
        h.startAsPrimary();
        PeerStatus alone = status(h).peer();
        assertEquals(PeerReachability.UNREACHABLE, alone.reachability(), alone.toString());
        assertEquals("UNREACHABLE", alone.shownState());
        assertFalse(alone.known());
        h.peerAnswers(org.switchover.api.NodeId.B, BACKUP, 0, h.settings.build().version());
        h.advance(QUERY);
        PeerStatus back = status(h).peer();
        assertEquals(PeerReachability.REACHABLE, back.reachability(), back.toString());
        assertEquals("BACKUP", back.shownState());
        assertEquals(back.lastQueryAgeMillis(), back.lastAnswerAgeMillis());
    }

    @Test
    void aManualOnlyBackupShowsNoMonitorLineThatContradictsItsActiveConnections() {
        Harness h = new Harness(dir, "B");
        h.settings.manualSwitchOnly(true);
        h.startAsBackup();
        // a primary monitor service is still bound, showing what it saw last (its line from before it stopped)
        h.monitor.line = "primary monitor stopped: both connections are down; network status: not checked yet";
        h.links(ConnectionStatus.ACTIVE);
        NodeStatus s = status(h);
        assertTrue(s.main().isActive() && s.aux().isActive(), s.toString());
        assertFalse(s.monitorLine().contains("down"), "the monitor line contradicts the connections: "
                + s.monitorLine());
        assertEquals("primary monitor not running (manual switch only)", s.monitorLine());
    }

    @Test
    void manualModeSwitchedOnLiveDropsTheStoppedMonitorsLine() {
        Harness h = new Harness(dir, "B");
        h.startAsLinkedBackup();
        assertTrue(h.machine.snapshot().monitorsRunning());
        h.monitor.line = "primary monitor watching: both connections are up";
        assertEquals("primary monitor watching: both connections are up", status(h).monitorLine());
        // both links drop, the monitor saw it; then manual mode goes on live and the links come back
        h.monitor.line = "primary monitor stopped: both connections are down";
        h.machine.reconfigure(h.settings.manualSwitchOnly(true).build());
        h.run();
        h.links(ConnectionStatus.ACTIVE);
        NodeStatus s = status(h);
        assertTrue(s.main().isActive() && s.aux().isActive(), s.toString());
        assertEquals("primary monitor not running (manual switch only)", s.monitorLine());
    }

    @Test
    void onAQuietBackupTheAgeOfTheLastAnswerGrowsWithTheClockNotWithTheLastEvent() {
        Harness h = new Harness(dir, "B");
        h.startAsLinkedBackup();
        long age = status(h).peer().lastAnswerAgeMillis();
        h.advance(60_000); // a confirmed backup does not ask its primary: no event for a minute
        PeerStatus later = status(h).peer();
        assertEquals(age + 60_000, later.lastAnswerAgeMillis(), later.toString());
        assertEquals(PeerReachability.REACHABLE, later.reachability());
    }

    @Test
    void aBackupThatLosesBothLinksShowsThePrimaryUnreachableAndAsksOnceWhenTheyAreBack() {
        Harness h = new Harness(dir, "B");
        h.settings.manualSwitchOnly(true);
        h.startAsLinkedBackup();
        int asked = h.notifier.sent(org.switchover.api.notifier.EventIds.STATE_QUERY).size();
        h.advance(2_000);
        h.links(ConnectionStatus.NOT_CONNECTED);
        PeerStatus lost = status(h).peer();
        assertEquals(PeerReachability.UNREACHABLE, lost.reachability(), lost.toString());
        assertEquals("UNREACHABLE", lost.shownState());
        assertEquals(SwitchoverState.PRIMARY, lost.state());
        assertEquals(PeerClient.LINKS_LOST, lost.lastQueryFailure());
        assertEquals(asked, h.notifier.sent(org.switchover.api.notifier.EventIds.STATE_QUERY).size(),
                "the loss itself asks nothing");

        h.links(ConnectionStatus.ACTIVE);
        assertEquals(asked + 1, h.notifier.sent(org.switchover.api.notifier.EventIds.STATE_QUERY).size(),
                "asked once when the links are back");
        PeerStatus back = status(h).peer();
        assertEquals(PeerReachability.REACHABLE, back.reachability(), back.toString());
        assertEquals("PRIMARY", back.shownState());
        assertEquals(0L, back.lastAnswerAgeMillis());
        h.advance(30_000);
        assertEquals(asked + 1, h.notifier.sent(org.switchover.api.notifier.EventIds.STATE_QUERY).size(),
                "no period started");
    }
}
