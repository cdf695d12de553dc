package org.switchover.recovery.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
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
     * Reads the shadows held when this is called in batches of at most {@code batch} (rounded up to whole chunks of
     * {@value #CHUNK}; for a promotion), handing each batch's results to {@code sink} on the calling thread before
     * the next batch is handed over. So what reading a batch allocates besides what the sink keeps is garbage before
     * long, and a promotion's host takes the first interactions while the rest are still encoded. The reading is
     * spread over the common fork-join pool's workers and the calling thread in chunks; the workers read at most two
     * batches ahead of the sink, so they read the next batch while the calling thread is in the sink (the host's
     * restore), and a calling thread waiting for a worker's chunk reads the next chunks meanwhile. Each thread reads
     * the shadows into one reused array. A shadow removed meanwhile is left out.
     *
     * @param read makes something of a shadow; thread-safe
     * @param sink receives each batch's results (nulls left out), on the calling thread
     * @throws IllegalStateException when {@code read} failed (with its exception as the cause; the batch it was in is
     *     not handed over), or a worker's chunk was not read within {@value #CHUNK_WAIT_SECONDS} s
     */
    <T> void forEachBatch(int batch, Reader<T> read, Consumer<List<T>> sink) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch + " < 1");
        }
        new BatchReading<T>(shadows.keySet().toArray(new String[0]), batch, read).run(sink);
    }

    /** Shadows a reading thread claims at once. */
    static final int CHUNK = 64;
    /** The longest the calling thread waits for one chunk a worker claimed (a worker that stopped is a bug). */
    static final long CHUNK_WAIT_SECONDS = 60;

    /** One {@link #forEachBatch} run: chunks claimed in order by the workers and the calling thread. */
    private final class BatchReading<T> {
        private final String[] ids;
        private final Reader<T> read;
        private final int chunks;
        private final int batchChunks;
        private final Object[] out;
        private final AtomicIntegerArray done;
        private final AtomicInteger next = new AtomicInteger();
        /** Chunks handed to the sink; workers stay below this plus two batches. */
        private final AtomicInteger handed = new AtomicInteger();
        private final AtomicInteger workers = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final ThreadLocal<byte[][]> scratch = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});
        private volatile boolean stopped;

        BatchReading(String[] ids, int batch, Reader<T> read) {
            this.ids = ids;
            this.read = read;
            this.chunks = (ids.length + CHUNK - 1) / CHUNK;
            this.batchChunks = (int) Math.max(1, Math.min(chunks, ((long) batch + CHUNK - 1) / CHUNK));
            this.out = new Object[ids.length];
            this.done = new AtomicIntegerArray(chunks);
        }

        void run(Consumer<List<T>> sink) {
            try {
                for (int first = 0; first < chunks; first += batchChunks) {
                    int end = Math.min(chunks, first + batchChunks);
                    startWorkers();
                    for (int c = first; c < end; c++) {
                        awaitChunk(c);
                    }
                    Throwable t = failure.get();
                    if (t != null) {
                        throw new IllegalStateException("reading the shadows failed: " + t, t);
                    }
                    int to = Math.min(ids.length, end * CHUNK);
                    List<T> results = new ArrayList<>(to - first * CHUNK);
                    for (int k = first * CHUNK; k < to; k++) {
                        @SuppressWarnings("unchecked")
                        T r = (T) out[k];
                        if (r != null) {
                            results.add(r);
                            out[k] = null;
                        }
                    }
                    handed.set(end);
                    startWorkers();
                    sink.accept(results);
                }
            } finally {
                stopped = true;
            }
        }

        /** Waits until chunk {@code c} is read, reading the next unclaimed chunks meanwhile (in order: own first). */
        private void awaitChunk(int c) {
            long deadline = 0;
            while (done.get(c) == 0) {
                if (claimAndRead(reach())) {
                    continue;
                }
                if (deadline == 0) {
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHUNK_WAIT_SECONDS);
                } else if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("shadow chunk " + c + " of " + chunks + " not read within "
                            + CHUNK_WAIT_SECONDS + " s");
                }
                LockSupport.parkNanos(20_000);
            }
        }

        /** @return whether a chunk below {@code limit} was claimed and read */
        private boolean claimAndRead(int limit) {
            int c = next.get();
            if (c >= Math.min(chunks, limit) || !next.compareAndSet(c, c + 1)) {
                return false;
            }
            readChunk(c);
            return true;
        }

        private void readChunk(int c) {
            try {
                byte[][] holder = scratch.get();
                for (int k = c * CHUNK, end = Math.min(ids.length, k + CHUNK); k < end && !stopped; k++) {
                    ByteBuffer b = shadows.get(ids[k]);
                    if (b == null) {
                        continue;
                    }
                    int n = b.capacity();
                    if (holder[0].length < n) {
                        holder[0] = new byte[Math.max(n, holder[0].length * 2)];
                    }
                    b.get(0, holder[0], 0, n);
                    out[k] = read.read(ids[k], holder[0], n);
                }
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            } finally {
                done.set(c, 1);
            }
        }

        /** Starts the pool's workers that are not running, when there is work within their reach. */
        private void startWorkers() {
            int parallelism = ForkJoinPool.getCommonPoolParallelism();
            while (!stopped && next.get() < Math.min(chunks, reach())) {
                int w = workers.get();
                if (w >= parallelism) {
                    return;
                }
                if (workers.compareAndSet(w, w + 1)) {
                    ForkJoinPool.commonPool().execute(this::work);
                }
            }
        }

        /** A worker: reads chunks until it is two batches ahead of the sink or nothing is left. */
        private void work() {
            try {
                boolean more = true;
                while (more && !stopped) {
                    more = claimAndRead(reach());
                }
            } finally {
                workers.decrementAndGet();
            }
        }

        /** @return the first chunk beyond what may be read now: two batches past what the sink was handed */
        private int reach() {
            return handed.get() + 2 * batchChunks;
        }
    }
}
