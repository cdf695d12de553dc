package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.notifier.RequestHandler;

class CountersTest {

    @Test
    void familiesCountOnlyWhileSwitchedOnAndStartFromZero() {
        Counters c = new Counters();
        c.requestReceived("a");
        c.protocolError("frame-too-large");
        assertTrue(c.requestsReceived().isEmpty());
        assertTrue(c.protocolErrors().isEmpty());
        c.configure(true, false, false);
        c.requestReceived("a");
        c.requestReceived("a");
        c.requestReceived("b");
        c.protocolError("frame-too-large");
        assertEquals(Map.of("a", 2L, "b", 1L), c.requestsReceived());
        assertTrue(c.protocolErrors().isEmpty());
        c.configure(true, true, false);
        c.protocolError("frame-too-large");
        assertEquals(Map.of("frame-too-large", 1L), c.protocolErrors());
        assertEquals(Map.of("a", 2L, "b", 1L), c.requestsReceived(), "staying on keeps the counts");
        c.configure(false, true, false);
        c.configure(true, true, false);
        assertTrue(c.requestsReceived().isEmpty(), "switched on again: from zero");
    }

    @Test
    void errorsPerOriginalRequestTypeCountOnlyWhileTheirFlagIsOn() {
        Counters c = new Counters();
        c.requestRefused("Mirror Chunk");
        assertTrue(c.errorsByRequestType().isEmpty());
        assertFalse(c.espErrorCountersEnabled());
        c.configure(false, false, true);
        c.requestRefused("Mirror Chunk");
        c.requestRefused("Mirror Chunk");
        c.requestRefused("dssync.node");
        assertEquals(Map.of("Mirror Chunk", 2L, "dssync.node", 1L), c.errorsByRequestType());
        assertTrue(c.requestsReceived().isEmpty() && c.protocolErrors().isEmpty(), "the other families stay off");
        c.configure(false, false, false);
        assertTrue(c.errorsByRequestType().isEmpty(), "off: none shown");
        c.configure(false, false, true);
        assertTrue(c.errorsByRequestType().isEmpty(), "on again: from zero");
    }

    @Test
    void handlerRegistryPrefersRankingThenAge() {
        HandlerRegistry r = new HandlerRegistry();
        RequestHandler h1 = req -> null;
        RequestHandler h2 = req -> null;
        RequestHandler h3 = req -> null;
        r.put(1, 0, List.of("x", "y"), h1);
        r.put(2, 0, List.of("x"), h2);
        assertEquals(h1, r.lookup("x"));
        r.put(3, 10, HandlerRegistry.eventIds(new String[] {"x"}), h3);
        assertEquals(h3, r.lookup("x"));
        r.remove(3);
        r.remove(1);
        assertEquals(h2, r.lookup("x"));
        assertEquals(null, r.lookup("y"));
        assertEquals(List.of("a"), HandlerRegistry.eventIds("a"));
        assertTrue(HandlerRegistry.eventIds(42).isEmpty());
    }
}
