package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;

/** Mapping of the raw DS configuration (both PIDs merged, values as a .cfg file gives them) to the engine's. */
class NotifierComponentTest {

    private static Map<String, Object> props(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsMapToTheDocumentedValues() {
        NotifierConfig c = NotifierComponent.map(props("node", "b"), null);
        assertEquals(NodeId.B, c.node());
        assertEquals(3633, c.listenPort());
        assertEquals("localhost:3633", c.peerAddress());
        assertEquals(Duration.ofSeconds(5), c.reconnectDelay());
        assertEquals(16 * 1024 * 1024, c.maxFrameBytes());
        assertEquals(100_000, c.streamBacklogSize());
        assertEquals(4, c.handlerThreads());
        assertEquals(Duration.ofMillis(3000), c.connectTimeout());
    }

    @Test
    void outOfRangeValuesAreClampedAndAddressesPreferred() {
        NotifierConfig c = NotifierComponent.map(props("node", "A", "server.b.address", "10.0.0.2",
                "switchover.server.b", "beta", "switchover.port.b", "4000",
                "switchover.notifier.reconnect.delay", "1", "handler.threads", 0), null);
        assertEquals(Duration.ofSeconds(5), c.reconnectDelay());
        assertEquals(1, c.handlerThreads());
        assertEquals("10.0.0.2:4000", c.peerAddress());
        NotifierConfig slow = NotifierComponent.map(props("node", "A", "switchover.notifier.reconnect.delay", 600),
                null);
        assertEquals(Duration.ofSeconds(60), slow.reconnectDelay());
    }

    @Test
    void malformedValuesKeepThePreviousSettings() {
        NotifierConfig before = NotifierComponent.map(props("node", "A", "switchover.notifier.reconnect.delay", "17",
                "switchover.port.a", "4100", "collect-error-counters", "yes"), null);
        NotifierConfig after = NotifierComponent.map(props("node", "A", "switchover.notifier.reconnect.delay", "x7",
                "switchover.port.a", "0", "collect-error-counters", "perhaps"), before);
        assertEquals(Duration.ofSeconds(17), after.reconnectDelay());
        assertEquals(4100, after.listenPort(), "port 0 is not a port: the previous one stays (never bind port 1)");
        assertTrue(after.collectErrorCounters());
    }

    @Test
    void aBadOrMissingNodeLetterIsRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifierComponent.map(props("node", "C"), null));
        assertTrue(e.getMessage().contains("'C'"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> NotifierComponent.map(props(), null));
        assertTrue(missing.getMessage().contains("A or B"), missing.getMessage());
    }

    @Test
    void switchoverHomeIsExpandedInTlsPaths() {
        String old = System.getProperty("switchover.home");
        System.setProperty("switchover.home", "/opt/so");
        try {
            NotifierConfig c = NotifierComponent.map(props("node", "A"), null);
            assertEquals(Path.of("/opt/so/etc/tls/node.p12"), c.keystore());
            assertEquals(Path.of("/opt/so/etc/tls/group-trust.p12"), c.truststore());
        } finally {
            if (old == null) {
                System.clearProperty("switchover.home");
            } else {
                System.setProperty("switchover.home", old);
            }
        }
        assertEquals("${nope.unset}/x", NotifierComponent.expand("${nope.unset}/x"));
    }
}
