package org.switchover.mirror.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The mirror's messages between the nodes: request and reply bodies of the notifier requests, and the change
 * messages of stream {@value #STREAM}. Binary, {@link DataOutputStream} encoding; a malformed body gives an
 * {@link IOException} naming what was wrong.
 */
final class Wire {
    private Wire() {
    }

    /** Stream name of the primary's change messages. */
    static final String STREAM = "mirror";
    /** Event id: a manifest of a root or part of it. Body: root, recursive, scope, exceptions. Reply: entries. */
    static final String MANIFEST = "Mirror Manifest";
    /** Event id: a chunk of a file. Body: root, path, offset, length. Reply: size, mtime, bytes. */
    static final String CHUNK = "Mirror Chunk";
    /**
     * Event id: the whole content of several small files at once. Body: root, count, then path, offset, length of
     * each. Reply: count, then for each either a chunk (as {@link #CHUNK}) or why it could not be read.
     */
    static final String BATCH = "Mirror Chunks";
    /** The most files one {@link #BATCH} request may name. */
    static final int BATCH_FILES = 256;
    /** The most bytes one {@link #BATCH} request may ask for in all (the reply stays well below the frame limit). */
    static final int BATCH_BYTES = 4 * VfsFiles.CHUNK_BYTES;
    /** Event id: the backup's File Monitor health check. Body empty. Reply: a status line. */
    static final String HEALTH = "File Monitor Health Check";

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

    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    static byte[] encode(Body body) {
        return encode(32, body);
    }

    /**
     * @param sizeHint the body's expected size: when it is exact the buffer is handed over without a copy (chunks
     *                 of a MiB are encoded for every transfer)
     */
    static byte[] encode(int sizeHint, Body body) {
        Buffer bytes = new Buffer(sizeHint);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.bytes();
    }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] bytes() {
            return count == buf.length ? buf : toByteArray();
        }
    }

    static byte[] change(Change c) {
        return encode(out -> {
            out.writeUTF(c.root());
            out.writeBoolean(c.recursive());
            out.writeUTF(c.scope());
            out.writeLong(c.seenMillis());
        });
    }

    static Change change(byte[] body) throws IOException {
        DataInputStream in = in(body);
        return new Change(in.readUTF(), in.readBoolean(), relative(in.readUTF()), in.readLong());
    }

    static byte[] manifestRequest(ManifestRequest r) {
        return encode(out -> {
            out.writeUTF(r.root());
            out.writeBoolean(r.recursive());
            out.writeUTF(r.scope());
            out.writeUTF(r.exceptions());
        });
    }

    static ManifestRequest manifestRequest(byte[] body) throws IOException {
        DataInputStream in = in(body);
        return new ManifestRequest(in.readUTF(), in.readBoolean(), relative(in.readUTF()), in.readUTF());
    }

    static byte[] manifest(SortedMap<String, Entry> entries) {
        return encode(out -> {
            out.writeInt(entries.size());
            for (Entry e : entries.values()) {
                out.writeUTF(e.path());
                out.writeBoolean(e.directory());
                out.writeLong(e.size());
                out.writeLong(e.mtime());
                out.writeUTF(e.sha256());
            }
        });
    }

    static SortedMap<String, Entry> manifest(byte[] body) throws IOException {
        DataInputStream in = in(body);
        int n = in.readInt();
        if (n < 0 || n > body.length) {
            throw new IOException("manifest claims " + n + " entries in " + body.length + " bytes");
        }
        SortedMap<String, Entry> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Entry e = new Entry(relative(in.readUTF()), in.readBoolean(), in.readLong(), in.readLong(),
                    in.readUTF());
            out.put(e.path(), e);
        }
        return out;
    }

    static byte[] chunkRequest(ChunkRequest r) {
        return encode(out -> {
            out.writeUTF(r.root());
            out.writeUTF(r.path());
            out.writeLong(r.offset());
            out.writeInt(r.length());
        });
    }

    static ChunkRequest chunkRequest(byte[] body) throws IOException {
        DataInputStream in = in(body);
        ChunkRequest r = new ChunkRequest(in.readUTF(), relative(in.readUTF()), in.readLong(),
                in.readInt());
        if (r.offset() < 0 || r.length() < 0 || r.length() > VfsFiles.CHUNK_BYTES) {
            throw new IOException("chunk request out of range: offset " + r.offset() + ", length " + r.length());
        }
        return r;
    }

    /** Several chunk requests of one root in one message. */
    record BatchRequest(String root, java.util.List<ChunkRequest> items) {
    }

    /** One answer of a batch: the chunk, or (chunk null) why it could not be read. */
    record BatchItem(VfsFiles.Chunk chunk, String error) {
    }

    static byte[] batchRequest(BatchRequest r) {
        return encode(out -> {
            out.writeUTF(r.root());
            out.writeInt(r.items().size());
            for (ChunkRequest c : r.items()) {
                out.writeUTF(c.path());
                out.writeLong(c.offset());
                out.writeInt(c.length());
            }
        });
    }

    static BatchRequest batchRequest(byte[] body) throws IOException {
        DataInputStream in = in(body);
        String root = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > BATCH_FILES) {
            throw new IOException("batch request names " + n + " files, at most " + BATCH_FILES + " allowed");
        }
        java.util.List<ChunkRequest> items = new java.util.ArrayList<>(n);
        long total = 0;
        for (int i = 0; i < n; i++) {
            ChunkRequest r = new ChunkRequest(root, relative(in.readUTF()), in.readLong(), in.readInt());
            if (r.offset() < 0 || r.length() < 0 || r.length() > VfsFiles.CHUNK_BYTES) {
                throw new IOException("batch item out of range: offset " + r.offset() + ", length " + r.length());
            }
            total += r.length();
            items.add(r);
        }
        if (total > BATCH_BYTES) {
            throw new IOException("batch request asks for " + total + " bytes, at most " + BATCH_BYTES + " allowed");
        }
        return new BatchRequest(root, java.util.List.copyOf(items));
    }

    static byte[] batch(java.util.List<BatchItem> items) {
        int hint = 4;
        for (BatchItem b : items) {
            hint += 1 + (b.chunk() != null ? CHUNK_HEADER_BYTES + b.chunk().bytes().length : 64);
        }
        return encode(hint, out -> {
            out.writeInt(items.size());
            for (BatchItem b : items) {
                out.writeBoolean(b.chunk() != null);
                if (b.chunk() != null) {
                    writeChunk(out, b.chunk());
                } else {
                    out.writeUTF(b.error());
                }
            }
        });
    }

    static java.util.List<BatchItem> batch(byte[] body) throws IOException {
        DataInputStream in = in(body);
        int n = in.readInt();
        if (n < 0 || n > BATCH_FILES) {
            throw new IOException("batch reply claims " + n + " files, at most " + BATCH_FILES + " allowed");
        }
        java.util.List<BatchItem> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readBoolean() ? new BatchItem(readChunk(in, body.length), null)
                    : new BatchItem(null, in.readUTF()));
        }
        return out;
    }

    static byte[] chunk(VfsFiles.Chunk c) {
        return encode(CHUNK_HEADER_BYTES + c.bytes().length, out -> writeChunk(out, c));
    }

    /** Size, mtime and length in front of a chunk's bytes. */
    private static final int CHUNK_HEADER_BYTES = 8 + 8 + 4;

    private static void writeChunk(DataOutputStream out, VfsFiles.Chunk c) throws IOException {
        out.writeLong(c.size());
        out.writeLong(c.mtime());
        out.writeInt(c.bytes().length);
        out.write(c.bytes());
    }

    private static VfsFiles.Chunk readChunk(DataInputStream in, int bodyLength) throws IOException {
        long size = in.readLong();
        long mtime = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > bodyLength) {
            throw new IOException("chunk claims " + n + " bytes in a body of " + bodyLength);
        }
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new IOException("chunk claims " + n + " bytes, the body ends after " + bytes.length);
        }
        return new VfsFiles.Chunk(size, mtime, bytes);
    }

    static VfsFiles.Chunk chunk(byte[] body) throws IOException {
        return readChunk(in(body), body.length);
    }

    private static String relative(String path) throws IOException {
        try {
            return Entry.checkRelative(path);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static DataInputStream in(byte[] body) {
        return new DataInputStream(new ByteArrayInputStream(body));
    }
}
