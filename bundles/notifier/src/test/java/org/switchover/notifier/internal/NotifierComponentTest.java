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
import org.switchover.api.notifier.Notifier;

/** Mapping of the raw DS configuration (node identity and notifier PID, values as a .cfg file gives them) to the engine's. */
class NotifierComponentTest {

    private static Map<String, Object> props(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** The node PID's keys go to the node identity, the rest to the notifier's own PID, as in a running node. */
    private static NotifierSettings map(Map<String, Object> props, NotifierSettings previous) {
        return NotifierComponent.settings(props, new NodeIdentityComponent(props, key -> null), previous);
    }

    @Test
    void defaultsMapToTheDocumentedValues() {
        NotifierSettings c = map(props("node", "b"), null);
        assertEquals(NodeId.B, c.node());
        assertEquals(3633, c.listenPort());
        assertEquals("localhost:3633", c.peerAddress());
        assertEquals(Duration.ofSeconds(5), c.reconnectDelay());
        assertEquals(8 * 1024 * 1024, c.maxFrameBytes(), "issue 10: a lower frame limit (mirror sends at most 4 MiB)");
        assertEquals(100_000, c.streamBacklogSize());
        assertEquals(4, c.handlerThreads());
        assertEquals(Duration.ofMillis(3000), c.connectTimeout());
    }

    @Test
    void outOfRangeValuesAreClampedAndAddressesPreferred() {
        NotifierSettings c = map(props("node", "A", "server.b.address", "10.0.0.2",
                "switchover.server.b", "beta", "switchover.port.b", "4000",
                "switchover.notifier.reconnect.delay", "1", "handler.threads", 0), null);
        assertEquals(Duration.ofSeconds(5), c.reconnectDelay());
        assertEquals(1, c.handlerThreads());
        assertEquals("10.0.0.2:4000", c.peerAddress());
        NotifierSettings slow = map(props("node", "A", "switchover.notifier.reconnect.delay", 600),
                null);
        assertEquals(Duration.ofSeconds(60), slow.reconnectDelay());
    }

    @Test
    void malformedValuesKeepThePreviousSettings() {
        NotifierSettings before = map(props("node", "A", "switchover.notifier.reconnect.delay", "17",
                "switchover.port.a", "4100", "collect-error-counters", "yes"), null);
        NotifierSettings after = map(props("node", "A", "switchover.notifier.reconnect.delay", "x7",
                "switchover.port.a", "0", "collect-error-counters", "perhaps"), before);
        assertEquals(Duration.ofSeconds(17), after.reconnectDelay());
        // the node identity is read afresh on every change (a new identity restarts the notifier), so there is no
        // previous port to keep: port 0 is not a port, the default is used (never bind port 1)
        assertEquals(Notifier.DEFAULT_PORT, after.listenPort(), "port 0 is not a port: never bind port 1");
        assertEquals(4100, before.listenPort());
        assertTrue(after.collectErrorCounters());
    }

    @Test
    void aBadOrMissingNodeLetterIsRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> map(props("node", "C"), null));
        assertTrue(e.getMessage().contains("'C'"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> map(props(), null));
        assertTrue(missing.getMessage().contains("A or B"), missing.getMessage());
    }

    @Test
    void switchoverHomeIsExpandedInTlsPaths() {
        String old = System.getProperty("switchover.home");
        System.setProperty("switchover.home", "/opt/so");
        try {
            NotifierSettings c = map(props("node", "A"), null);
            assertEquals(Path.of("/opt/so/etc/tls/node.p12"), c.keystore());
            assertEquals(Path.of("/opt/so/etc/tls/group-trust.p12"), c.truststore());
        } finally {
            if (old == null) {
                System.clearProperty("switchover.home");
            } else {
                System.setProperty("switchover.home", old);
            }
        }
        assertEquals("${nope.unset}/x", NotifierSettings.expand("${nope.unset}/x"));
    }
}
