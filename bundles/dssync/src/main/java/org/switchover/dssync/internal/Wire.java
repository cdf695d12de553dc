package org.switchover.dssync.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryCodec;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryStore;

/**
 * Message formats of dssync (all big-endian, strings as {@code writeUTF}):
 * <ul>
 * <li>stream message, version 2 (written): version byte 2, change number (long), the primary's commit time (long,
 * microseconds since the epoch, wall clock), kind byte ('P' put, 'D' delete), path, and for a put the entry
 * ({@link DirectoryCodec}). Version 1 (still read, from an older primary) is the same without the commit time.</li>
 * <li>{@link #NODE} request: path; reply: own-hash flag + 32 bytes, child count, per child name, 32-byte subtree hash,
 * has-entry flag, has-children flag</li>
 * <li>{@link #ENTRIES} request: count, paths; reply: count, per path a present flag and the entry</li>
 * <li>{@link #NODES} request: count, per node its path, bucket count (0 = the whole node), index count and indexes;
 * reply: count, per node the own-hash flag + 32 bytes, then 'L' with a child count and per child its name, a
 * {@value NodeView#HASH_BYTES}-byte subtree hash prefix and a flags byte (1 has entry, 2 has children), or 'B' with a
 * bucket count and that many {@value NodeView#HASH_BYTES}-byte bucket hashes ({@link NodeView})</li>
 * <li>{@link #SCAN} request: path, after (last path of the previous page, "" for the first), limit; reply: count,
 * entries, more flag</li>
 * </ul>
 * Anything else is refused with an {@link IOException} naming what was wrong.
 */
final class Wire {

    /** The stream every change of the primary's store is published on. */
    static final String STREAM = "dssync";
    /** Event id of the node request (subtree hashes of a node's children). */
    static final String NODE = "dssync.node";
    /** Event id of the entries request. */
    static final String ENTRIES = "dssync.entries";
    /** Event id of the nodes request (several nodes, listed or bucketed, in one round trip). */
    static final String NODES = "dssync.nodes";
    /** Event id of the scan request (a page of a subtree's entries, for a subtree the backup lacks entirely). */
    static final String SCAN = "dssync.scan";
    /** Most paths in one entries request, and most children accepted in one node reply. */
    static final int MAX_BATCH = 1_000_000;
    /** The stream message version written. */
    static final int VERSION = 2;
    /** The older stream message version still read (no commit time). */
    static final int VERSION_1 = 1;
    /** {@link Change#commitMicros()} of a message that carries no commit time (version 1). */
    static final long NO_TIME = -1;

    private Wire() {
    }

    /**
     * A decoded stream message.
     *
     * @param commitMicros the primary's commit wall-clock time in microseconds since the epoch, {@link #NO_TIME}
     *     when the message does not carry one
     */
    record Change(long changeNumber, long commitMicros, String path, DirectoryEntry entry) {
    }

    /** @return a version-2 stream message for {@code c}, committed at {@code commitMicros} */
    static byte[] change(DirectoryChange c, long commitMicros) {
        return bytes(out -> {
            out.writeByte(VERSION);
            out.writeLong(c.changeNumber());
            out.writeLong(commitMicros);
            out.writeByte(c.isDelete() ? 'D' : 'P');
            out.writeUTF(c.path());
            if (!c.isDelete()) {
                DirectoryCodec.write(out, c.entry());
            }
        });
    }

    static Change change(byte[] payload) throws IOException {
        DataInputStream in = in(payload);
        int v = in.readUnsignedByte();
        if (v != VERSION && v != VERSION_1) {
            throw new IOException("dssync message version " + v + " not understood");
        }
        long n = in.readLong();
        long micros = v == VERSION ? in.readLong() : NO_TIME;
        int kind = in.readUnsignedByte();
        String path = in.readUTF();
        switch (kind) {
            case 'D':
                return new Change(n, micros, path, null);
            case 'P': {
                DirectoryEntry e = DirectoryCodec.read(in);
                if (!e.path().equals(path)) {
                    throw new IOException("dssync message for " + path + " carries an entry of " + e.path());
                }
                return new Change(n, micros, path, e);
            }
            default:
                throw new IOException("dssync message kind " + kind + " not understood");
        }
    }

