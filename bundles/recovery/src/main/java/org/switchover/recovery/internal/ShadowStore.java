package org.switchover.recovery.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

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

    /** Shadows per batch of {@link #forEach} (each batch spread over the threads). */
    private static final int FOR_EACH_BATCH = 8192;

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

    /** Makes something of one shadow read in place. */
    @FunctionalInterface
    interface Reader<T> {
        /**
         * @param id the interaction's id
         * @param encoded holds the encoded interaction in its first {@code length} bytes; valid during this call only
         * @return what the shadow becomes, or null for nothing
         */
        T read(String id, byte[] encoded, int length);
    }

    /**
     * Gives each shadow's id and encoded form to {@code each} (in parallel, see {@link #forEachBatch}; {@code each}
     * must be thread-safe).
     */
    void forEach(Visitor each) {
        forEachBatch(FOR_EACH_BATCH, (id, encoded, length) -> {
            each.accept(id, encoded, length);
            return null;
        }, batch -> { });
    }

    /**
     * Reads the shadows held when this is called in batches of at most {@code batch} (for a promotion). The shadows of
     * one batch are read in parallel, on the common fork-join pool and the calling thread ({@code read} must be
     * thread-safe), each thread reading the shadows into one reused array; then the calling thread hands what they
     * became to {@code sink} before the next batch is read. So what reading a batch allocates besides what the sink
     * keeps is garbage before the next batch starts, and a promotion's host takes the first interactions while the
     * rest are still encoded. A shadow removed meanwhile is left out.
     *
     * @param sink receives each batch's results (nulls left out), on the calling thread
     */
    <T> void forEachBatch(int batch, Reader<T> read, Consumer<List<T>> sink) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch + " < 1");
        }
        String[] ids = shadows.keySet().toArray(new String[0]);
        ThreadLocal<byte[][]> scratch = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});
        for (int from = 0; from < ids.length; from += batch) {
            int start = from;
            Object[] out = new Object[Math.min(batch, ids.length - from)];
            IntStream.range(0, out.length).parallel().forEach(k -> {
                String id = ids[start + k];
                ByteBuffer b = shadows.get(id);
                if (b == null) {
                    return;
                }
                byte[][] holder = scratch.get();
                int n = b.capacity();
                if (holder[0].length < n) {
                    holder[0] = new byte[Math.max(n, holder[0].length * 2)];
                }
                b.get(0, holder[0], 0, n);
                out[k] = read.read(id, holder[0], n);
            });
            List<T> results = new ArrayList<>(out.length);
            for (Object o : out) {
                if (o != null) {
                    @SuppressWarnings("unchecked")
                    T t = (T) o;
                    results.add(t);
                }
            }
            sink.accept(results);
        }
    }
}
