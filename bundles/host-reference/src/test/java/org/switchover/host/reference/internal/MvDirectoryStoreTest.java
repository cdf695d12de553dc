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

    /**
     * The backup's disk filled up in the fault harness: MVStore closes its file at the first failed write, and every
     * later write failed too, also once the disk had room again, until the node was restarted. Now the write fails
     * cleanly (nothing changes), and the first write after the disk has room opens the file again and succeeds.
     */
    @Test
    void aWriteFailedOnAFullDiskChangesNothingAndTheStoreWorksAgainOnceThereIsRoom() throws Exception {
        FillingFileSystem.register();
        try (MvDirectoryStore s = new MvDirectoryStore(dir, FillingFileSystem.PREFIX)) {
            s.put(new DirectoryEntry("a/before", "User", Map.of()));
            byte[] hash = s.subtreeHash("");
            FillingFileSystem.full = true;
            for (int i = 0; i < 3; i++) {
                int n = i;
                RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                        () -> s.put(new DirectoryEntry("a/during" + n, "User", Map.of())));
                assertTrue(String.valueOf(e.getMessage()).contains("could not commit")
                        || String.valueOf(e.getMessage()).contains("cannot be opened"), e.toString());
            }
            assertEquals(1, s.size());
            assertEquals(1, s.changeNumber());
            assertArrayEquals(hash, s.subtreeHash(""));
            FillingFileSystem.full = false;
            s.put(new DirectoryEntry("a/after", "User", Map.of()));
            assertEquals(2, s.size());
            assertEquals(2, s.changeNumber());
        } finally {
            FillingFileSystem.full = false;
        }
        try (MvDirectoryStore s = new MvDirectoryStore(dir)) {
            assertEquals(2, s.size());
            assertTrue(s.get("a/after").isPresent());
            assertFalse(s.get("a/during0").isPresent());
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

    @Test
    void loadTouchAndBytesCommands() throws Exception {
        try (MvDirectoryStore s = new MvDirectoryStore(dir)) {
            DsCommands c = new DsCommands(s);
            long before = s.version();
            String loaded = c._main("host:ds-load", "load", "2500", "100000", "500");
            assertTrue(loaded.matches("loaded 2500 in \\d+ ms \\(\\d+/s\\)"), loaded);
            assertEquals(before + 5, s.version(), "2500 entries in batches of 500: five commits");
            DirectoryEntry e = s.get("load/f2/e2345").orElseThrow();
            assertEquals("2345", e.value("n"));
            long t = Long.parseLong(e.value("t"));
            assertTrue(Math.abs(t / 1000 - System.currentTimeMillis()) < 60_000, "t is wall-clock micros: " + t);

            java.util.Map<String, DirectoryEntry> was = new java.util.HashMap<>();
            s.entries("load").forEach(x -> was.put(x.path(), x));
            assertEquals("touched 10", c._main("ds-touch", "load", "10"));
            List<String> changed = s.entries("load").stream().filter(x -> !x.equals(was.get(x.path())))
                    .map(DirectoryEntry::path).toList();
            assertEquals(10, changed.size());
            // spread evenly: one touched entry per 250, over every folder
            assertEquals(3, changed.stream().map(p -> p.split("/")[1]).distinct().count(), changed.toString());
            assertEquals(was.get(changed.get(0)).value("n"), s.get(changed.get(0)).orElseThrow().value("n"));
            assertTrue(c._main("ds-touch", "load", "2501").startsWith("error: count 2501 exceeds"));

            long bytes = 0;
            for (DirectoryEntry x : s.entries("load/f0")) {
                bytes += org.switchover.api.ds.DirectoryCodec.toBytes(x).length;
            }
            assertEquals(Long.toString(bytes), c._main("ds-bytes", "load/f0"));
            assertTrue(c._main("ds-load", "x", "10", "0").startsWith("error: perSecond must be 1.."));
        }
    }

    @Test
    void loadKeepsItsRateWithoutDrift() throws Exception {
        try (MvDirectoryStore s = new MvDirectoryStore(dir)) {
            DsCommands c = new DsCommands(s);
            long t0 = System.nanoTime();
            c._main("ds-load", "paced", "400", "1000", "50");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // 8 batches due at 0, 50, ..., 350 ms: the last one is written no earlier than 350 ms
            assertTrue(ms >= 350, "paced: " + ms + " ms");
        }
    }
}
