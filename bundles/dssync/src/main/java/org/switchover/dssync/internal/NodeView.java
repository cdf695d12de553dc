package org.switchover.dssync.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.switchover.api.ds.DirectoryStore;

/**
 * One node of a tree as a compare request answers it: either its children listed, or, for a wide node, its children
 * summarised in buckets (each bucket a hash over the children whose name falls into it), so that the backup asks only
 * for the children of the buckets that differ instead of moving a listing of thousands of names and hashes.
 *
 * <p>Hashes in answers are prefixes ({@link #HASH_BYTES} bytes of the SHA-256 values): a compare only needs to tell
 * equal from different, and 128 bits keep an accidental match out of reach while halving what a listing moves.
 *
 * @param ownHash content hash of the entry at the node's path, null when there is no entry
 * @param children the child nodes with their (prefix) subtree hashes, sorted by name; empty when bucketed
 * @param bucketHashes null for a listing; otherwise one hash prefix per bucket (their number a power of two)
 */
record NodeView(byte[] ownHash, List<DirectoryStore.ChildNode> children, byte[][] bucketHashes) {

    /** Bytes of a subtree or bucket hash in an answer. */
    static final int HASH_BYTES = 16;
    /** A node with more children than this is answered in buckets when asked for as a whole. */
    static final int WIDE = 64;
    /** Children per bucket aimed at. */
    static final int PER_BUCKET = 8;
    /** Most buckets of one node. */
    static final int MAX_BUCKETS = 4096;

    /** A listing. */
    NodeView(byte[] ownHash, List<DirectoryStore.ChildNode> children) {
        this(ownHash, children, null);
    }

    boolean bucketed() {
        return bucketHashes != null;
    }

    /** @return the whole node at {@code path} of {@code store}: listed, or bucketed when wide. */
    static NodeView of(DirectoryStore store, String path) {
        return of(store, path, 0, null);
    }

    /**
     * @param buckets 0 for the whole node (bucketed when it has more than {@link #WIDE} children), otherwise the
     *     bucket count the asker was told
     * @param indexes with {@code buckets > 0}: list only the children of these buckets
     * @return the node at {@code path} of {@code store} as an answer
     */
    static NodeView of(DirectoryStore store, String path, int buckets, int[] indexes) {
        byte[] own = store.get(path).map(e -> e.contentHash()).orElse(null);
        List<DirectoryStore.ChildNode> all = store.children(path);
        if (buckets == 0) {
            if (all.size() > WIDE) {
                int b = bucketCount(all.size());
                return new NodeView(own, List.of(), bucketHashes(all, b));
            }
            return new NodeView(own, prefixed(all));
        }
        boolean[] wanted = new boolean[buckets];
        for (int i : indexes) {
            wanted[i] = true;
        }
        List<DirectoryStore.ChildNode> some = new ArrayList<>();
        for (DirectoryStore.ChildNode c : all) {
            if (wanted[bucketOf(c.name(), buckets)]) {
                some.add(c);
            }
        }
        return new NodeView(own, prefixed(some));
    }

    private static List<DirectoryStore.ChildNode> prefixed(List<DirectoryStore.ChildNode> children) {
        List<DirectoryStore.ChildNode> out = new ArrayList<>(children.size());
        for (DirectoryStore.ChildNode c : children) {
            out.add(new DirectoryStore.ChildNode(c.name(), prefix(c.subtreeHash()), c.hasEntry(), c.hasChildren()));
        }
        return out;
    }

    static byte[] prefix(byte[] hash) {
        return Arrays.copyOf(hash, HASH_BYTES);
    }

    /** @return whether a (possibly prefix) hash from an answer matches a full local hash */
    static boolean matches(byte[] remote, byte[] local) {
        return remote != null && local != null && remote.length <= local.length
                && Arrays.equals(remote, 0, remote.length, local, 0, remote.length);
    }

    /** @return the bucket count for a node of {@code children} children: a power of two, about 8 per bucket */
    static int bucketCount(int children) {
        int b = Integer.highestOneBit(Math.max(1, children / PER_BUCKET)) * 2;
        return Math.min(MAX_BUCKETS, b);
    }

    /** @return whether {@code b} is a bucket count an answer may use */
    static boolean validBucketCount(int b) {
        return b > 0 && b <= MAX_BUCKETS && Integer.bitCount(b) == 1;
    }

    /** @return the bucket of child {@code name} among {@code buckets} (a power of two); the same on every JVM */
    static int bucketOf(String name, int buckets) {
        // String.hashCode is specified by the language, so both nodes agree; the mix spreads similar names
        int h = name.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & (buckets - 1);
    }

    /** @return per bucket, the hash prefix over its children (name, subtree hash, flags) in name order */
    static byte[][] bucketHashes(List<DirectoryStore.ChildNode> children, int buckets) {
        MessageDigest[] md = new MessageDigest[buckets];
        for (DirectoryStore.ChildNode c : children) {
            int b = bucketOf(c.name(), buckets);
            if (md[b] == null) {
                md[b] = sha256();
            }
            byte[] name = c.name().getBytes(StandardCharsets.UTF_8);
            md[b].update((byte) (name.length >>> 8));
            md[b].update((byte) name.length);
            md[b].update(name);
            md[b].update(c.subtreeHash());
            md[b].update((byte) ((c.hasEntry() ? 1 : 0) | (c.hasChildren() ? 2 : 0)));
        }
        byte[][] out = new byte[buckets][];
        for (int b = 0; b < buckets; b++) {
            out[b] = md[b] == null ? new byte[HASH_BYTES] : prefix(md[b].digest());
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
