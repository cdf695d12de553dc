package org.switchover.mirror.internal;

import static org.switchover.support.wire.WireDecoder.decode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.switchover.api.notifier.EventIds;
import org.switchover.support.wire.MalformedMessageException;
import org.switchover.support.wire.WireReader;
import org.switchover.support.wire.WireWriter;

/**
 * The mirror's messages between the nodes: request and reply bodies of the notifier requests
 * ({@link EventIds}), and the change messages of stream {@value EventIds#MIRROR_STREAM}. Binary, written with
 * {@link WireWriter} and read with the bounded {@link WireReader}: a malformed body (truncated, a count or length out
 * of bounds, trailing bytes, a path leaving its root) gives a {@link MalformedMessageException} naming what was wrong.
 */
final class Wire {
    private Wire() {
    }

    /** The most files one {@link EventIds#MIRROR_BATCH} request may name. */
    static final int BATCH_FILES = 256;
    /** The most bytes one {@link EventIds#MIRROR_BATCH} request may ask for in all (well below the frame limit). */
    static final int BATCH_BYTES = 4 * VfsFiles.CHUNK_BYTES;

    /**
     * A change on the primary: something under {@code scope} of {@code root} changed.
     *
     * @param seenMillis the primary's wall-clock time when it noticed the change (for the backup's lag figure)
     */
    record Change(String root, boolean recursive, String scope, long seenMillis) {
    }

    /** @param exceptions the extensions the backup leaves out (they depend on its state), as {@link Extensions} text */
    record ManifestRequest(String root, boolean recursive, String scope, String exceptions) {
    }

    record ChunkRequest(String root, String path, long offset, int length) {
    }

    /** Several chunk requests of one root in one message. */
    record BatchRequest(String root, List<ChunkRequest> items) {
    }

    /** One answer of a batch: the chunk, or (chunk null) why it could not be read. */
    record BatchItem(VfsFiles.Chunk chunk, String error) {
    }

    static byte[] change(Change c) {
        return WireWriter.encode(w -> w.utf(c.root()).bool(c.recursive()).utf(c.scope()).i64(c.seenMillis()));
    }

    static Change change(byte[] body) throws IOException {
        return decode(body, "mirror change message", in -> new Change(in.utf("root"), in.bool("recursive"),
                relative(in, "scope"), in.i64("seen time")));
    }

    static byte[] manifestRequest(ManifestRequest r) {
        return WireWriter.encode(w -> w.utf(r.root()).bool(r.recursive()).utf(r.scope()).utf(r.exceptions()));
    }

    static ManifestRequest manifestRequest(byte[] body) throws IOException {
        return decode(body, "mirror manifest request", in -> new ManifestRequest(in.utf("root"),
                in.bool("recursive"), relative(in, "scope"), in.utf("exceptions")));
    }

    static byte[] manifest(SortedMap<String, Entry> entries) {
        return WireWriter.encode(w -> {
            w.i32(entries.size());
            for (Entry e : entries.values()) {
                w.utf(e.path()).bool(e.directory()).i64(e.size()).i64(e.mtime()).utf(e.sha256());
            }
        });
    }

