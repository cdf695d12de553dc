package org.switchover.host.reference.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryWrite;

class MvDirectoryStoreTest {

    @TempDir
    Path dir;

    @Test
    void writesSurviveReopenWithTheirChangeNumberAndHashes() throws Exception {
        byte[] hash;
        try (MvDirectoryStore s = new MvDirectoryStore(dir)) {
            s.put(new DirectoryEntry("${CONFIG}/Users/alice", "User", Map.of("Extension", List.of("101"))));
            s.put(new DirectoryEntry("${CONFIG}/Users/bob", "User", Map.of("Roles", List.of("a", "b"))));
            s.delete("${CONFIG}/Users/alice");
            hash = s.subtreeHash("");
        }
        try (MvDirectoryStore s = new MvDirectoryStore(dir)) {
            assertEquals(1, s.size());
            assertEquals(3, s.changeNumber());
            assertFalse(s.get("${CONFIG}/Users/alice").isPresent());
            assertEquals(List.of("a", "b"), s.get("${CONFIG}/Users/bob").orElseThrow().attributes().get("Roles"));
            assertArrayEquals(hash, s.subtreeHash(""));
        }
    }

    @Test
    void shellCommandsWriteAndCount() throws Exception {
        try (MvDirectoryStore s = new MvDirectoryStore(dir)) {
            DsCommands c = new DsCommands(s);
            assertTrue(c._main("host:ds-put", "a/b", "User", "x=1", "x=2").startsWith("put a/b"));
            assertEquals(List.of("1", "2"), s.get("a/b").orElseThrow().attributes().get("x"));
            assertTrue(c._main("ds-fill", "big", "2500").startsWith("filled 2500"));
            assertEquals("2500", c._main("ds-count", "big"));
            assertEquals("2501", c._main("ds-count"));
            assertTrue(c._main("ds-put", "a//b", "User").startsWith("error: "));
            assertEquals(64, c._main("ds-hash", "big").length());
        }
    }

    @Test
    void aBatchIsOneMvStoreCommitAndSurvivesReopen() throws Exception {
        byte[] hash;
        try (MvDirectoryStore s = new MvDirectoryStore(dir)) {
            s.put(new DirectoryEntry("a/keep", "User", Map.of()));
            List<DirectoryWrite> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                batch.add(DirectoryWrite.put(new DirectoryEntry("b/e" + i, "Item", Map.of("n", List.of("" + i)))));
            }
            batch.add(DirectoryWrite.delete("a/keep"));
            long before = s.version();
            assertEquals(1002, s.write(batch));
            assertEquals(before + 1, s.version(), "one commit for the whole batch");
            hash = s.subtreeHash("");
        }
        try (MvDirectoryStore s = new MvDirectoryStore(dir)) {
            assertEquals(1000, s.size());
            assertEquals(1002, s.changeNumber());
            assertFalse(s.get("a/keep").isPresent());
            assertArrayEquals(hash, s.subtreeHash(""));
        }
    }
}
