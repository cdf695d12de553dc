package org.switchover.api.ds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MemoryDirectoryStoreTest {

    private static DirectoryEntry e(String path, String v) {
        return new DirectoryEntry(path, "User", Map.of("Extension", List.of(v)));
    }

    @Test
    void sameContentGivesSameHashWhateverTheWriteOrder() {
        MemoryDirectoryStore a = new MemoryDirectoryStore();
        MemoryDirectoryStore b = new MemoryDirectoryStore();
        a.put(e("${CONFIG}/Users/alice", "1"));
        a.put(e("${CONFIG}/Users/bob", "2"));
        a.put(e("${CONFIG}/Workgroups/sales", "3"));
        b.put(e("${CONFIG}/Workgroups/sales", "3"));
        b.put(e("${CONFIG}/Users/bob", "9"));
        b.put(e("${CONFIG}/Users/bob", "2"));
        b.put(e("${CONFIG}/Users/alice", "1"));
        assertArrayEquals(a.subtreeHash(""), b.subtreeHash(""));
        b.put(e("${CONFIG}/Users/bob", "3"));
        assertFalse(java.util.Arrays.equals(a.subtreeHash(""), b.subtreeHash("")));
        assertArrayEquals(a.subtreeHash("${CONFIG}/Workgroups"), b.subtreeHash("${CONFIG}/Workgroups"));
    }

    @Test
    void deletePrunesEmptyNodesAndRestoresTheEmptyHash() {
        MemoryDirectoryStore s = new MemoryDirectoryStore();
        s.put(e("a/b/c", "1"));
        assertEquals(List.of("a"), s.children("").stream().map(DirectoryStore.ChildNode::name).toList());
        assertEquals(1, s.count("a"));
        s.delete("a/b/c");
        assertTrue(s.children("").isEmpty());
        assertArrayEquals(DirectoryStore.EMPTY_HASH, s.subtreeHash(""));
        assertEquals(2, s.changeNumber());
    }

    @Test
    void changesAreNumberedAndAnnouncedInOrderAndNoOpsAreNot() throws Exception {
        MemoryDirectoryStore s = new MemoryDirectoryStore();
        List<DirectoryChange> seen = new ArrayList<>();
        s.addListener(seen::add);
        s.put(e("x", "1"));
        s.put(e("x", "1"));
        s.delete("y");
        s.delete("x");
        assertEquals(2, seen.size());
        assertEquals(1, seen.get(0).changeNumber());
        assertTrue(seen.get(1).isDelete());
    }

    @Test
    void failedCommitChangesNothing() {
        MemoryDirectoryStore s = new MemoryDirectoryStore(List.of(), 5, changes -> {
            throw new java.io.IOException("disk full");
        });
        assertThrows(IllegalStateException.class, () -> s.put(e("x", "1")));
        assertEquals(0, s.size());
        assertEquals(5, s.changeNumber());
    }

    @Test
    void countAndEntriesCoverExactlyTheSubtree() {
        MemoryDirectoryStore s = new MemoryDirectoryStore();
        s.put(e("a", "1"));
        s.put(e("a/b", "1"));
        s.put(e("a-c", "1"));
        s.put(e("ab", "1"));
        assertEquals(2, s.count("a"));
        assertEquals(4, s.count(""));
        assertEquals("a/b", s.entries("a").get(1).path());
    }

    @Test
    void badPathsAreRefusedWithTheReason() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e("a//b", "1"));
        assertTrue(x.getMessage().contains("empty segment"));
        assertEquals("${CONFIG}/Users", DirectoryPaths.fromReference(" ${CONFIG}\\Users\\ "));
    }

    @Test
    void aBatchIsOneCommitAndItsListenersHearEachChangeInOrder() {
        List<List<DirectoryChange>> commits = new ArrayList<>();
        MemoryDirectoryStore s = new MemoryDirectoryStore(List.of(), 10, commits::add);
        s.put(e("a/x", "1"));
        List<DirectoryChange> seen = new ArrayList<>();
        s.addListener(seen::add);
        long last = s.write(List.of(DirectoryWrite.put(e("a/y", "2")), DirectoryWrite.put(e("a/x", "1")),
                DirectoryWrite.delete("a/x"), DirectoryWrite.delete("a/none"), DirectoryWrite.put(e("b/z", "3")),
                DirectoryWrite.put(e("a/y", "4"))));
        // the put of a/x's stored content and the delete of an absent entry change nothing and get no number
        assertEquals(2, commits.size());
        assertEquals(4, commits.get(1).size());
        assertEquals(15, last);
        assertEquals(15, s.changeNumber());
        assertEquals(List.of(12L, 13L, 14L, 15L), seen.stream().map(DirectoryChange::changeNumber).toList());
        assertEquals(List.of("a/y", "a/x", "b/z", "a/y"), seen.stream().map(DirectoryChange::path).toList());
        assertEquals(commits.get(1), seen);
        assertTrue(seen.get(1).isDelete());
        assertEquals("4", s.get("a/y").orElseThrow().value("Extension"));
        assertFalse(s.get("a/x").isPresent());
        assertEquals(2, s.size());
        assertEquals(15, s.write(List.of(DirectoryWrite.put(e("b/z", "3")))), "nothing new: current number");
        assertEquals(15, s.write(List.of()));
        assertEquals(4, seen.size());
    }

    @Test
    void aBatchWhoseCommitFailsChangesNothingAndIsNotAnnounced() {
        boolean[] fail = {false};
        MemoryDirectoryStore s = new MemoryDirectoryStore(List.of(), 0, changes -> {
            if (fail[0]) {
                throw new java.io.IOException("disk full");
            }
        });
        s.put(e("a/x", "1"));
        byte[] hash = s.subtreeHash("");
        List<DirectoryChange> seen = new ArrayList<>();
        s.addListener(seen::add);
        fail[0] = true;
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> s.write(List.of(
                DirectoryWrite.put(e("a/y", "2")), DirectoryWrite.delete("a/x"), DirectoryWrite.put(e("c", "3")))));
        assertTrue(x.getMessage().contains("batch of 3 writes"), x.getMessage());
        assertTrue(x.getMessage().contains("disk full"), x.getMessage());
        assertEquals(1, s.size());
        assertEquals(1, s.changeNumber());
        assertArrayEquals(hash, s.subtreeHash(""));
        assertTrue(seen.isEmpty());
        fail[0] = false;
        assertEquals(4, s.write(List.of(DirectoryWrite.put(e("a/y", "2")), DirectoryWrite.delete("a/x"),
                DirectoryWrite.put(e("c", "3")))));
        assertEquals(3, seen.size());
    }

    @Test
    void aWriteWhoseEntrySitsElsewhereIsRefused() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> new DirectoryWrite("a/b", e("a/c", "1")));
        assertTrue(x.getMessage().contains("a/c"), x.getMessage());
    }

    @Test
    void pagesOfASubtreeInPathOrderSkippingLookalikeSiblings() {
        MemoryDirectoryStore s = new MemoryDirectoryStore();
        for (String p : List.of("a", "a/b", "a/b/c", "a/b/d/e", "a/b-x", "a/b.y/z", "a/bz", "b")) {
            s.put(e(p, "1"));
        }
        assertEquals(List.of("a/b", "a/b/c"), paths(s.entries("a/b", "", 2)));
        assertEquals(List.of("a/b/d/e"), paths(s.entries("a/b", "a/b/c", 2)));
        assertEquals(List.of(), paths(s.entries("a/b", "a/b/d/e", 2)));
        assertEquals(List.of("a", "a/b", "a/b-x"), paths(s.entries("", "", 3)));
        assertEquals(List.of("a/bz", "b"), paths(s.entries("", "a/b/d/e", 10)));
        // the interface's default (a store without its own paging) gives the same pages
        DirectoryStore plain = new DirectoryStore() {
            public java.util.Optional<DirectoryEntry> get(String path) { return s.get(path); }
            public long put(DirectoryEntry entry) { throw new UnsupportedOperationException(); }
            public long delete(String path) { throw new UnsupportedOperationException(); }
            public long write(List<DirectoryWrite> writes) { throw new UnsupportedOperationException(); }
            public long changeNumber() { return s.changeNumber(); }
            public int size() { return s.size(); }
            public List<ChildNode> children(String path) { return s.children(path); }
            public byte[] subtreeHash(String path) { return s.subtreeHash(path); }
            public int count(String path) { return s.count(path); }
            public List<DirectoryEntry> entries(String path) { return s.entries(path); }
            public AutoCloseable addListener(DirectoryListener l) { return s.addListener(l); }
        };
        for (String after : List.of("", "a/b", "a/b/c", "a/b/d/e")) {
            assertEquals(s.entries("a/b", after, 2), plain.entries("a/b", after, 2), after);
            assertEquals(s.entries("", after, 3), plain.entries("", after, 3), after);
        }
    }

    private static List<String> paths(List<DirectoryEntry> entries) {
        return entries.stream().map(DirectoryEntry::path).toList();
    }

    @Test
    void writtenIsCalledOncePerChangingCallOutsideTheWriteLock() throws Exception {
        MemoryDirectoryStore store = new MemoryDirectoryStore();
        List<Long> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        store.addListener(new DirectoryListener() {
            @Override
            public void changed(DirectoryChange change) {
            }

            @Override
            public void written(long last) {
                calls.add(last);
                if (last == 2) {
                    holding.countDown();
                    try {
                        release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        store.put(e("a", "1"));
        store.put(e("a", "1"));
        assertEquals(List.of(1L), calls, "a write that changes nothing is not announced");
        Thread held = new Thread(() -> store.write(List.of(DirectoryWrite.put(e("b", "1")))));
        held.start();
        assertTrue(holding.await(10, java.util.concurrent.TimeUnit.SECONDS));
        // the held writer is inside written(): another writer is not blocked by it
        assertEquals(3L, store.put(e("c", "1")));
        release.countDown();
        held.join(10_000);
        assertEquals(List.of(1L, 2L, 3L), calls.stream().sorted().toList());
        assertEquals(3, calls.size());
    }
}
