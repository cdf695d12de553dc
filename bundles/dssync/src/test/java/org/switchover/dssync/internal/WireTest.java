package org.switchover.dssync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.MemoryDirectoryStore;
import org.switchover.support.wire.MalformedMessageException;

/**
 * Every dssync reader refuses hostile input (truncated, a count over its bound, trailing bytes, an unknown version
 * or kind) with an error naming the message and the field; the round trips are in {@link TreeSyncTest}.
 */
class WireTest {

    private static final DirectoryEntry ENTRY = new DirectoryEntry("a/b", "User", Map.of("x", List.of("1")));

    @FunctionalInterface
    private interface Reader {
        Object read(byte[] body) throws Exception;
    }

    private static void refused(String expected, byte[] body, Reader r) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> r.read(body));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] truncated(byte[] b) {
        return Arrays.copyOf(b, b.length - 1);
    }

    private static byte[] trailing(byte[] b) {
        return Arrays.copyOf(b, b.length + 1);
    }

    private static byte[] count(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    @Test
    void streamMessages() throws Exception {
        byte[] b = Wire.change(new DirectoryChange(7, "a/b", ENTRY), 1L);
        assertEquals(ENTRY, Wire.change(b).entry());
        refused("dssync stream message: entry: malformed directory entry: truncated", truncated(b), Wire::change);
        refused("dssync stream message: end: 1 unexpected trailing byte(s)", trailing(b), Wire::change);
        refused("version 9 not understood", new byte[] {9}, Wire::change);
        byte[] kind = Wire.change(new DirectoryChange(7, "a/b", null), 1L);
        kind[1 + 8 + 8] = 'X';
        refused("dssync stream message: kind", kind, Wire::change);
        refused("carries an entry of a/b", Wire.change(new DirectoryChange(7, "a/c", ENTRY), 1L), Wire::change);
    }

    @Test
    void checkAnswers() throws Exception {
        byte[] hash = new byte[32];
        hash[5] = 7;
        byte[] b = Wire.check(new Wire.Check("4-0a1b2c3d", 99, true, hash));
        Wire.Check c = Wire.check(b);
        assertEquals("4-0a1b2c3d", c.replicationId());
        assertEquals(99, c.head());
        assertEquals(true, c.atHead());
        org.junit.jupiter.api.Assertions.assertArrayEquals(hash, c.rootHash());
        refused("dssync check answer: root hash", truncated(b), Wire::check);
        refused("trailing", trailing(b), Wire::check);
    }

    @Test
    void compareRequestsAndAnswers() throws Exception {
        byte[] paths = Wire.paths(List.of("a/b", "a/c"));
        assertEquals(List.of("a/b", "a/c"), Wire.paths(paths));
        refused("dssync entries request: path", truncated(paths), Wire::paths);
        refused("trailing", trailing(paths), Wire::paths);
        refused("path count: count 1000001 outside 0..1000000", count(Wire.MAX_BATCH + 1), Wire::paths);

        byte[] entries = Wire.entries(List.of(Optional.of(ENTRY), Optional.empty()));
        assertEquals(Optional.empty(), Wire.entries(entries).get(1));
        refused("dssync entries answer: present", truncated(entries), Wire::entries);
        refused("trailing", trailing(entries), Wire::entries);
        refused("entry count", count(-1), Wire::entries);

        byte[] scan = Wire.scanRequest("a", "", 10);
        assertEquals(10, Wire.scanRequest(scan).limit());
        refused("dssync scan request: limit", truncated(scan), Wire::scanRequest);
        refused("trailing", trailing(scan), Wire::scanRequest);
        refused("limit: 0 out of range", Wire.scanRequest("a", "", 0), Wire::scanRequest);

        byte[] page = Wire.page(new RemoteTree.Page(List.of(ENTRY), true));
        assertTrue(Wire.page(page).more());
        refused("dssync scan answer: more", truncated(page), Wire::page);
        refused("trailing", trailing(page), Wire::page);
        refused("entry count", count(Wire.MAX_BATCH + 1), Wire::page);

        byte[] path = Wire.path("a/b");
        refused("dssync node request: path", truncated(path), Wire::path);
        refused("trailing", trailing(path), Wire::path);
    }

    @Test
    void nodeRequestsAndAnswers() throws Exception {
        MemoryDirectoryStore s = new MemoryDirectoryStore();
        s.put(ENTRY);
        byte[] node = Wire.node(new NodeView(null, s.children("a")));
        assertEquals(1, Wire.node(node).children().size());
        refused("dssync node answer: has children", truncated(node), Wire::node);
        refused("trailing", trailing(node), Wire::node);

        byte[] nodes = Wire.nodes(List.of(NodeView.of(s, "a")));
        assertEquals(1, Wire.nodes(nodes).size());
        refused("dssync nodes answer: flags", truncated(nodes), Wire::nodes);
        refused("trailing", trailing(nodes), Wire::nodes);
        refused("node count", count(Wire.MAX_BATCH + 1), Wire::nodes);

        byte[] requests = Wire.nodeRequests(List.of(new RemoteTree.NodeRequest("a", 4, new int[] {1, 3})));
        assertEquals(2, Wire.nodeRequests(requests).get(0).indexes().length);
        refused("dssync nodes request: bucket index", truncated(requests), Wire::nodeRequests);
        refused("trailing", trailing(requests), Wire::nodeRequests);
        refused("bucket index: 4 out of range 0..3",
                Wire.nodeRequests(List.of(new RemoteTree.NodeRequest("a", 4, new int[] {4}))), Wire::nodeRequests);
    }
}
