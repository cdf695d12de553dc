package org.switchover.recovery.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.switchover.support.wire.MalformedMessageException;

/**
 * The shadows of one channel on the backup, kept compact: per interaction id one direct (off-heap) buffer holding
 * the encoded interaction ({@link InteractionCodec}). The heap carries only the id, the map entry and the buffer
 * object — a few hundred bytes whatever the interaction's size — while the bulky content (bodies, transcripts) lives
 * outside the heap. Direct memory is bounded by the JVM option {@code -XX:MaxDirectMemorySize} (by default the
 * maximum heap size); a replaced or removed shadow's memory is released with its buffer object at a garbage
 * collection. A shadow is replaced only by an equal or higher version (the version is the encoding's first 8 bytes),
 * so a snapshot page and a stream message about the same interaction converge on the newest state. Thread-safe.
 */
final class ShadowStore {

    /** Shadows per task when {@link #forEach} spreads the work over the common fork-join pool. */
    private static final long PARALLEL_BATCH = 1000;

    private final ConcurrentHashMap<String, ByteBuffer> shadows = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final IntFunction<ByteBuffer> allocator;

    /** Shadows in direct buffers. */
    ShadowStore() {
        this(ByteBuffer::allocateDirect);
    }

    /** @param allocator makes a shadow's buffer of the given size (tests: one that runs out) */
    ShadowStore(IntFunction<ByteBuffer> allocator) {
        this.allocator = allocator;
    }

    /**
     * Keeps {@code encoded} as the shadow of {@code id} unless the shadow held is of a higher version.
     *
     * @throws MalformedMessageException when {@code encoded} is too short to carry a version; nothing changes
     * @throws ShadowMemoryFullException when the direct memory for shadows is used up; nothing changes
     */
    void keep(String id, byte[] encoded) throws MalformedMessageException {
        keep(id, encoded, 0, encoded.length);
    }

    /**
     * Keeps the {@code length} bytes of {@code data} from {@code offset} (one encoded interaction, read in place from
     * a snapshot page) as the shadow of {@code id} unless the shadow held is of a higher version.
     *
     * @throws MalformedMessageException when they are too short to carry a version; nothing changes
     * @throws ShadowMemoryFullException when the direct memory for shadows is used up; nothing changes
     */
    void keep(String id, byte[] data, int offset, int length) throws MalformedMessageException {
        long version = InteractionCodec.version(data, offset, length);
        shadows.compute(id, (k, old) -> {
            if (old != null && old.getLong(0) > version) {
                return old;
            }
            ByteBuffer b;
            try {
                b = allocator.apply(length);
            } catch (OutOfMemoryError e) {
                throw new ShadowMemoryFullException(shadows.size(), bytes.get(), length, e);
            }
            b.put(0, data, offset, length);
            bytes.addAndGet(length - (old == null ? 0 : old.capacity()));
            return b;
        });
    }

    /** Drops the shadow of {@code id} unless it is of a higher version than the removal. */
    void remove(String id, long version) {
        shadows.computeIfPresent(id, (k, old) -> {
            if (old.getLong(0) > version) {
                return old;
            }
            bytes.addAndGet(-old.capacity());
            return null;
        });
    }

    int size() {
        return shadows.size();
    }

    /** @return the bytes the shadows' encoded forms take (off the heap) */
    long bytes() {
        return bytes.get();
    }

    void clear() {
        shadows.clear();
        bytes.set(0);
    }

    /** @return up to {@code limit} shadow ids sorting after {@code afterId}, in id order */
    List<String> idsAfter(String afterId, int limit) {
        return shadows.keySet().stream().filter(id -> id.compareTo(afterId) > 0).sorted().limit(limit).toList();
    }

    /** @return a heap copy of the encoded shadow of {@code id}, or null when there is none */
    byte[] encoded(String id) {
        ByteBuffer b = shadows.get(id);
        if (b == null) {
            return null;
        }
        byte[] copy = new byte[b.capacity()];
        b.get(0, copy);
        return copy;
    }

    /** Receives one shadow in place. */
    @FunctionalInterface
    interface Visitor {
        /**
         * @param id the interaction's id
         * @param encoded holds the encoded interaction in its first {@code length} bytes; valid during this call only
         *     (the array is reused for the next shadow the thread visits)
         */
        void accept(String id, byte[] encoded, int length);
    }

    /**
     * Gives each shadow's id and encoded form to {@code each} (for a promotion: decoding a hundred thousand shadows is
     * CPU work, so batches of {@value #PARALLEL_BATCH} run in parallel on the common fork-join pool and the calling
     * thread; {@code each} must be thread-safe). Each thread reads the shadows into one reused array: decoding makes
     * the only copy on the heap.
     */
    void forEach(Visitor each) {
        ThreadLocal<byte[][]> scratch = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});
        shadows.forEach(PARALLEL_BATCH, (id, b) -> {
            byte[][] holder = scratch.get();
            int n = b.capacity();
            if (holder[0].length < n) {
                holder[0] = new byte[Math.max(n, holder[0].length * 2)];
            }
            b.get(0, holder[0], 0, n);
            each.accept(id, holder[0], n);
        });
    }
}
