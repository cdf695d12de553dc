package org.switchover.dssync.internal;

import static org.switchover.support.wire.WireDecoder.decode;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryCodec;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.notifier.EventIds;
import org.switchover.support.wire.MalformedMessageException;
import org.switchover.support.wire.WireReader;
import org.switchover.support.wire.WireWriter;

/**
 * Message formats of dssync (all big-endian, strings as {@code writeUTF}):
 * <ul>
 * <li>stream message, version 2 (written): version byte 2, change number (long), the primary's commit time (long,
 * microseconds since the epoch, wall clock), kind byte ('P' put, 'D' delete), path, and for a put the entry
 * ({@link DirectoryCodec}). Version 1 (still read, from an older primary) is the same without the commit time.</li>
 * <li>{@link EventIds#DSSYNC_NODE} request: path; reply: own-hash flag + 32 bytes, child count, per child name, 32-byte subtree hash,
 * has-entry flag, has-children flag</li>
 * <li>{@link EventIds#DSSYNC_ENTRIES} request: count, paths; reply: count, per path a present flag and the entry</li>
 * <li>{@link EventIds#DSSYNC_NODES} request: count, per node its path, bucket count (0 = the whole node), index count and indexes;
 * reply: count, per node the own-hash flag + 32 bytes, then 'L' with a child count and per child its name, a
 * {@value NodeView#HASH_BYTES}-byte subtree hash prefix and a flags byte (1 has entry, 2 has children), or 'B' with a
 * bucket count and that many {@value NodeView#HASH_BYTES}-byte bucket hashes ({@link NodeView})</li>
 * <li>{@link EventIds#DSSYNC_SCAN} request: path, after (last path of the previous page, "" for the first), limit; reply: count,
 * entries, more flag</li>
 * <li>{@value #CHECK} request (the backup's check of its tree against the primary's): empty; reply: replication id,
 * head (long), at-head flag (whether the hash is the tree's at that head: no change was between its commit and its
 * stream message), the 32-byte subtree hash of the root</li>
 * </ul>
 * Written with {@link WireWriter}, read with the bounded {@link WireReader}: anything else (truncated, a count over
 * its bound, trailing bytes, an unknown version or kind) is refused with a {@link MalformedMessageException} naming
 * the message, the field and what was wrong.
 */
final class Wire {

