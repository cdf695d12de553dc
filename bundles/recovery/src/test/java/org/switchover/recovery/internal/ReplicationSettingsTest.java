package org.switchover.recovery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.config.ConfigReader;
import org.switchover.support.replication.SyncReplication;

/**
 * Interaction recovery's replication parameters (read by {@link SyncReplication.Settings}, as DS sync's are), bad
 * values included.
 */
class ReplicationSettingsTest {

    private final List<String> malformed = new ArrayList<>();

    private SyncReplication.Settings read(Map<String, Object> props, SyncReplication.Settings previous) {
        return SyncReplication.Settings.read(new ConfigReader(RecoveryComponent.Config.class, props, w -> { }), previous,
                malformed::add);
    }

    @Test
    void absentKeysGiveTheDefaults() {
        assertEquals(SyncReplication.Settings.DEFAULTS, read(Map.of(), SyncReplication.Settings.DEFAULTS));
        assertTrue(malformed.isEmpty(), malformed.toString());
    }

    @Test
    void valuesAsAFileInstallCfgCarriesThem() {
        SyncReplication.Settings s = read(Map.of("switchover.replication.mode", " SYNC ",
                "switchover.replication.sync.timeout.ms", "1000", "switchover.replication.sync.resume.ms", "3000"),
                SyncReplication.Settings.DEFAULTS);
        assertEquals(new SyncReplication.Settings(SyncReplication.Mode.SYNC, 1000, 3000), s);
    }

    @Test
    void aMalformedModeKeepsThePreviousOneAndSaysWhy() {
        SyncReplication.Settings previous = new SyncReplication.Settings(SyncReplication.Mode.SYNC, 1000, 3000);
        SyncReplication.Settings s = read(Map.of("switchover.replication.mode", "fast",
                "switchover.replication.sync.timeout.ms", "2000"), previous);
        assertEquals(new SyncReplication.Settings(SyncReplication.Mode.SYNC, 2000, 10000), s);
        assertEquals(1, malformed.size(), malformed.toString());
        assertTrue(malformed.get(0).contains("switchover.replication.mode 'fast'"), malformed.get(0));
    }
}