    static SortedMap<String, Entry> manifest(byte[] body) throws IOException {
        return decode(body, "mirror manifest", in -> {
            // an entry takes at least 2 + 1 + 8 + 8 + 2 bytes: a count beyond the body's length is a lie
            int n = in.count("entry count", body.length);
            SortedMap<String, Entry> out = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                Entry e = new Entry(relative(in, "entry path"), in.bool("directory"), in.i64("size"),
                        in.i64("mtime"), in.utf("sha256"));
                out.put(e.path(), e);
            }
            return out;
        });
    }

    static byte[] chunkRequest(ChunkRequest r) {
        return WireWriter.encode(w -> w.utf(r.root()).utf(r.path()).i64(r.offset()).i32(r.length()));
    }

    static ChunkRequest chunkRequest(byte[] body) throws IOException {
        return decode(body, "mirror chunk request", in -> checked(in, new ChunkRequest(in.utf("root"),
                relative(in, "path"), in.i64("offset"), in.i32("length"))));
    }

    private static ChunkRequest checked(WireReader in, ChunkRequest r) throws MalformedMessageException {
        if (r.offset() < 0 || r.length() < 0 || r.length() > VfsFiles.CHUNK_BYTES) {
            throw in.malformed("range", "out of range: offset " + r.offset() + ", length " + r.length());
        }
        return r;
    }

    static byte[] batchRequest(BatchRequest r) {
        return WireWriter.encode(w -> {
            w.utf(r.root()).i32(r.items().size());
            for (ChunkRequest c : r.items()) {
                w.utf(c.path()).i64(c.offset()).i32(c.length());
            }
        });
    }

    static BatchRequest batchRequest(byte[] body) throws IOException {
        return decode(body, "mirror batch request", in -> {
            String root = in.utf("root");
            int n = fileCount(in);
            List<ChunkRequest> items = new ArrayList<>(n);
            long total = 0;
            for (int i = 0; i < n; i++) {
                ChunkRequest r = checked(in, new ChunkRequest(root, relative(in, "path"), in.i64("offset"),
                        in.i32("length")));
                total += r.length();
                items.add(r);
            }
            if (total > BATCH_BYTES) {
                throw in.malformed("total length", "asks for " + total + " bytes, at most " + BATCH_BYTES
                        + " allowed");
            }
            return new BatchRequest(root, List.copyOf(items));
        });
    }

    private static int fileCount(WireReader in) throws MalformedMessageException {
        int n = in.i32("file count");
        if (n < 0 || n > BATCH_FILES) {
            throw in.malformed("file count", n + " files, at most " + BATCH_FILES + " allowed");
        }
        return n;
    }

    static byte[] batch(List<BatchItem> items) {
        int hint = 4;
        for (BatchItem b : items) {
            hint += 1 + (b.chunk() != null ? CHUNK_HEADER_BYTES + b.chunk().bytes().length : 64);
        }
        return encode(hint, w -> {
            w.i32(items.size());
            for (BatchItem b : items) {
                w.bool(b.chunk() != null);
                if (b.chunk() != null) {
                    writeChunk(w, b.chunk());
                } else {
                    w.utf(b.error());
                }
            }
        });
    }

    static List<BatchItem> batch(byte[] body) throws IOException {
        return decode(body, "mirror batch reply", in -> {
            int n = fileCount(in);
            List<BatchItem> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(in.bool("present") ? new BatchItem(readChunk(in), null)
                        : new BatchItem(null, in.utf("error")));
            }
            return out;
        });
    }

    static byte[] chunk(VfsFiles.Chunk c) {
        return encode(CHUNK_HEADER_BYTES + c.bytes().length, w -> writeChunk(w, c));
    }

    static VfsFiles.Chunk chunk(byte[] body) throws IOException {
        return decode(body, "mirror chunk", Wire::readChunk);
    }

    /** Size, mtime and length in front of a chunk's bytes. */
    private static final int CHUNK_HEADER_BYTES = 8 + 8 + 4;

    private static void writeChunk(WireWriter w, VfsFiles.Chunk c) throws IOException {
        w.i64(c.size()).i64(c.mtime()).blob(c.bytes());
    }

    private static VfsFiles.Chunk readChunk(WireReader in) throws MalformedMessageException {
        return new VfsFiles.Chunk(in.i64("size"), in.i64("mtime"), in.blob("bytes", VfsFiles.CHUNK_BYTES));
    }

    /** Encodes into a buffer of the expected size (chunks of a MiB are encoded for every transfer). */
    private static byte[] encode(int sizeHint, WireWriter.Body body) {
        return WireWriter.encode(sizeHint, body);
    }

    private static String relative(WireReader in, String field) throws MalformedMessageException {
        String path = in.utf(field);
        try {
            return Entry.checkRelative(path);
        } catch (IllegalArgumentException e) {
            throw in.malformed(field, e.getMessage());
        }
    }
}
