package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;

/** Mapping of the DS configuration to the engine's. */
class NotifierComponentTest {

    /** An annotation instance answering from {@code values}, else with the attribute's default. */
    @SuppressWarnings("unchecked")
    static <T> T config(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (values.containsKey(m.getName())) {
                return values.get(m.getName());
            }
            if (m.getName().equals("annotationType")) {
                return type;
            }
            return m.getDefaultValue();
        });
    }

    @Test
    void defaultsMapToTheDocumentedValues() {
        NotifierConfig c = NotifierComponent.map(config(NotifierComponent.Node.class, Map.of("node", "b")),
                config(NotifierComponent.Config.class, Map.of()));
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
        NotifierConfig c = NotifierComponent.map(
                config(NotifierComponent.Node.class, Map.of("node", "A", "server_b_address", "10.0.0.2",
                        "switchover_server_b", "beta", "switchover_port_b", 4000)),
                config(NotifierComponent.Config.class, Map.of("switchover_notifier_reconnect_delay", 1,
                        "handler_threads", 0)));
        assertEquals(Duration.ofSeconds(5), c.reconnectDelay());
        assertEquals(1, c.handlerThreads());
        assertEquals("10.0.0.2:4000", c.peerAddress());
        NotifierConfig slow = NotifierComponent.map(config(NotifierComponent.Node.class, Map.of()),
                config(NotifierComponent.Config.class, Map.of("switchover_notifier_reconnect_delay", 600)));
        assertEquals(Duration.ofSeconds(60), slow.reconnectDelay());
    }

    @Test
    void aBadNodeLetterIsRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifierComponent.map(
                config(NotifierComponent.Node.class, Map.of("node", "C")),
                config(NotifierComponent.Config.class, Map.of())));
        assertTrue(e.getMessage().contains("'C'"), e.getMessage());
    }

    @Test
    void switchoverHomeIsExpandedInTlsPaths() {
        String old = System.getProperty("switchover.home");
        System.setProperty("switchover.home", "/opt/so");
        try {
            NotifierConfig c = NotifierComponent.map(config(NotifierComponent.Node.class, Map.of()),
                    config(NotifierComponent.Config.class, Map.of()));
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
