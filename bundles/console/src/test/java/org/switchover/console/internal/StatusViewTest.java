package org.switchover.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.PeerReachability;
import org.switchover.api.status.PeerStatus;
import org.switchover.api.status.StatusSection;

/** The peer's truth in both renderings of the one status model: the text and the JSON say the same thing. */
class StatusViewTest {

    private static NodeStatus primaryWith(PeerStatus peer) {
        return new NodeStatus(NodeId.B, "", SwitchoverState.PRIMARY, 2, "1.0.0", peer,
                LinkStatus.notConnected(Link.MAIN), LinkStatus.notConnected(Link.AUX), false, false, false, false,
                "", -1L, "", "row 27c", "Loss of Connection to Notifier", List.of(), List.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> peerJson(NodeStatus s) {
        return (Map<String, Object>) StatusView.toMap(s).get("peer");
    }

    @Test
    void anUnreachablePeerIsShownUnreachableWithItsLastKnownStateAndItsAgeNeverAsPrimary() {
        PeerStatus dead = new PeerStatus(NodeId.A, "127.0.0.1:3633", SwitchoverState.PRIMARY, 1, "1.0.0", 400L,
                "CONNECTION_LOST: connection refused", PeerReachability.UNREACHABLE, 12_300L);
        NodeStatus s = primaryWith(dead);

        Map<String, Object> peer = peerJson(s);
        assertEquals("UNREACHABLE", peer.get("state"), "the state shown now: " + peer);
        assertEquals("UNREACHABLE", peer.get("reachability"));
        assertEquals("PRIMARY", peer.get("lastKnownState"));
        assertEquals(12.3, peer.get("lastAnswerSecondsAgo"));
        assertEquals(12_300L, peer.get("lastAnswerMillisAgo"));
        assertEquals(0L, peer.get("lastQuerySecondsAgo"));
        assertEquals("CONNECTION_LOST: connection refused", peer.get("lastQueryFailure"));
        assertEquals(1L, peer.get("epoch"), "epoch and version of the last answer stay");

        String text = StatusView.toText(s);
        String line = text.lines().filter(l -> l.startsWith("Peer")).findFirst().orElseThrow();
        assertEquals("Peer        : A at 127.0.0.1:3633, UNREACHABLE (last seen PRIMARY 12 s ago (epoch 1, release"
                + " 1.0.0); last query 0.4 s ago)", line);
        assertFalse(line.contains(", PRIMARY"), "never shown as the current state: " + line);
        assertTrue(text.contains("last query failed: CONNECTION_LOST: connection refused"), text);
    }

    @Test
    void aReachablePeerShowsItsStateAndTheAgeOfTheAnswer() {
        PeerStatus ok = new PeerStatus(NodeId.A, "peer:3633", SwitchoverState.BACKUP, 1, "1.0.0", 800L, "",
                PeerReachability.REACHABLE, 800L);
        NodeStatus s = primaryWith(ok);
        Map<String, Object> peer = peerJson(s);
        assertEquals("BACKUP", peer.get("state"));
        assertEquals("REACHABLE", peer.get("reachability"));
        assertEquals("BACKUP", peer.get("lastKnownState"));
        assertEquals(0.8, peer.get("lastAnswerSecondsAgo"));
        assertTrue(StatusView.toText(s).contains("Peer        : A at peer:3633, BACKUP (epoch 1, release 1.0.0;"
                + " answered 0.8 s ago)"), StatusView.toText(s));
    }

    @Test
    void aPeerNeverAskedOrNeverAnsweredIsUnknownOrUnreachableWithoutAState() {
        NodeStatus never = primaryWith(PeerStatus.unknown(NodeId.A, "peer:3633"));
        Map<String, Object> peer = peerJson(never);
        assertEquals("UNKNOWN", peer.get("state"));
        assertEquals("UNKNOWN", peer.get("reachability"));
        assertNull(peer.get("lastKnownState"));
        assertNull(peer.get("lastAnswerSecondsAgo"));
        assertNull(peer.get("lastQuerySecondsAgo"));
        assertTrue(StatusView.toText(never).contains("UNKNOWN (not asked yet)"), StatusView.toText(never));

        NodeStatus silent = primaryWith(new PeerStatus(NodeId.A, "peer:3633", null, 0, "", 300L, "timed out"));
        Map<String, Object> p = peerJson(silent);
        assertEquals("UNREACHABLE", p.get("state"));
        assertNull(p.get("lastKnownState"));
        assertTrue(StatusView.toText(silent).contains("UNREACHABLE (never answered; last query 0.3 s ago)"),
                StatusView.toText(silent));
    }

    @Test
    void theReleaseOnePointOneConstructorReachesTheSameVerdict() {
        PeerStatus failed = new PeerStatus(NodeId.A, "a", SwitchoverState.PRIMARY, 1, "1.0.0", 500L, "refused");
        assertEquals(PeerReachability.UNREACHABLE, failed.reachability());
        assertEquals("UNREACHABLE", failed.shownState());
        PeerStatus answered = new PeerStatus(NodeId.A, "a", SwitchoverState.PRIMARY, 1, "1.0.0", 500L, "");
        assertEquals(PeerReachability.REACHABLE, answered.reachability());
        assertEquals(500L, answered.lastAnswerAgeMillis());
        assertEquals("PRIMARY", answered.shownState());
    }

    @Test
    void connectionsAndMonitorLineComeFromTheSameModel() {
        NodeStatus s = new NodeStatus(NodeId.B, "", SwitchoverState.BACKUP, 1, "1.0.0",
                PeerStatus.unknown(NodeId.A, "a"), new LinkStatus(Link.MAIN, ConnectionStatus.ACTIVE, "", "a", 0L, 0),
                new LinkStatus(Link.AUX, ConnectionStatus.ACTIVE, "", "a", 0L, 0), true, false, true, false,
                "primary monitor not running (manual switch only)", -1L, "", "", "", List.of(), List.of());
        String text = StatusView.toText(s);
        assertTrue(text.contains("Monitors    : primary monitor not running (manual switch only)"), text);
        @SuppressWarnings("unchecked")
        Map<String, Object> mon = (Map<String, Object>) StatusView.toMap(s).get("monitors");
        assertEquals("primary monitor not running (manual switch only)", mon.get("status"));
    }

    @Test
    void aBundlesStatusSectionIsAnObjectOfTheJsonAndALineOfTheText() {
        PeerStatus unknown = PeerStatus.unknown(NodeId.A, "127.0.0.1:3633");
        NodeStatus base = primaryWith(unknown);
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("destination", "database");
        figures.put("rowsWritten", 12L);
        figures.put("backlogBytes", null);
        figures.put("lastError", "");
        NodeStatus s = new NodeStatus(base.node(), base.error(), base.state(), base.epoch(), base.version(),
                base.peer(), base.main(), base.aux(), false, false, false, false, "", -1L, "", "", "", List.of(),
                List.of(), List.of(), List.of(new StatusSection("tracker", figures),
                        new StatusSection("peer", Map.of("hijack", true))));

        Map<String, Object> json = StatusView.toMap(s);
        assertEquals(figures, json.get("tracker"));
        assertTrue(((Map<?, ?>) json.get("tracker")).containsKey("backlogBytes"), "a null figure is kept as null");
        assertFalse(((Map<?, ?>) json.get("peer")).containsKey("hijack"), "a section never replaces the status's own");
        assertTrue(StatusView.toText(s).contains("Tracker     : destination database, rowsWritten 12, backlogBytes"
                + " null, lastError \n"), StatusView.toText(s));
    }
}
