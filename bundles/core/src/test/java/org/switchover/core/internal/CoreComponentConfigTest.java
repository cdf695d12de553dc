package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.NodeIdentity;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.notifier.Notifier;

/** Mapping of the node identity and the core's configuration to the machine's settings: clamping, the obsolete
 * name, flags, paths. */
class CoreComponentConfigTest {

    /** The identity the node PID's properties describe (as NodeIdentityComponent publishes it). */
    private static NodeIdentity identity(Map<String, Object> node, Function<String, String> lookup) {
        Function<String, String> text = k -> String.valueOf(node.getOrDefault(k, ""));
        return new NodeIdentity() {
            public NodeId node() {
                return NodeId.parse(text.apply("node"));
            }

            public String host(NodeId n) {
                return String.valueOf(node.getOrDefault("switchover_server_" + n.name().toLowerCase(), "localhost"));
            }

            public String address(NodeId n) {
                return text.apply("server_" + n.name().toLowerCase() + "_address");
            }

            public int port(NodeId n) {
                return ((Number) node.getOrDefault("switchover_port_" + n.name().toLowerCase(),
                        Notifier.DEFAULT_PORT)).intValue();
            }

            public String release() {
                return "1.0.0";
            }

            public Path dataDir() {
                return ConfigReader.dataDir("${switchover.home}/data", lookup, w -> { });
            }
        };
    }

    /**
     * The mapping of the core PID's properties (keys given as the annotation method names, translated to property
     * keys by the DS rules, as SCR does) with the identity of {@code node} and the framework properties.
     */
    private static CoreSettings settings(Map<String, Object> core, Map<String, Object> node,
                                         Map<String, String> props) {
        Map<String, Object> translated = new HashMap<>();
        core.forEach((k, v) -> translated.put(ConfigReader.key(k), v));
        return from(translated, null, identity(node, props::get), props::get);
    }

    private static CoreSettings from(Map<String, Object> core, CoreSettings previous, NodeIdentity id,
                                     Function<String, String> props) {
        return CoreSettings.from(new ConfigReader(CoreComponent.Config.class, core, w -> { }), id, previous,
                CoreComponent.flag(props.apply(CoreComponent.PROP_MANUAL_SWITCH_ONLY)),
                CoreComponent.flag(props.apply(CoreComponent.PROP_FORCE_BACKUP)), w -> { });
    }

    @Test
    void malformedValuesAreNamedAndThePreviousSettingsKept() {
        CoreSettings before = settings(Map.of("switchover_reconnect_timeout", "12", "manual_switch_only", "yes"),
                Map.of("node", "A"), Map.of());
        Map<String, Object> bad = new HashMap<>();
        bad.put("switchover.reconnect.timeout", "abc");
        bad.put("manual.switch.only", "perhaps");
        CoreSettings after = from(bad, before, identity(Map.of("node", "A"), k -> null), k -> null);
        assertEquals(12_000, after.reconnectTimeoutMillis());
        assertTrue(after.manualSwitchOnly());
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
        CoreSettings s = CoreSettings.builder("X", Paths.get(".")).build();
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
        assertEquals(Paths.get("/x/y/data"), resolveDir("${switchover.home}/data",
                k -> k.equals("switchover.home") ? "/x/y" : null));
        assertEquals(Paths.get("/abs/dir"), resolveDir("/abs/dir", k -> null));
        assertEquals(Paths.get("").toAbsolutePath().resolve("data").normalize(),
                resolveDir("${switchover.home}/data", k -> null));
    }

    /** Where the data directory is resolved now: the one reader every bundle's identity goes through. */
    private static Path resolveDir(String text, Function<String, String> lookup) {
        return ConfigReader.dataDir(text, lookup, w -> { });
    }
}