    /** @return the wall clock in microseconds since the epoch */
    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static byte[] path(String path) {
        return bytes(out -> out.writeUTF(path));
    }

    static String path(byte[] payload) throws IOException {
        return in(payload).readUTF();
    }

    static byte[] node(NodeView v) {
        return bytes(out -> {
            out.writeBoolean(v.ownHash() != null);
            if (v.ownHash() != null) {
                out.write(v.ownHash());
            }
            out.writeInt(v.children().size());
            for (DirectoryStore.ChildNode c : v.children()) {
                out.writeUTF(c.name());
                out.write(c.subtreeHash());
                out.writeBoolean(c.hasEntry());
                out.writeBoolean(c.hasChildren());
            }
        });
    }

    static NodeView node(byte[] payload) throws IOException {
        DataInputStream in = in(payload);
        byte[] own = null;
        if (in.readBoolean()) {
            own = new byte[32];
            in.readFully(own);
        }
        int n = count(in.readInt());
        List<DirectoryStore.ChildNode> children = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            byte[] h = new byte[32];
            in.readFully(h);
            children.add(new DirectoryStore.ChildNode(name, h, in.readBoolean(), in.readBoolean()));
        }
        return new NodeView(own, children);
    }

    static byte[] nodeRequests(List<RemoteTree.NodeRequest> requests) {
        return bytes(out -> {
            out.writeInt(requests.size());
            for (RemoteTree.NodeRequest r : requests) {
                out.writeUTF(r.path());
                out.writeInt(r.buckets());
                out.writeInt(r.indexes().length);
                for (int i : r.indexes()) {
                    out.writeInt(i);
                }
            }
        });
    }

    static List<RemoteTree.NodeRequest> nodeRequests(byte[] payload) throws IOException {
        DataInputStream in = in(payload);
        int n = count(in.readInt());
        List<RemoteTree.NodeRequest> out = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            String path = in.readUTF();
            int buckets = in.readInt();
            if (buckets != 0 && !NodeView.validBucketCount(buckets)) {
                throw new IOException("dssync bucket count " + buckets + " for " + path
                        + " is not a power of two in 1.." + NodeView.MAX_BUCKETS);
            }
            int k = count(in.readInt());
            if (buckets == 0 && k != 0 || k > buckets) {
                throw new IOException("dssync node request for " + path + " has " + k + " bucket indexes for "
                        + buckets + " buckets");
            }
            int[] idx = new int[k];
            for (int j = 0; j < k; j++) {
                idx[j] = in.readInt();
                if (idx[j] < 0 || idx[j] >= buckets) {
                    throw new IOException("dssync bucket index " + idx[j] + " out of range 0.." + (buckets - 1));
                }
            }
            out.add(new RemoteTree.NodeRequest(path, buckets, idx));
        }
        return out;
    }

    static byte[] nodes(List<NodeView> views) {
        return bytes(out -> {
            out.writeInt(views.size());
            for (NodeView v : views) {
                out.writeBoolean(v.ownHash() != null);
                if (v.ownHash() != null) {
                    out.write(v.ownHash());
                }
                if (v.bucketed()) {
                    out.writeByte('B');
                    out.writeInt(v.bucketHashes().length);
                    for (byte[] h : v.bucketHashes()) {
                        out.write(h, 0, NodeView.HASH_BYTES);
                    }
                } else {
                    out.writeByte('L');
                    out.writeInt(v.children().size());
                    for (DirectoryStore.ChildNode c : v.children()) {
                        out.writeUTF(c.name());
                        out.write(c.subtreeHash(), 0, NodeView.HASH_BYTES);
                        out.writeByte((c.hasEntry() ? 1 : 0) | (c.hasChildren() ? 2 : 0));
                    }
                }
            }
        });
    }

    static List<NodeView> nodes(byte[] payload) throws IOException {
        DataInputStream in = in(payload);
        int n = count(in.readInt());
        List<NodeView> out = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            byte[] own = null;
            if (in.readBoolean()) {
                own = new byte[32];
                in.readFully(own);
            }
            int mode = in.readUnsignedByte();
            if (mode == 'B') {
                int b = in.readInt();
                if (!NodeView.validBucketCount(b)) {
                    throw new IOException("dssync bucket count " + b + " is not a power of two in 1.."
                            + NodeView.MAX_BUCKETS);
                }
                byte[][] hashes = new byte[b][NodeView.HASH_BYTES];
                for (byte[] h : hashes) {
                    in.readFully(h);
                }
                out.add(new NodeView(own, List.of(), hashes));
            } else if (mode == 'L') {
                int k = count(in.readInt());
                List<DirectoryStore.ChildNode> children = new ArrayList<>(Math.min(k, 4096));
                for (int j = 0; j < k; j++) {
                    String name = in.readUTF();
                    byte[] h = new byte[NodeView.HASH_BYTES];
                    in.readFully(h);
                    int flags = in.readUnsignedByte();
                    children.add(new DirectoryStore.ChildNode(name, h, (flags & 1) != 0, (flags & 2) != 0));
                }
                out.add(new NodeView(own, children));
            } else {
                throw new IOException("dssync node answer kind " + mode + " not understood");
            }
        }
        return out;
    }

    static byte[] scanRequest(String path, String after, int limit) {
        return bytes(out -> {
            out.writeUTF(path);
            out.writeUTF(after);
            out.writeInt(limit);
        });
    }

    /** A decoded scan request. */
    record Scan(String path, String after, int limit) {
    }

    static Scan scanRequest(byte[] payload) throws IOException {
        DataInputStream in = in(payload);
        String path = in.readUTF();
        String after = in.readUTF();
        int limit = in.readInt();
        if (limit < 1 || limit > MAX_BATCH) {
            throw new IOException("dssync scan limit " + limit + " out of range 1.." + MAX_BATCH);
        }
        return new Scan(path, after, limit);
    }

    static byte[] page(RemoteTree.Page page) {
        return bytes(out -> {
            out.writeInt(page.entries().size());
            for (DirectoryEntry e : page.entries()) {
                DirectoryCodec.write(out, e);
            }
            out.writeBoolean(page.more());
        });
    }

    static RemoteTree.Page page(byte[] payload) throws IOException {
        DataInputStream in = in(payload);
        int n = count(in.readInt());
        List<DirectoryEntry> out = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            out.add(DirectoryCodec.read(in));
        }
        return new RemoteTree.Page(out, in.readBoolean());
    }

    static byte[] paths(List<String> paths) {
        return bytes(out -> {
            out.writeInt(paths.size());
            for (String p : paths) {
                out.writeUTF(p);
            }
        });
    }

    static List<String> paths(byte[] payload) throws IOException {
        DataInputStream in = in(payload);
        int n = count(in.readInt());
        List<String> out = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            out.add(in.readUTF());
        }
        return out;
    }

    static byte[] entries(List<Optional<DirectoryEntry>> entries) {
        return bytes(out -> {
            out.writeInt(entries.size());
            for (Optional<DirectoryEntry> e : entries) {
                out.writeBoolean(e.isPresent());
                if (e.isPresent()) {
                    DirectoryCodec.write(out, e.get());
                }
            }
        });
    }

    static List<Optional<DirectoryEntry>> entries(byte[] payload) throws IOException {
        DataInputStream in = in(payload);
        int n = count(in.readInt());
        List<Optional<DirectoryEntry>> out = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            out.add(in.readBoolean() ? Optional.of(DirectoryCodec.read(in)) : Optional.empty());
        }
        return out;
    }

    private static int count(int n) throws IOException {
        if (n < 0 || n > MAX_BATCH) {
            throw new IOException("dssync count " + n + " out of range 0.." + MAX_BATCH);
        }
        return n;
    }

    private static DataInputStream in(byte[] payload) {
        return new DataInputStream(new ByteArrayInputStream(payload));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writer w) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(b)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }
}
