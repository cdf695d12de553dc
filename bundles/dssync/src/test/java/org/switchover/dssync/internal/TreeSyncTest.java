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

        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public List<NodeView> nodes(List<NodeRequest> asked) throws Exception {
            requests.incrementAndGet();
            byte[] request = Wire.nodeRequests(asked);
            List<NodeView> out = new ArrayList<>();
            for (NodeRequest r : Wire.nodeRequests(request)) {
                out.add(NodeView.of(store, r.path(), r.buckets(), r.indexes()));
            }
            byte[] reply = Wire.nodes(out);
            bytes.addAndGet(request.length + reply.length);
            return Wire.nodes(reply);
        }

        @Override
        public Page scan(String path, String after, int limit) throws Exception {
            requests.incrementAndGet();
            byte[] request = Wire.scanRequest(path, after, limit);
            Wire.Scan scan = Wire.scanRequest(request);
            List<DirectoryEntry> got = store.entries(scan.path(), scan.after(), scan.limit() + 1);
            boolean more = got.size() > scan.limit();
            Page page = new Page(more ? got.subList(0, scan.limit()) : got, more);
            entriesSent.addAndGet(page.entries().size());
            byte[] reply = Wire.page(page);
            bytes.addAndGet(request.length + reply.length);
            return Wire.page(reply);
        }

        @Override
        public List<Optional<DirectoryEntry>> entries(List<String> paths) throws Exception {
            requests.incrementAndGet();
            byte[] request = Wire.paths(paths);
            List<Optional<DirectoryEntry>> out = new ArrayList<>();
            for (String p : Wire.paths(request)) {
                out.add(store.get(p));
            }
            entriesSent.addAndGet(out.size());
            byte[] reply = Wire.entries(out);
            bytes.addAndGet(request.length + reply.length);
            return Wire.entries(reply);
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
        return randomPath(r, 4);
    }

    /** @param width names per level; above {@link NodeView#WIDE} the compare meets bucketed nodes */
    static String randomPath(Random r, int width) {
        int depth = 1 + r.nextInt(4);
        StringBuilder b = new StringBuilder("${CONFIG}");
        for (int i = 0; i < depth; i++) {
            b.append('/').append("n").append(r.nextInt(width));
        }
        return b.toString();
    }

    static void fill(Random r, DirectoryStore s, int n) {
        fill(r, s, n, 4);
    }

    static void fill(Random r, DirectoryStore s, int n, int width) {
        for (int i = 0; i < n; i++) {
            s.put(randomEntry(r, randomPath(r, width)));
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
            // narrow trees, and wide ones whose nodes are answered in buckets
            int width = seed % 3 == 0 ? 120 : 4;
            int size = width > 4 ? 1500 : 80;
            fill(r, primary, r.nextInt(size), width);
            // the backup starts as a copy, or empty, or unrelated, then drifts
            int mode = r.nextInt(3);
            if (mode == 0) {
                primary.entries("").forEach(backup::put);
            } else if (mode == 2) {
                fill(r, backup, r.nextInt(size), width);
            }
            for (int i = r.nextInt(20); i > 0; i--) {
                if (r.nextBoolean()) {
                    backup.put(randomEntry(r, randomPath(r, width)));
                } else if (backup.size() > 0) {
                    List<DirectoryEntry> all = backup.entries("");
                    backup.delete(all.get(r.nextInt(all.size())).path());
                }
            }
            Set<String> diff = differing(primary, backup);
            List<String> written = new ArrayList<>();
            backup.addListener(c -> written.add(c.path()));
            StoreRemote remote = new StoreRemote(primary);
            SyncProgress progress = new SyncProgress(() -> 0L);

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
        new TreeSync(remote, backup, new SyncProgress(() -> 0L), () -> { }).run();
        assertEquals(1, remote.requests.get());
    }

    @Test
    void aFailedRequestStopsTheWalkAndKeepsWhatWasApplied() {
        MemoryDirectoryStore backup = new MemoryDirectoryStore();
        RemoteTree broken = new RemoteTree() {
            @Override
            public List<NodeView> nodes(List<NodeRequest> asked) throws Exception {
                throw new java.util.concurrent.TimeoutException("DS request for '" + asked.get(0).path()
                        + "' timed out");
            }

            @Override
            public List<Optional<DirectoryEntry>> entries(List<String> paths) {
                return List.of();
            }

            @Override
            public Page scan(String path, String after, int limit) throws Exception {
                throw new java.util.concurrent.TimeoutException("DS request for '" + path + "' timed out");
            }
        };
        Exception e = assertThrows(java.util.concurrent.TimeoutException.class,
                () -> new TreeSync(broken, backup, new SyncProgress(() -> 0L), () -> { }).run());
        assertEquals("DS request for '' timed out", e.getMessage());
    }

    @Test
    void malformedMessagesAreRefusedWithTheReason() {
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> Wire.change(new byte[] {9}));
        assertEquals("dssync message version 9 not understood", e.getMessage());
        assertThrows(java.io.IOException.class, () -> Wire.node(new byte[] {0, 0x7f, 0, 0, 0}));
    }

    @Test
    void aFewDifferencesInWideFoldersMoveLittleMoreThanTheDifferingEntries() throws Exception {
        MemoryDirectoryStore primary = new MemoryDirectoryStore();
        List<org.switchover.api.ds.DirectoryWrite> fill = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            fill.add(org.switchover.api.ds.DirectoryWrite.put(new DirectoryEntry("Config/Users/f" + i / 1000 + "/e" + i,
                    "User", Map.of("n", List.of(Integer.toString(i))))));
        }
        primary.write(fill);
        MemoryDirectoryStore backup = new MemoryDirectoryStore();
        backup.write(fill);
        long treeBytes = primary.entries("").stream()
                .mapToLong(e -> org.switchover.api.ds.DirectoryCodec.toBytes(e).length).sum();
        // 1,500 changes spread evenly: every one of the 100 folders differs
        List<org.switchover.api.ds.DirectoryWrite> touch = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            int n = i * 100_000 / 1500;
            touch.add(org.switchover.api.ds.DirectoryWrite.put(new DirectoryEntry("Config/Users/f" + n / 1000 + "/e" + n,
                    "User", Map.of("n", List.of(Integer.toString(n)), "t", List.of("x")))));
        }
        primary.write(touch);
        StoreRemote remote = new StoreRemote(primary);
        SyncProgress progress = new SyncProgress(() -> 0L);
        new TreeSync(remote, backup, progress, () -> { }).run();
        assertArrayEquals(primary.subtreeHash(""), backup.subtreeHash(""));
        assertEquals(1500, remote.entriesSent.get());
        assertEquals(1500, progress.transferred.get());
        double fraction = (double) remote.bytes.get() / treeBytes;
        System.out.printf("wide compare: %d bytes moved for a tree of %d bytes (%.1f %%), %d requests%n",
                remote.bytes.get(), treeBytes, 100 * fraction, remote.requests.get());
        org.junit.jupiter.api.Assertions.assertTrue(fraction < 0.2, "moved " + remote.bytes.get() + " of "
                + treeBytes);
        org.junit.jupiter.api.Assertions.assertTrue(remote.requests.get() < 20, remote.requests.get() + " requests");
    }

    @Test
    void anEmptyBackupIsCopiedPageByPageWithoutNodeListings() throws Exception {
        MemoryDirectoryStore primary = new MemoryDirectoryStore();
        List<org.switchover.api.ds.DirectoryWrite> fill = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            fill.add(org.switchover.api.ds.DirectoryWrite.put(new DirectoryEntry("Config/Users/f" + i / 1000 + "/e" + i,
                    "User", Map.of("n", List.of(Integer.toString(i))))));
        }
        primary.write(fill);
        List<Integer> commits = new ArrayList<>();
        MemoryDirectoryStore backup = new MemoryDirectoryStore(List.of(), 0, c -> commits.add(c.size()));
        StoreRemote remote = new StoreRemote(primary);
        new TreeSync(remote, backup, new SyncProgress(() -> 0L), () -> { }).run();
        assertEquals(primary.entries(""), backup.entries(""));
        assertEquals(5, remote.requests.get(), "one page of 2,000 per request; the last one says no more follow");
        assertEquals(List.of(2000, 2000, 2000, 2000, 2000), commits, "one batch write per page");
        long treeBytes = primary.entries("").stream()
                .mapToLong(e -> org.switchover.api.ds.DirectoryCodec.toBytes(e).length).sum();
        org.junit.jupiter.api.Assertions.assertTrue(remote.bytes.get() < treeBytes * 1.01,
                remote.bytes.get() + " bytes for a tree of " + treeBytes);
    }

    @Test
    void streamMessagesOfVersionOneAndTwoAndNodeAnswersRoundTrip() throws Exception {
        DirectoryEntry e = new DirectoryEntry("a/b", "User", Map.of("x", List.of("1")));
        Wire.Change c = Wire.change(Wire.change(new org.switchover.api.ds.DirectoryChange(7, "a/b", e), 123456789L));
        assertEquals(new Wire.Change(7, 123456789L, "a/b", e), c);
        // version 1: no commit time
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(b);
        out.writeByte(1);
        out.writeLong(8);
        out.writeByte('D');
        out.writeUTF("a/c");
        assertEquals(new Wire.Change(8, Wire.NO_TIME, "a/c", null), Wire.change(b.toByteArray()));

        MemoryDirectoryStore s = new MemoryDirectoryStore();
        for (int i = 0; i < 200; i++) {
            s.put(new DirectoryEntry("w/e" + i, "Item", Map.of()));
        }
        List<NodeView> views = Wire.nodes(Wire.nodes(List.of(NodeView.of(s, "w"), NodeView.of(s, ""))));
        org.junit.jupiter.api.Assertions.assertTrue(views.get(0).bucketed());
        assertEquals(NodeView.bucketCount(200), views.get(0).bucketHashes().length);
        assertEquals(List.of("w"), views.get(1).children().stream().map(DirectoryStore.ChildNode::name).toList());
        java.io.IOException bad = assertThrows(java.io.IOException.class, () -> Wire.nodeRequests(
                Wire.nodeRequests(List.of(new RemoteTree.NodeRequest("w", 3, new int[] {1})))));
        assertEquals("dssync bucket count 3 for w is not a power of two in 1..4096", bad.getMessage());
    }

    @Test
    void lagPercentilesOverTheRecentMessages() {
        LagStats lag = new LagStats();
        assertEquals("lag: no timed messages yet", lag.line());
        for (int i = 1; i <= 100; i++) {
            lag.record(i * 1000L);
        }
        lag.record(-5000);
        assertEquals("lag: last 0 ms, p50 50 ms, p99 99 ms over 101 messages", lag.line());
        for (int i = 0; i < LagStats.WINDOW; i++) {
            lag.record(2000);
        }
        assertEquals("lag: last 2 ms, p50 2 ms, p99 2 ms over 10000 messages", lag.line());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("p50 (\\d+) ms, p99 (\\d+) ms").matcher(lag.line());
        org.junit.jupiter.api.Assertions.assertTrue(m.find());
    }
}
