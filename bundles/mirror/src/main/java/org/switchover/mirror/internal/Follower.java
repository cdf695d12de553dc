package org.switchover.mirror.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.EventIds;
import org.switchover.support.Threads;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * The backup's side: makes a root, or a part of it, equal to the primary's by comparing manifests and moving only
 * what differs. Callers serialise the calls (the component holds one lock around them); inside one call the files
 * to fetch move concurrently on the follower's own threads, with bounded memory. Counts what it did for the status
 * command.
 */
final class Follower {

    private static final Logger LOG = LoggerFactory.getLogger(Follower.class);
    /** Refusals a peer can repeat at will: one WARN per kind a minute, the rest counted. */
    private final RateLimitedLog refusals = RateLimitedLog.perPeriod(LOG::warn, 60_000L);

    /** Asks the primary. */
    interface Remote {
        /**
         * @return the reply body
         * @throws TransferBroken when the request timed out or the connection was lost (retry later)
         * @throws IOException when the primary refused (the message says why)
         */
        byte[] ask(String eventId, byte[] body) throws IOException;

        /**
         * Sends a request without waiting for the answer, so that several can be in flight. The default asks
         * synchronously (tests); the component sends through the notifier and completes the future from its
         * threads.
         *
         * @return completes with the reply body, or exceptionally with what {@link #ask} would throw
         */
        default CompletableFuture<byte[]> askAsync(String eventId, byte[] body) {
            try {
                return CompletableFuture.completedFuture(ask(eventId, body));
            } catch (IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    /** The connection to the primary failed during a request: the work must be retried once it is back. */
    static final class TransferBroken extends IOException {
        private static final long serialVersionUID = 1L;

        TransferBroken(String message) {
            super(message);
        }
    }

    /** Chunk requests in flight for one file. */
    static final int WINDOW = 8;
    /** Files fetched at the same time (many small files are the common case). */
    static final int FILES_IN_FLIGHT = 8;
    /** Chunks requested or received but not yet written, over all files: at most this many MiB held. */
    static final int CHUNKS_IN_FLIGHT = 16;
    /** Files up to this size travel in batches. */
    static final long SMALL_FILE_BYTES = 256 * 1024;
    /** Bytes asked for by one batch: one permit's worth. */
    static final int BATCH_BYTES = VfsFiles.CHUNK_BYTES;

    private final VfsFiles files;
    private final Remote remote;
    private final ExecutorService fetchPool;
    private final Semaphore permits = new Semaphore(CHUNKS_IN_FLIGHT);
    private final Supplier<MirrorSettings> settings;
    private final Clock clock;
    /** What this node's disk refused: pending until written. */
    final WriteFailures failures;
    /** The current comparison (callers serialise them): failures are recorded against it. */
    private volatile long round;
    /** Paths the current comparison could not write. */
    private final AtomicInteger refused = new AtomicInteger();

    final AtomicLong pending = new AtomicLong();
    final AtomicLong filesFetched = new AtomicLong();
    final AtomicLong bytesFetched = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    /** The latest full comparison of a root: which, how many files it fetched, when it ended. */
    volatile String lastCompare = "none";
    volatile String lastApplied = "none";
    volatile long lastAppliedMillis;
    volatile long lastLagMillis = -1;

    /**
     * @param settings the current parameters (where each root is on this node)
     * @param clock the time of the last change and comparison, and how long a comparison took (for the status and
     *     the log)
     * @param failures where the changes this node's disk refused are kept until written
     */
    Follower(VfsFiles files, Remote remote, Supplier<MirrorSettings> settings, Clock clock, WriteFailures failures) {
        this.files = files;
        this.failures = failures;
        this.remote = remote;
        this.settings = settings;
        this.clock = clock;
        this.fetchPool = Executors.newFixedThreadPool(FILES_IN_FLIGHT, Threads.factory("switchover-mirror-fetch"));
    }

    /**
     * Brings {@code scope} of {@code root} in line with the primary.
     *
     * <p>What this node's disk refuses (a {@link VfsFiles.LocalWriteFailed}) does not stop the comparison: each path
     * refused is kept in {@link #failures} and the rest goes on. When the comparison ends, the failures under
     * {@code scope} it did not record again have landed.
     *
     * @param exceptions extensions left out on both sides
     * @return what was done, for the log; empty when the root does not exist on this node
     * @throws TransferBroken when the connection failed (retry later)
     * @throws IOException when the primary refused (the message says why)
     */
    String sync(MirrorRoot root, String scope, Extensions exceptions) throws IOException {
        MirrorSettings s = settings.get();
        Path dir = s.mapper().local(root.path());
        if (dir == null) {
            return "";
        }
        long r = ++round;
        refused.set(0);
        String what = compare(root, dir, scope, exceptions);
        failures.settle(root, scope, r);
        int notWritten = refused.get();
        return notWritten == 0 ? what : what + "; " + notWritten + " not written on this backup (pending, retried)";
    }

    private String compare(MirrorRoot root, Path dir, String scope, Extensions exceptions) throws IOException {
        if (scope.isEmpty()) {
            int left = files.removeLeftovers(dir, root.recursive());
            if (left > 0) {
                LOG.info("Removed {} unfinished transfer(s) left under {}", left, dir);
            }
        }
        long t0 = clock.millis();
        SortedMap<String, Entry> theirs = Wire.manifest(remote.ask(EventIds.MIRROR_MANIFEST,
                Wire.manifestRequest(new Wire.ManifestRequest(root.path(), root.recursive(), scope, exceptions.toString()))));
        if (scope.isEmpty() && !java.nio.file.Files.isDirectory(dir)) {
            try {
                files.mkdirs(dir, "");
            } catch (VfsFiles.LocalWriteFailed e) {
                failures.failed(root, "", e.shortReason(), round);
                refused.incrementAndGet();
                return "root directory " + dir + " not created: " + e.reason();
            }
        }
        SortedMap<String, Entry> mine = files.manifest(dir, root.recursive(), scope, exceptions);
        ManifestDiff diff = ManifestDiff.between(theirs, mine);
        long t1 = clock.millis();
        AtomicInteger fetched = new AtomicInteger();
        try {
            if (!diff.isEmpty()) {
                apply(root, dir, diff, fetched);
            }
        } finally {
            if (scope.isEmpty()) {
                lastCompare = root + ": " + fetched.get() + " file(s) fetched of " + diff.fetch().size()
                        + " differing, at " + Instant.ofEpochMilli(clock.millis());
            }
        }
        if (diff.isEmpty()) {
            return "in step";
        }
        return String.format("%s (compared in %d ms, applied in %d ms)", diff, t1 - t0, clock.millis() - t1);
    }

    private void apply(MirrorRoot root, Path dir, ManifestDiff diff, AtomicInteger fetched) throws IOException {
        pending.set(diff.mkdirs().size() + diff.fetch().size() + diff.touch().size() + diff.delete().size());
        try {
            for (Entry e : diff.delete()) {
                try {
                    int n = files.delete(dir, e.path());
                    deleted.addAndGet(n);
                    done(root, e.path(), "deleted");
                } catch (VfsFiles.LocalWriteFailed f) {
                    failed(root, e.path(), f);
                }
            }
            for (String d : diff.mkdirs()) {
                try {
                    files.mkdirs(dir, d);
                    done(root, d, "directory created");
                } catch (VfsFiles.LocalWriteFailed f) {
                    failed(root, d, f);
                }
            }
            fetchAll(root, dir, diff.fetch(), fetched);
            for (Entry e : diff.touch()) {
                try {
                    files.setMtime(dir, e.path(), e.mtime());
                    done(root, e.path(), "mtime set");
                } catch (VfsFiles.LocalWriteFailed f) {
                    failed(root, e.path(), f);
                }
            }
        } finally {
            pending.set(0);
        }
    }

    /**
     * Fetches files concurrently: up to {@link #FILES_IN_FLIGHT} at once, each with a window of chunk requests,
     * all of them sharing {@link #CHUNKS_IN_FLIGHT} permits (the memory bound). A broken connection stops the
     * remaining files and is thrown once every started file has cleaned up its temporary name.
     */
    private void fetchAll(MirrorRoot root, Path dir, List<Entry> fetch, AtomicInteger fetched) throws IOException {
        if (fetch.isEmpty()) {
            return;
        }
        AtomicReference<TransferBroken> broken = new AtomicReference<>();
        List<Future<?>> tasks = new ArrayList<>(fetch.size());
        List<Entry> batch = new ArrayList<>();
        long batchBytes = 0;
        for (Entry e : fetch) {
            if (e.size() > SMALL_FILE_BYTES) {
                tasks.add(fetchPool.submit(() -> {
                    if (broken.get() == null) {
                        try {
                            fetchOne(root, dir, e, fetched);
                        } catch (TransferBroken b) {
                            broken.compareAndSet(null, b);
                        }
                    }
                }));
                continue;
            }
            if (batch.size() == Wire.BATCH_FILES || batchBytes + e.size() > BATCH_BYTES) {
                tasks.add(submitBatch(root, dir, List.copyOf(batch), fetched, broken));
                batch.clear();
                batchBytes = 0;
            }
            batch.add(e);
            batchBytes += e.size();
        }
        if (!batch.isEmpty()) {
            tasks.add(submitBatch(root, dir, List.copyOf(batch), fetched, broken));
        }
        try {
            for (Future<?> t : tasks) {
                t.get();
            }
        } catch (InterruptedException e) {
            broken.compareAndSet(null, new TransferBroken("interrupted"));
            tasks.forEach(t -> t.cancel(false));
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // fetchOne handles its IOExceptions; anything else is a bug worth the stack trace
            throw new IllegalStateException("mirror fetch failed", e.getCause());
        }
        if (broken.get() != null) {
            throw broken.get();
        }
    }

    /**
     * Small files travel many to a request (one round trip instead of one each); a batch holds one permit, as it
     * asks for at most {@link #BATCH_BYTES}, one chunk's worth.
     */
    private Future<?> submitBatch(MirrorRoot root, Path dir, List<Entry> batch, AtomicInteger fetched,
                                  AtomicReference<TransferBroken> broken) {
        return fetchPool.submit(() -> {
            if (broken.get() != null) {
                return;
            }
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                broken.compareAndSet(null, new TransferBroken("interrupted"));
                return;
            }
            try {
                List<Wire.ChunkRequest> items = new ArrayList<>(batch.size());
                for (Entry e : batch) {
                    items.add(new Wire.ChunkRequest(root.path(), e.path(), 0, (int) e.size()));
                }
                List<Wire.BatchItem> replies = Wire.batch(remote.askAsync(EventIds.MIRROR_BATCH,
                        Wire.batchRequest(new Wire.BatchRequest(root.path(), items))).get());
                if (replies.size() != batch.size()) {
                    throw new IOException("batch reply has " + replies.size() + " files for " + batch.size());
                }
                for (int i = 0; i < batch.size(); i++) {
                    Entry e = batch.get(i);
                    Wire.BatchItem r = replies.get(i);
                    writeFetched(root, dir, e, fetched, offset -> {
                        if (r.chunk() == null) {
                            throw new IOException(r.error());
                        }
                        if (offset != 0) {
                            // a small file that grew meanwhile: the size check fails first, this is a safety net
                            throw new IOException("'" + e.path() + "' is larger than when it was listed");
                        }
                        return r.chunk();
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                broken.compareAndSet(null, new TransferBroken("interrupted"));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TransferBroken b) {
                    broken.compareAndSet(null, b);
                } else {
                    // the primary refused the whole batch: each file is tried again by its next change or comparison
                    LOG.info("Mirror: {} file(s) under {} not copied now: {}", batch.size(), root,
                            LogText.escape(e.getCause().getMessage()));
                    keepAll(root, batch);
                }
            } catch (TransferBroken b) {
                broken.compareAndSet(null, b);
            } catch (IOException malformed) {
                refusals.log("malformed batch", "Mirror: a batch reply for {} was malformed: {}", root,
                        LogText.escape(malformed.getMessage()));
                keepAll(root, batch);
            } finally {
                permits.release();
            }
        });
    }

    private void fetchOne(MirrorRoot root, Path dir, Entry e, AtomicInteger fetched) throws TransferBroken {
        try (Pipeline source = new Pipeline(root, e)) {
            writeFetched(root, dir, e, fetched, source);
        }
    }

    /** Writes one file from {@code source}; a file that changed on the primary meanwhile is skipped (logged). */
    private void writeFetched(MirrorRoot root, Path dir, Entry e, AtomicInteger fetched, VfsFiles.ChunkSource source)
            throws TransferBroken {
        try {
            files.write(dir, e, source);
            filesFetched.incrementAndGet();
            fetched.incrementAndGet();
            bytesFetched.addAndGet(e.size());
            done(root, e.path(), "copied");
        } catch (TransferBroken broken) {
            throw broken;
        } catch (VfsFiles.LocalWriteFailed refused) {
            failed(root, e.path(), refused);
        } catch (IOException changed) {
            // the file changed (or went) on the primary while it was copied: its next change message or
            // the next full comparison brings it over; the old copy stays in place meanwhile
            LOG.info("Mirror: {} not copied now: {}", e.path(), changed.getMessage());
            failures.keep(root, e.path(), round);
            pending.decrementAndGet();
        }
    }

    /** This node's disk refused {@code path}: pending until a later comparison writes it. */
    private void failed(MirrorRoot root, String path, VfsFiles.LocalWriteFailed e) {
        pending.decrementAndGet();
        refused.incrementAndGet();
        failures.failed(root, path, e.shortReason(), round);
    }

    /** A batch not copied for a reason of the primary's: earlier failures among its files stay pending. */
    private void keepAll(MirrorRoot root, List<Entry> batch) {
        pending.addAndGet(-batch.size());
        for (Entry e : batch) {
            failures.keep(root, e.path(), round);
        }
    }

    /**
     * The chunks of one file, requested ahead of the writer: up to {@link #WINDOW} requests in flight. The first
     * request waits for a shared permit, the ones ahead only take a free one, so a file never waits while holding
     * permits others need. A chunk handed to the writer keeps its permit until the writer asks for the next one.
     */
    private final class Pipeline implements VfsFiles.ChunkSource, AutoCloseable {
        private final MirrorRoot root;
        private final Entry entry;
        private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();
        private long nextOffset;
        private boolean holdsHanded;

        private record Ahead(long offset, CompletableFuture<byte[]> reply) {
        }

        Pipeline(MirrorRoot root, Entry entry) {
            this.root = root;
            this.entry = entry;
        }

        @Override
        public VfsFiles.Chunk next(long offset) throws IOException {
            releaseHanded();
            if (!ahead.isEmpty() && ahead.peekFirst().offset() != offset) {
                // the writer wants another offset than was planned (a short chunk): start again from there
                cancelAhead();
            }
            if (ahead.isEmpty()) {
                nextOffset = offset;
            }
            topUp();
            Ahead a = ahead.pollFirst();
            if (a == null) {
                throw new IOException("'" + entry.path() + "' asked past its end at byte " + offset);
            }
            holdsHanded = true; // a's permit now belongs to the chunk handed out
            try {
                return Wire.chunk(a.reply().get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransferBroken("interrupted while fetching '" + entry.path() + "'");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw new IOException("fetching '" + entry.path() + "' failed: " + cause, cause);
            }
        }

        private void topUp() throws TransferBroken {
            // the writer only asks below the expected size, so an empty window always gets a request here
            while (ahead.size() < WINDOW && nextOffset < entry.size()) {
                if (ahead.isEmpty()) {
                    try {
                        permits.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new TransferBroken("interrupted while fetching '" + entry.path() + "'");
                    }
                } else if (!permits.tryAcquire()) {
                    break;
                }
                int length = (int) Math.min(VfsFiles.CHUNK_BYTES, entry.size() - nextOffset);
                ahead.addLast(new Ahead(nextOffset, remote.askAsync(EventIds.MIRROR_CHUNK, Wire.chunkRequest(
                        new Wire.ChunkRequest(root.path(), entry.path(), nextOffset, length)))));
                nextOffset += length;
            }
        }

        private void releaseHanded() {
            if (holdsHanded) {
                holdsHanded = false;
                permits.release();
            }
        }

        private void cancelAhead() {
            for (Ahead a : ahead) {
                a.reply().cancel(false);
                permits.release();
            }
            ahead.clear();
        }

        @Override
        public void close() {
            releaseHanded();
            cancelAhead();
        }
    }

    /** Stops the fetch threads (component deactivation). */
    void close() {
        fetchPool.shutdownNow();
    }

    private void done(MirrorRoot root, String path, String what) {
        pending.decrementAndGet();
        lastApplied = root.path() + "/" + path + " (" + what + ")";
        lastAppliedMillis = clock.millis();
        LOG.debug("Mirror: {}", lastApplied);
    }
}
