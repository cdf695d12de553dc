package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;

/** Mapping of the two configurations to the machine's settings: clamping, the obsolete name, flags, paths. */
class CoreComponentConfigTest {

    /** An annotation instance whose methods return {@code values} or the declared default. */
    @SuppressWarnings("unchecked")
    static <A extends Annotation> A config(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getName().equals("annotationType")) {
                return type;
            }
            return method.getDefaultValue();
        });
    }

    private static CoreSettings settings(Map<String, Object> core, Map<String, Object> node,
                                         Map<String, String> props) {
        Function<String, String> lookup = props::get;
        return CoreComponent.toSettings(config(CoreComponent.Config.class, core),
                config(CoreComponent.NodeConfig.class, node), Map.of(), lookup);
    }

    @Test
    void defaultsAndPeerAddress() {
        CoreSettings s = settings(Map.of(), Map.of("node", "B", "server_a_address", "10.0.0.1",
                "switchover_port_a", 3700), Map.of("switchover.home", "/srv/node"));
        assertEquals(NodeId.B, s.node());
        assertEquals("10.0.0.1:3700", s.peerAddress());
        assertEquals(Paths.get("/srv/node/data"), s.dataDir());
        assertEquals(30_000, s.reconnectTimeoutMillis());
        assertFalse(s.manualSwitchOnly());
        assertFalse(s.forceBackup());
        assertEquals("1.0.0", s.version());
        CoreSettings a = settings(Map.of(), Map.of("node", "a", "switchover_server_b", "hostb"), Map.of());
        assertEquals(NodeId.A, a.node());
        assertEquals("hostb:3633", a.peerAddress());
    }

    @Test
    void badNodeLetterGivesAClearError() {
        CoreSettings s = settings(Map.of(), Map.of("node", "X"), Map.of());
        assertNull(s.node());
        assertTrue(s.nodeError().contains("must be A or B, got 'X'"));
    }

    @Test
    void outOfRangeValuesAreClamped() {
        CoreSettings s = settings(Map.of("switchover_reconnect_timeout", -5, "peer_query_interval", 0,
                "negotiation_max_attempts", 5000), Map.of("node", "A"), Map.of());
        assertEquals(0, s.reconnectTimeoutMillis());
        assertEquals(1_000, s.peerQueryMillis());
        assertEquals(1000, s.negotiationMaxAttempts());
    }

    @Test
    void obsoleteReconnectDelayIsUsedOnlyWhileTheNewNameIsAtItsDefault() {
        assertEquals(45_000, settings(Map.of("switchover_reconnect_delay", "45"), Map.of("node", "A"), Map.of())
                .reconnectTimeoutMillis());
        assertEquals(20_000, settings(Map.of("switchover_reconnect_delay", "45", "switchover_reconnect_timeout", 20),
                Map.of("node", "A"), Map.of()).reconnectTimeoutMillis());
        assertEquals(30_000, settings(Map.of("switchover_reconnect_delay", "soon"), Map.of("node", "A"), Map.of())
                .reconnectTimeoutMillis());
    }

    @Test
    void systemPropertiesSetForceBackupAndManualMode() {
        Map<String, String> props = new HashMap<>();
        props.put(CoreComponent.PROP_FORCE_BACKUP, "true");
        props.put(CoreComponent.PROP_MANUAL_SWITCH_ONLY, "TRUE");
        CoreSettings s = settings(Map.of(), Map.of("node", "A"), props);
        assertTrue(s.forceBackup());
        assertTrue(s.manualSwitchOnly());
        assertTrue(settings(Map.of("manual_switch_only", true), Map.of("node", "A"), Map.of()).manualSwitchOnly());
    }

    @Test
    void dataDirVariablesAreResolved() {
        assertEquals(Paths.get("/x/y/data"), CoreComponent.resolveDir("${switchover.home}/data",
                k -> k.equals("switchover.home") ? "/x/y" : null));
        assertEquals(Paths.get("/abs/dir"), CoreComponent.resolveDir("/abs/dir", k -> null));
        assertEquals(Paths.get("").toAbsolutePath().resolve("data").normalize(),
                CoreComponent.resolveDir("${switchover.home}/data", k -> null));
    }
}
