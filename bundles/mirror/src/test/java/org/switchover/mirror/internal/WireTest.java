package org.switchover.mirror.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.switchover.support.wire.MalformedMessageException;

/**
 * The mirror's messages round-trip, and every reader refuses hostile input (truncated, a count or length over its
 * bound, trailing bytes, a path leaving its root) with an error naming the message and the field. The mirror's
 * messages carry no version byte (the format predates it and the bytes stay compatible).
 */
class WireTest {

    private static byte[] truncated(byte[] b) {
        return Arrays.copyOf(b, b.length - 1);
    }

    private static byte[] trailing(byte[] b) {
        return Arrays.copyOf(b, b.length + 1);
    }

    private static void refused(String expected, byte[] body, Reader r) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> r.read(body));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @FunctionalInterface
    private interface Reader {
        Object read(byte[] body) throws Exception;
    }

    @Test
    void changeMessagesRoundTripAndRefuseHostileInput() throws Exception {
        byte[] b = Wire.change(new Wire.Change("/srv/res", true, "a/b.txt", 42L));
        assertEquals(new Wire.Change("/srv/res", true, "a/b.txt", 42L), Wire.change(b));
        refused("mirror change message: seen time", truncated(b), Wire::change);
        refused("trailing", trailing(b), Wire::change);
        refused("scope", Wire.change(new Wire.Change("/srv/res", true, "../etc", 1L)), Wire::change);
    }

    @Test
    void manifestsRoundTripAndRefuseHostileInput() throws Exception {
        SortedMap<String, Entry> entries = new TreeMap<>();
        entries.put("a.txt", new Entry("a.txt", false, 3, 1_000L, "00ff"));
        byte[] b = Wire.manifest(entries);
        assertEquals(entries, Wire.manifest(b));
        refused("mirror manifest: sha256", truncated(b), Wire::manifest);
        refused("trailing", trailing(b), Wire::manifest);
        refused("entry count", ByteBuffer.allocate(4).putInt(1_000_000).array(), Wire::manifest);
        refused("entry count", ByteBuffer.allocate(4).putInt(-1).array(), Wire::manifest);

        byte[] req = Wire.manifestRequest(new Wire.ManifestRequest("/srv/res", true, "", "tmp"));
        assertEquals("tmp", Wire.manifestRequest(req).exceptions());
        refused("mirror manifest request: exceptions", truncated(req), Wire::manifestRequest);
        refused("trailing", trailing(req), Wire::manifestRequest);
    }

    @Test
    void chunksRoundTripAndRefuseHostileInput() throws Exception {
        byte[] b = Wire.chunk(new VfsFiles.Chunk(3, 1_000L, new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Wire.chunk(b).bytes());
        refused("mirror chunk: bytes", truncated(b), Wire::chunk);
        refused("trailing", trailing(b), Wire::chunk);
        byte[] oversized = ByteBuffer.allocate(20).putLong(0).putLong(0).putInt(VfsFiles.CHUNK_BYTES + 1).array();
        refused("bytes", oversized, Wire::chunk);

        byte[] req = Wire.chunkRequest(new Wire.ChunkRequest("/srv/res", "a.txt", 0, 10));
        assertEquals(10, Wire.chunkRequest(req).length());
        refused("mirror chunk request: length", truncated(req), Wire::chunkRequest);
        refused("trailing", trailing(req), Wire::chunkRequest);
        refused("range", Wire.chunkRequest(new Wire.ChunkRequest("/srv/res", "a.txt", -1, 10)), Wire::chunkRequest);
    }

    @Test
    void batchesRoundTripAndRefuseHostileInput() throws Exception {
        byte[] req = Wire.batchRequest(new Wire.BatchRequest("/srv/res",
                List.of(new Wire.ChunkRequest("/srv/res", "a.txt", 0, 10))));
        assertEquals(1, Wire.batchRequest(req).items().size());
        refused("mirror batch request: length", truncated(req), Wire::batchRequest);
        refused("trailing", trailing(req), Wire::batchRequest);

        byte[] reply = Wire.batch(List.of(new Wire.BatchItem(new VfsFiles.Chunk(1, 2, new byte[] {7}), null),
                new Wire.BatchItem(null, "gone")));
        assertEquals("gone", Wire.batch(reply).get(1).error());
        refused("mirror batch reply: error", truncated(reply), Wire::batch);
        refused("trailing", trailing(reply), Wire::batch);
        refused("at most " + Wire.BATCH_FILES, ByteBuffer.allocate(4).putInt(Wire.BATCH_FILES + 1).array(),
                Wire::batch);
    }
}
