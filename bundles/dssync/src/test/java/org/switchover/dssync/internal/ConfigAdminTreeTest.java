package org.switchover.dssync.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.switchover.api.ds.DirectoryEntry;

class ConfigAdminTreeTest {

    @Test
    void primarySettingsReachTheBackupWhileItsNodeLocalKeysStay() {
        Hashtable<String, Object> primary = new Hashtable<>();
        primary.put("service.pid", "org.switchover.notifier");
        primary.put("switchover.notifier.reconnect.delay", 7);
        primary.put("tls.keystore", "/a/node.p12");
        primary.put("tls.keystore.password", "secretA");
        primary.put("switchover.port.a", 4000);
        primary.put("handler.threads", new int[] {4, 5});
        DirectoryEntry e = ConfigAdminTree.toEntry("org.switchover.notifier", primary);
        assertEquals("${SWITCHOVER}/ConfigAdmin/org.switchover.notifier", e.path());
        assertEquals(List.of("switchover.notifier.reconnect.delay", "handler.threads").stream().sorted().toList(),
                List.copyOf(e.attributes().keySet()));

        Hashtable<String, Object> backup = new Hashtable<>();
        backup.put("service.pid", "org.switchover.notifier");
        backup.put("switchover.notifier.reconnect.delay", "5");
        backup.put("tls.keystore", "/b/node.p12");
        backup.put("stale.key", "x");
        Hashtable<String, Object> merged = ConfigAdminTree.merge(backup, e);
        assertEquals("7", merged.get("switchover.notifier.reconnect.delay"));
        assertEquals("/b/node.p12", merged.get("tls.keystore"));
        assertArrayEquals(new String[] {"4", "5"}, (String[]) merged.get("handler.threads"));
        assertFalse(merged.containsKey("stale.key"), "a key the primary dropped goes");
        assertTrue(ConfigAdminTree.differs(backup, merged));
        assertFalse(ConfigAdminTree.differs(merged, ConfigAdminTree.merge(merged, e)));
    }

    @Test
    void theNodePidAndForeignPidsAreNotReplicated() {
        assertFalse(ConfigAdminTree.replicatedPid("org.switchover.node"));
        assertFalse(ConfigAdminTree.replicatedPid("org.apache.felix.fileinstall"));
        assertTrue(ConfigAdminTree.replicatedPid("org.switchover.core"));
        assertFalse(ConfigAdminTree.replicatedKey("server.b.address"));
        assertFalse(ConfigAdminTree.replicatedKey("data.dir"));
        assertTrue(ConfigAdminTree.replicatedKey("manual.switch.only"));
        assertFalse(ConfigAdminTree.replicatedPid("org.switchover.host.reference"), "the simulated host is local");
        for (String local : List.of("force.backup", "control.enabled", "configadmin.replication")) {
            assertFalse(ConfigAdminTree.replicatedKey(local), local + " describes this node");
        }
    }
}
