package org.switchover.dssync.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.ds.MemoryDirectoryStore;

/** Property style: many random pairs of trees, each synchronised, each checked identical and minimal. */
class TreeSyncTest {

    /** A remote tree answered straight from a store, through the wire format, counting what it sends. */
    static final class StoreRemote implements RemoteTree {
        final DirectoryStore store;
        final AtomicInteger entriesSent = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();

        StoreRemote(DirectoryStore store) {
            this.store = store;
        }

        @Override
        public NodeView node(String path) throws Exception {
            requests.incrementAndGet();
            return Wire.node(Wire.node(NodeView.of(store, path)));
        }

        @Override
        public List<Optional<DirectoryEntry>> entries(List<String> paths) throws Exception {
            requests.incrementAndGet();
            List<Optional<DirectoryEntry>> out = new ArrayList<>();
            for (String p : Wire.paths(Wire.paths(paths))) {
                out.add(store.get(p));
            }
            entriesSent.addAndGet(out.size());
            return Wire.entries(Wire.entries(out));
        }
    }

    private static final String[] CLASSES = {"User", "Workgroup", "Role"};

    static DirectoryEntry randomEntry(Random r, String path) {
        int n = r.nextInt(3);
        Map<String, List<String>> attrs = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            attrs.put("a" + r.nextInt(4), List.of("v" + r.nextInt(3), "w" + r.nextInt(2)).subList(0, 1 + r.nextInt(2)));
        }
        return new DirectoryEntry(path, CLASSES[r.nextInt(CLASSES.length)], attrs);
    }

    static String randomPath(Random r) {
        int depth = 1 + r.nextInt(4);
        StringBuilder b = new StringBuilder("${CONFIG}");
        for (int i = 0; i < depth; i++) {
            b.append('/').append("n").append(r.nextInt(4));
        }
        return b.toString();
    }

    static void fill(Random r, DirectoryStore s, int n) {
        for (int i = 0; i < n; i++) {
            s.put(randomEntry(r, randomPath(r)));
        }
    }

    /** @return paths whose entries differ between the two stores (present in one only, or different content). */
    static Set<String> differing(DirectoryStore a, DirectoryStore b) {
        Set<String> out = new HashSet<>();
        for (DirectoryEntry e : a.entries("")) {
            if (!b.get(e.path()).equals(Optional.of(e))) {
                out.add(e.path());
            }
        }
        for (DirectoryEntry e : b.entries("")) {
            if (a.get(e.path()).isEmpty()) {
                out.add(e.path());
            }
        }
        return out;
    }

    @Test
    void randomTreePairsEndIdenticalAndOnlyDifferingEntriesMove() throws Exception {
        for (int seed = 0; seed < 300; seed++) {
            Random r = new Random(seed);
            MemoryDirectoryStore primary = new MemoryDirectoryStore();
            MemoryDirectoryStore backup = new MemoryDirectoryStore();
            fill(r, primary, r.nextInt(80));
            // the backup starts as a copy, or empty, or unrelated, then drifts
            int mode = r.nextInt(3);
            if (mode == 0) {
                primary.entries("").forEach(backup::put);
            } else if (mode == 2) {
                fill(r, backup, r.nextInt(80));
            }
            for (int i = r.nextInt(20); i > 0; i--) {
                if (r.nextBoolean()) {
                    backup.put(randomEntry(r, randomPath(r)));
                } else if (backup.size() > 0) {
                    List<DirectoryEntry> all = backup.entries("");
                    backup.delete(all.get(r.nextInt(all.size())).path());
                }
            }
            Set<String> diff = differing(primary, backup);
            List<String> written = new ArrayList<>();
            backup.addListener(c -> written.add(c.path()));
            StoreRemote remote = new StoreRemote(primary);
            SyncProgress progress = new SyncProgress(System::currentTimeMillis);

            new TreeSync(remote, backup, progress, () -> { }).run();

            String why = "seed " + seed;
            assertEquals(primary.entries(""), backup.entries(""), why);
            assertArrayEquals(primary.subtreeHash(""), backup.subtreeHash(""), why);
            assertEquals(diff, new HashSet<>(written), why + ": writes must be exactly the differing entries");
            assertEquals(diff.size(), written.size(), why + ": each differing entry written once");
            assertEquals(diff.size(), progress.transferred.get(), why);
            assertEquals(0, progress.remaining.get(), why);
            long fetchedDiffering = diff.stream().filter(p -> primary.get(p).isPresent()).count();
            assertEquals(fetchedDiffering, remote.entriesSent.get(), why + ": only differing entries are sent");
        }
    }

    @Test
    void identicalTreesCostOneRequest() throws Exception {
        Random r = new Random(7);
        MemoryDirectoryStore primary = new MemoryDirectoryStore();
        fill(r, primary, 500);
        MemoryDirectoryStore backup = new MemoryDirectoryStore();
        primary.entries("").forEach(backup::put);
        StoreRemote remote = new StoreRemote(primary);
        new TreeSync(remote, backup, new SyncProgress(System::currentTimeMillis), () -> { }).run();
        assertEquals(1, remote.requests.get());
    }

    @Test
    void aFailedRequestStopsTheWalkAndKeepsWhatWasApplied() {
        MemoryDirectoryStore backup = new MemoryDirectoryStore();
        RemoteTree broken = new RemoteTree() {
            @Override
            public NodeView node(String path) throws Exception {
                throw new java.util.concurrent.TimeoutException("DS request for '" + path + "' timed out");
            }

            @Override
            public List<Optional<DirectoryEntry>> entries(List<String> paths) {
                return List.of();
            }
        };
        Exception e = assertThrows(java.util.concurrent.TimeoutException.class,
                () -> new TreeSync(broken, backup, new SyncProgress(System::currentTimeMillis), () -> { }).run());
        assertEquals("DS request for '' timed out", e.getMessage());
    }

    @Test
    void malformedMessagesAreRefusedWithTheReason() {
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> Wire.change(new byte[] {9}));
        assertEquals("dssync message version 9 not understood", e.getMessage());
        assertThrows(java.io.IOException.class, () -> Wire.node(new byte[] {0, 0x7f, 0, 0, 0}));
    }
}