    /** Most paths in one entries request, and most children accepted in one node reply. */
    static final int MAX_BATCH = 1_000_000;
    /** The stream message version written. */
    static final int VERSION = 2;
    /** The older stream message version still read (no commit time). */
    static final int VERSION_1 = 1;
    /** {@link Change#commitMicros()} of a message that carries no commit time (version 1). */
    static final long NO_TIME = -1;
    /** Length of a whole (own) hash. */
    private static final int FULL_HASH = 32;
    /** The backup's check request ({@link Check}); a primary without it refuses the request, and no check is made. */
    static final String CHECK = "dssync.check";

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
        return WireWriter.encode(w -> {
            w.u8(VERSION).i64(c.changeNumber()).i64(commitMicros).u8(c.isDelete() ? 'D' : 'P').utf(c.path());
            if (!c.isDelete()) {
                DirectoryCodec.write(w.data(), c.entry());
            }
        });
    }

    static Change change(byte[] payload) throws IOException {
        return decode(payload, "dssync stream message", Wire::change);
    }

    private static Change change(WireReader in) throws IOException {
        int v = in.u8("version");
        if (v != VERSION && v != VERSION_1) {
            throw new MalformedMessageException("dssync message version " + v + " not understood");
        }
        long n = in.i64("change number");
        long micros = v == VERSION ? in.i64("commit time") : NO_TIME;
        int kind = in.u8("kind");
        String path = in.utf("path");
        switch (kind) {
            case 'D':
                return new Change(n, micros, path, null);
            case 'P': {
                DirectoryEntry e = entry(in);
                if (!e.path().equals(path)) {
                    throw in.malformed("entry", "the message for " + path + " carries an entry of " + e.path());
                }
                return new Change(n, micros, path, e);
            }
            default:
                throw in.malformed("kind", "kind " + kind + " not understood");
        }
    }

    /** @return {@code clock}'s time in microseconds since the epoch (the commit and durable times of the lag) */
    static long micros(Clock clock) {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static byte[] path(String path) {
        return WireWriter.encode(w -> w.utf(path));
    }

    static String path(byte[] payload) throws IOException {
        return decode(payload, "dssync node request", in -> in.utf("path"));
    }

    static byte[] node(NodeView v) {
        return WireWriter.encode(w -> {
            ownHash(w, v);
            w.i32(v.children().size());
            for (DirectoryStore.ChildNode c : v.children()) {
                w.utf(c.name()).raw(c.subtreeHash()).bool(c.hasEntry()).bool(c.hasChildren());
            }
        });
    }

    static NodeView node(byte[] payload) throws IOException {
        return decode(payload, "dssync node answer", Wire::node);
    }

    private static NodeView node(WireReader in) throws IOException {
        byte[] own = ownHash(in);
        int n = in.count("child count", MAX_BATCH);
        List<DirectoryStore.ChildNode> children = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            children.add(new DirectoryStore.ChildNode(in.utf("child name"), in.raw("subtree hash", FULL_HASH),
                    in.bool("has entry"), in.bool("has children")));
        }
        return new NodeView(own, children);
    }

    private static void ownHash(WireWriter w, NodeView v) throws IOException {
        w.bool(v.ownHash() != null);
        if (v.ownHash() != null) {
            w.raw(v.ownHash());
        }
    }

    private static byte[] ownHash(WireReader in) throws MalformedMessageException {
        return in.bool("own hash flag") ? in.raw("own hash", FULL_HASH) : null;
    }

    static byte[] nodeRequests(List<RemoteTree.NodeRequest> requests) {
        return WireWriter.encode(w -> {
            w.i32(requests.size());
            for (RemoteTree.NodeRequest r : requests) {
                w.utf(r.path()).i32(r.buckets()).i32(r.indexes().length);
                for (int i : r.indexes()) {
                    w.i32(i);
                }
            }
        });
    }

    static List<RemoteTree.NodeRequest> nodeRequests(byte[] payload) throws IOException {
        return decode(payload, "dssync nodes request", Wire::nodeRequests);
    }

    private static List<RemoteTree.NodeRequest> nodeRequests(WireReader in) throws IOException {
        int n = in.count("node count", MAX_BATCH);
        List<RemoteTree.NodeRequest> out = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            String path = in.utf("path");
            int buckets = in.i32("bucket count");
            if (buckets != 0 && !NodeView.validBucketCount(buckets)) {
                throw new MalformedMessageException("dssync bucket count " + buckets + " for " + path
                        + " is not a power of two in 1.." + NodeView.MAX_BUCKETS);
            }
            int k = in.count("index count", MAX_BATCH);
            if (buckets == 0 && k != 0 || k > buckets) {
                throw in.malformed("index count", "the request for " + path + " has " + k + " bucket indexes for "
                        + buckets + " buckets");
            }
            int[] idx = new int[k];
            for (int j = 0; j < k; j++) {
                idx[j] = in.i32("bucket index");
                if (idx[j] < 0 || idx[j] >= buckets) {
                    throw in.malformed("bucket index", idx[j] + " out of range 0.." + (buckets - 1));
                }
            }
            out.add(new RemoteTree.NodeRequest(path, buckets, idx));
        }
        return out;
    }

    static byte[] nodes(List<NodeView> views) {
        return WireWriter.encode(w -> {
            w.i32(views.size());
            for (NodeView v : views) {
                ownHash(w, v);
                if (v.bucketed()) {
                    w.u8('B').i32(v.bucketHashes().length);
                    for (byte[] h : v.bucketHashes()) {
                        w.data().write(h, 0, NodeView.HASH_BYTES);
                    }
                } else {
                    w.u8('L').i32(v.children().size());
                    for (DirectoryStore.ChildNode c : v.children()) {
                        w.utf(c.name());
                        w.data().write(c.subtreeHash(), 0, NodeView.HASH_BYTES);
                        w.u8((c.hasEntry() ? 1 : 0) | (c.hasChildren() ? 2 : 0));
                    }
                }
            }
        });
    }

    static List<NodeView> nodes(byte[] payload) throws IOException {
        return decode(payload, "dssync nodes answer", Wire::nodes);
    }

    private static List<NodeView> nodes(WireReader in) throws IOException {
        int n = in.count("node count", MAX_BATCH);
        List<NodeView> out = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            byte[] own = ownHash(in);
            int mode = in.u8("kind");
            if (mode == 'B') {
                int b = in.i32("bucket count");
                if (!NodeView.validBucketCount(b)) {
                    throw in.malformed("bucket count", b + " is not a power of two in 1.." + NodeView.MAX_BUCKETS);
                }
                byte[][] hashes = new byte[b][];
                for (int j = 0; j < b; j++) {
                    hashes[j] = in.raw("bucket hash", NodeView.HASH_BYTES);
                }
                out.add(new NodeView(own, List.of(), hashes));
            } else if (mode == 'L') {
                int k = in.count("child count", MAX_BATCH);
                List<DirectoryStore.ChildNode> children = new ArrayList<>(Math.min(k, 4096));
                for (int j = 0; j < k; j++) {
                    String name = in.utf("child name");
                    byte[] h = in.raw("subtree hash", NodeView.HASH_BYTES);
                    int flags = in.u8("flags");
                    children.add(new DirectoryStore.ChildNode(name, h, (flags & 1) != 0, (flags & 2) != 0));
                }
                out.add(new NodeView(own, children));
            } else {
                throw in.malformed("kind", "node answer kind " + mode + " not understood");
            }
        }
        return out;
    }

    /**
     * The answer to a {@value #CHECK} request.
     *
     * @param atHead whether {@code rootHash} is the primary's tree exactly after message {@code head} (false while a
     *     change was committed and not yet published)
     */
    record Check(String replicationId, long head, boolean atHead, byte[] rootHash) {
    }

    static byte[] check(Check c) {
        return WireWriter.encode(w -> w.utf(c.replicationId()).i64(c.head()).bool(c.atHead()).raw(c.rootHash()));
    }

    static Check check(byte[] payload) throws IOException {
        return decode(payload, "dssync check answer", in -> new Check(in.utf("replication id"), in.i64("head"),
                in.bool("at head"), in.raw("root hash", FULL_HASH)));
    }

    static byte[] scanRequest(String path, String after, int limit) {
        return WireWriter.encode(w -> w.utf(path).utf(after).i32(limit));
    }

    /** A decoded scan request. */
    record Scan(String path, String after, int limit) {
    }

    static Scan scanRequest(byte[] payload) throws IOException {
        return decode(payload, "dssync scan request", in -> {
            Scan s = new Scan(in.utf("path"), in.utf("after"), in.i32("limit"));
            if (s.limit() < 1 || s.limit() > MAX_BATCH) {
                throw in.malformed("limit", s.limit() + " out of range 1.." + MAX_BATCH);
            }
            return s;
        });
    }

    static byte[] page(RemoteTree.Page page) {
        return WireWriter.encode(w -> {
            w.i32(page.entries().size());
            for (DirectoryEntry e : page.entries()) {
                DirectoryCodec.write(w.data(), e);
            }
            w.bool(page.more());
        });
    }

    static RemoteTree.Page page(byte[] payload) throws IOException {
        return decode(payload, "dssync scan answer", in -> {
            int n = in.count("entry count", MAX_BATCH);
            List<DirectoryEntry> out = new ArrayList<>(Math.min(n, 4096));
            for (int i = 0; i < n; i++) {
                out.add(entry(in));
            }
            return new RemoteTree.Page(out, in.bool("more"));
        });
    }

    static byte[] paths(List<String> paths) {
        return WireWriter.encode(w -> {
            w.i32(paths.size());
            for (String p : paths) {
                w.utf(p);
            }
        });
    }

    static List<String> paths(byte[] payload) throws IOException {
        return decode(payload, "dssync entries request", in -> {
            int n = in.count("path count", MAX_BATCH);
            List<String> out = new ArrayList<>(Math.min(n, 4096));
            for (int i = 0; i < n; i++) {
                out.add(in.utf("path"));
            }
            return out;
        });
    }

    static byte[] entries(List<Optional<DirectoryEntry>> entries) {
        return WireWriter.encode(w -> {
            w.i32(entries.size());
            for (Optional<DirectoryEntry> e : entries) {
                w.bool(e.isPresent());
                if (e.isPresent()) {
                    DirectoryCodec.write(w.data(), e.get());
                }
            }
        });
    }

    static List<Optional<DirectoryEntry>> entries(byte[] payload) throws IOException {
        return decode(payload, "dssync entries answer", in -> {
            int n = in.count("entry count", MAX_BATCH);
            List<Optional<DirectoryEntry>> out = new ArrayList<>(Math.min(n, 4096));
            for (int i = 0; i < n; i++) {
                out.add(in.bool("present") ? Optional.of(entry(in)) : Optional.empty());
            }
            return out;
        });
    }

    /** One {@link DirectoryCodec} entry; a truncated or malformed one names the message. */
    private static DirectoryEntry entry(WireReader in) throws MalformedMessageException {
        try {
            return DirectoryCodec.read(in.data());
        } catch (IOException e) {
            throw in.wrap("entry", e);
        }
    }
}
