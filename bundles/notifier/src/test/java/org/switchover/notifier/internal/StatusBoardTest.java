package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.testing.VirtualScheduler;

class StatusBoardTest {

    private final VirtualScheduler clock = new VirtualScheduler();
    private final List<LinkStatus> seen = new ArrayList<>();
    private final StatusBoard board = new StatusBoard(clock, Runnable::run, seen::add);

    private List<String> seenText() {
        List<String> out = new ArrayList<>();
        for (LinkStatus s : seen) {
            out.add(s.link() + " " + s.status() + (s.detail().isEmpty() ? "" : " (" + s.detail() + ")"));
        }
        return out;
    }

    @Test
    void outgoingTransitionsAreReportedWhileThePeerLinksAreOpen() {
        board.peerLinksOpen(true);
        board.outgoing(Link.MAIN, ConnectionStatus.NOT_CONNECTED, "refused", "b:3633", 1);
        board.outgoing(Link.MAIN, ConnectionStatus.NOT_CONNECTED, "refused", "b:3633", 2);
        clock.advance(5000);
        board.outgoing(Link.MAIN, ConnectionStatus.WAITING_FOR_CLIENT, "", "b:3633", 3);
        board.outgoing(Link.MAIN, ConnectionStatus.ACTIVE, "", "b:3633", 0);
        board.outgoing(Link.AUX, ConnectionStatus.AUTHENTICATION_FAILURE, "bad certificate", "b:3633", 1);
        assertEquals(List.of("MAIN NOT_CONNECTED (refused)", "MAIN WAITING_FOR_CLIENT", "MAIN ACTIVE",
                "AUX AUTHENTICATION_FAILURE (bad certificate)"), seenText());
        LinkStatus main = board.status(Link.MAIN);
        assertEquals(ConnectionStatus.ACTIVE, main.status());
        assertEquals(5000, main.sinceMillis());
        assertEquals("b:3633", main.peer());
    }

    @Test
    void inboundStatusIsEffectiveWhenThePeerLinksAreClosed() {
        board.inbound(Link.MAIN, ConnectionStatus.ACTIVE, "", "10.0.0.2:4000");
        board.outgoing(Link.MAIN, ConnectionStatus.NOT_CONNECTED, "x", "b", 1);
        assertEquals(ConnectionStatus.ACTIVE, board.status(Link.MAIN).status());
        board.peerLinksOpen(true);
        assertEquals(ConnectionStatus.NOT_CONNECTED, board.status(Link.MAIN).status());
        board.peerLinksOpen(false);
        board.inbound(Link.MAIN, ConnectionStatus.NOT_CONNECTED, "connection closed", "10.0.0.2:4000");
        assertEquals(List.of("MAIN ACTIVE", "MAIN NOT_CONNECTED (x)", "MAIN ACTIVE",
                "MAIN NOT_CONNECTED (connection closed)"), seenText());
    }

    @Test
    void sinceIsKeptWhenOnlyTheDetailChanges() {
        board.peerLinksOpen(true);
        board.outgoing(Link.AUX, ConnectionStatus.NOT_CONNECTED, "refused", "b", 1);
        clock.advance(1000);
        board.outgoing(Link.AUX, ConnectionStatus.NOT_CONNECTED, "timed out", "b", 2);
        assertEquals(0, board.status(Link.AUX).sinceMillis());
        assertEquals(2, board.status(Link.AUX).reconnectAttempt());
        assertEquals(List.of("AUX NOT_CONNECTED (timed out)"), seenText().subList(seenText().size() - 1,
                seenText().size()));
    }
}
