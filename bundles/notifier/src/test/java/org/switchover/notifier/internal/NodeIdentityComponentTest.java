package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.Notifier;

class NodeIdentityComponentTest {

    @Test
    void readsTheNodePidOnceWithDefaultsAndTheMetatypeRange() {
        NodeIdentityComponent id = new NodeIdentityComponent(Map.of("node", " b ", "switchover.server.a", "alpha",
                "server.a.address", "10.0.0.1", "switchover.port.b", "70000", "data.dir", "${switchover.home}/d"),
                key -> key.equals("switchover.home") ? "/srv/node" : null);
        assertEquals(NodeId.B, id.node());
        assertEquals(NodeId.A, id.peer());
        assertEquals("alpha", id.host(NodeId.A));
        assertEquals("10.0.0.1", id.connectAddress(NodeId.A));
        assertEquals("localhost", id.connectAddress(NodeId.B));
        assertEquals(Notifier.DEFAULT_PORT, id.port(NodeId.A));
        assertEquals(65535, id.port(NodeId.B), "clamped to the @AttributeDefinition max");
        assertEquals(Path.of("/srv/node/d"), id.dataDir());
        assertEquals("1.0.0", id.release());
    }

    @Test
    void noValidLetterNoIdentity() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NodeIdentityComponent(Map.of("node", "C"), key -> null));
        assertTrue(e.getMessage().contains("'C'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NodeIdentityComponent(Map.of(), key -> null));
    }
}
