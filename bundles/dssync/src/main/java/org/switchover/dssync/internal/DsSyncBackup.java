package org.switchover.dssync.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.ds.DirectoryWrite;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * The backup's side of DS sync, started by {@link DsSyncRolesComponent} while the backup role condition is registered. Follows stream
 * {@value EventIds#DSSYNC_STREAM} from the position persisted in {@code ${data.dir}/dssync/position}. Messages are kept as they
 * arrive and written when the subscription flushes (its queue ran empty, or every
 * {@value StreamListener#FLUSH_EVERY_MESSAGES} messages) with one batch write, one durable commit; only then are they
 * acknowledged and may the position file move past them, so the position is never ahead of the store. When the primary cannot resume it (new replication id, or the position
 * left its backlog: always so at the first start), runs the full compare-and-update ({@link TreeSync}) with each
 * request bounded by {@code Switchover DS Request Timeout}, then continues with the stream.
 *
 * <p>A resumed stream brings only what was published after the position: a store that holds changes the stream does
 * not carry (written while this node was not following, e.g. as a primary of its own) stays different for good, which
 * the fault harness saw (seed 9027901537165040513: trees still different 60 s after a backup resumed). So the backup
 * {@linkplain #check checks} its tree: {@value #CHECK_AFTER_RESUME_MILLIS} ms after it started from a position, then
 * every {@value #CHECK_EVERY_MILLIS} ms. It asks the primary for its root hash at its stream head and compares when
 * it has applied exactly that head; a difference there is a real gap, logged as a WARN, and closed at once with a full
 * compare.
 */
public final class DsSyncBackup implements StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(DsSyncBackup.class);
    /**
     * Position writes are throttled (the position may lag behind the store, never run ahead of it): re-applying a
     * message is harmless, because every message is a put or delete of a whole entry.
     */
    private static final long SAVE_EVERY_MILLIS = 200;
    private static final long LOG_EVERY_MILLIS = 2000;
    /** The first check of the tree after the backup started from a persisted position (ms). */
    static final long CHECK_AFTER_RESUME_MILLIS = 3000;
    /** The checks after that (ms). */
    static final long CHECK_EVERY_MILLIS = 300_000;
    /** The bound of a check's request: short, so that a check never holds the backup part's stop long (ms). */
    static final long CHECK_TIMEOUT_MILLIS = 5000;
    /** A check that could not compare (the stream moving, messages kept) is tried again after this (ms). */
    static final long CHECK_RETRY_MILLIS = 1000;
    /** Retries of one check before it waits for the next period. */
    static final int CHECK_RETRIES = 120;

    /** What one {@link #check} did. */
    enum Checked {
        /** The trees are equal at the same stream position. */
        EQUAL,
        /** They differed at the same position; a full compare closed the gap. */
        REPAIRED,
        /** Nothing comparable now (the primary changing, messages not yet durable, a full compare running). */
        NOT_NOW,
        /** No check in this state (an upgrade filter, or a primary that does not answer checks). */
        SKIPPED
    }

    /** A received message waiting for the next flush. */
    private record Received(long sequence, Wire.Change change) {
    }

    private final DirectoryStore store;
    private final Notifier notifier;
    private final DsSyncComponent settings;
    private final Clock clock;
    private final PositionFile positionFile;
    private final StreamSubscription subscription;
    private final Supplier<String> describer = this::describe;
    private final Supplier<ReplicationFilter> filter;
    private final LagStats lag = new LagStats();
    // guarded by this: messages received since the last flush, and the replication id they belong to
    private final List<Received> pending = new ArrayList<>();
    private String pendingReplicationId;
    private volatile boolean closed;
    private volatile SyncProgress lastResync;
    /** The last message durable in the store (what the position file may say, never more). */
    private volatile StreamPosition applied;
    private volatile long messages;
    /** Messages received and not yet durable: the kept ones plus the batch being written (for the figures). */
    private volatile int backlog;
    private long savedAtMillis;
    private long loggedAtMillis;
    /** The scheduled checks of the tree ({@code null}: none); their timer, and the retries of the current one. */
    private final Scheduler checks;
    private Cancellable nextCheck;
    private int checkRetries;
    /** Set while a full compare of a resynchronisation runs (the check then waits). */
    private volatile boolean resyncing;
    /** Whether a primary refused a check already (said once). */
    private boolean checkRefusedSaid;

    /**
     * @param filter what this backup takes in its current state
     * @param clock the time a batch is durable (the lag against the primary's commit time), and the throttles of the
     *     position file and the progress log
     */
    DsSyncBackup(DirectoryStore store, Notifier notifier, DsSyncComponent settings,
            Supplier<ReplicationFilter> filter, Clock clock) {
        this(store, notifier, settings, filter, clock, null);
    }

    /** As above, with the checks of the tree scheduled on {@code checks} (a thread they may block). */
    DsSyncBackup(DirectoryStore store, Notifier notifier, DsSyncComponent settings,
            Supplier<ReplicationFilter> filter, Clock clock, Scheduler checks) {
        this.checks = checks;
        this.filter = filter;
        this.clock = clock;
        this.store = store;
        this.notifier = notifier;
        this.settings = settings;
        this.positionFile = new PositionFile(settings.stateDir());
        this.applied = positionFile.load();
        settings.activity(describer);
        LOG.info("DS sync backup: following stream '{}' after {} (position file {})", EventIds.DSSYNC_STREAM, applied,
                positionFile.path());
        this.subscription = notifier.follow(EventIds.DSSYNC_STREAM, applied, this);
        // a position means a resume: check soon; a first start compares the whole tree anyway
        scheduleCheck(applied.sequence() > 0 || !applied.replicationId().isEmpty() ? CHECK_AFTER_RESUME_MILLIS
                : CHECK_EVERY_MILLIS);
    }

    private synchronized void scheduleCheck(long delayMillis) {
        if (checks != null && !closed) {
            nextCheck = checks.schedule(this::scheduledCheck, delayMillis);
        }
    }

    private void scheduledCheck() {
        Checked c;
        try {
            c = check();
        } catch (CancellationException e) {
            return;
        } catch (Exception e) {
            LOG.warn("DS sync backup: the check of the tree against the primary's failed: {}; trying again in {} s",
                    e.toString(), CHECK_EVERY_MILLIS / 1000);
            c = Checked.SKIPPED;
        }
        if (c == Checked.NOT_NOW && ++checkRetries <= CHECK_RETRIES) {
            scheduleCheck(CHECK_RETRY_MILLIS);
            return;
        }
        if (c == Checked.NOT_NOW) {
            LOG.info("DS sync backup: could not check the tree against the primary's in {} tries (the primary kept"
                    + " changing it); next check in {} s", CHECK_RETRIES, CHECK_EVERY_MILLIS / 1000);
        }
        checkRetries = 0;
        scheduleCheck(CHECK_EVERY_MILLIS);
    }

    /**
     * Compares this tree with the primary's at the same stream position: asks the primary for its head and root hash,
     * and compares only when the answer is the tree exactly at its head and this backup has applied exactly that head
     * with nothing kept unwritten (the stream does not move meanwhile: this holds the lock the messages are kept and
     * written under). Equal: logged. Different: a gap no message will close; logged as a WARN and closed at once with
     * a full compare (the stream applies the messages after it as usual, each a whole-entry write).
     *
     * @return what was done
     * @throws Exception a failed request of the check or of its full compare
     */
    synchronized Checked check() throws Exception {
        if (closed || resyncing || !pending.isEmpty()) {
            return Checked.NOT_NOW;
        }
        if (!filter.get().isFull()) {
            return Checked.SKIPPED;
        }
        StreamPosition at = applied;
        Wire.Check primary;
        try {
            primary = askCheck();
        } catch (TimeoutException e) {
            // a busy primary or a lost link: like a moving stream, tried again shortly (bounded by the retries)
            LOG.debug("DS sync backup: no answer to the check ({})", e.getMessage());
            return Checked.NOT_NOW;
        }
        if (primary == null) {
            return Checked.SKIPPED;
        }
        if (!primary.atHead() || !primary.replicationId().equals(at.replicationId())
                || primary.head() != at.sequence()) {
            return Checked.NOT_NOW;
        }
        byte[] mine = store.subtreeHash("");
        if (Arrays.equals(mine, primary.rootHash())) {
            LOG.info("DS sync backup: the tree is the primary's at message {}/{} (checked)", at.replicationId(),
                    at.sequence());
            return Checked.EQUAL;
        }
        LOG.warn("DS sync backup: the tree differs from the primary's at the same stream message {}/{}: this store"
                + " holds changes the stream did not bring (or lacks some it did); running a full compare to close the"
                + " gap", at.replicationId(), at.sequence());
        SyncProgress progress = new SyncProgress(clock::millis);
        lastResync = progress;
        try {
            new TreeSync(remote(progress), store, progress, () -> step(progress), filter.get()).run();
        } finally {
            progress.finish();
        }
        LOG.warn("DS sync backup: the full compare after the failed check made {} entries the primary's: {}",
                progress.transferred.get(), progress.line());
        return Checked.REPAIRED;
    }

    /** Decodes and keeps the message; {@link #flush()} writes the kept messages in one batch. */
    @Override
    public synchronized void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
        Wire.Change c;
        try {
            c = Wire.change(payload);
        } catch (IOException e) {
            LOG.error("DS sync backup: message {} of replication {} is malformed ({}); nothing applied", sequence,
                    replicationId, e.getMessage());
            throw e;
        }
        pendingReplicationId = replicationId;
        pending.add(new Received(sequence, c));
        backlog = pending.size();
    }

    /**
     * Writes the kept messages with one batch write (one durable commit), then records their lag and moves the
     * position (saved to the position file at most every {@value #SAVE_EVERY_MILLIS} ms). On failure the kept
     * messages are dropped: the subscription asks for them again.
     */
    @Override
    public synchronized void flush() throws Exception {
        if (pending.isEmpty()) {
            return;
        }
        List<Received> batch = new ArrayList<>(pending);
        pending.clear();
        try {
            writeBatch(batch);
        } finally {
            // written, or dropped to be asked for again: either way no longer kept here
            backlog = 0;
        }
    }

    /** @return the last applied message's lag (ms); -1 before the first timed message. Any thread, never blocks long. */
    long lagMillis() {
        return lag.lastMillis();
    }

    /** @return messages received and not yet durable in the store. Any thread. */
    int backlog() {
        return backlog;
    }

    private void writeBatch(List<Received> batch) throws Exception {
        if (closed) {
            throw new CancellationException("DS sync backup stopped; " + batch.size() + " messages left unapplied");
        }
        ReplicationFilter f = filter.get();
        List<DirectoryWrite> writes = new ArrayList<>(batch.size());
        // what each path holds after the earlier messages of this batch: the filter adapts against that
        Map<String, Optional<DirectoryEntry>> overlay = new HashMap<>();
        for (Received r : batch) {
            Wire.Change c = r.change();
            if (c.entry() == null) {
                if (f.replicates(c.path())) {
                    writes.add(DirectoryWrite.delete(c.path()));
                    overlay.put(c.path(), Optional.empty());
                }
            } else if (f.admits(c.entry())) {
                Optional<DirectoryEntry> mine = overlay.containsKey(c.path()) ? overlay.get(c.path())
                        : store.get(c.path());
                DirectoryEntry wanted = f.adapt(c.entry(), mine);
                writes.add(DirectoryWrite.put(wanted));
                overlay.put(c.path(), Optional.of(wanted));
            }
        }
        Received last = batch.get(batch.size() - 1);
        try {
            TakeOverGap.replicaWrite(() -> store.write(writes));
        } catch (RuntimeException e) {
            LOG.error("DS sync backup: could not write messages {}..{} ({} writes): {}; they will be asked for again",
                    batch.get(0).sequence(), last.sequence(), writes.size(), e.getMessage());
            throw e;
        }
        long durable = Wire.micros(clock);
        for (Received r : batch) {
            if (r.change().commitMicros() != Wire.NO_TIME) {
                lag.record(durable - r.change().commitMicros());
            }
        }
        messages += batch.size();
        applied = new StreamPosition(pendingReplicationId, last.sequence());
        if (clock.millis() - savedAtMillis >= SAVE_EVERY_MILLIS) {
            save();
        }
    }

    /**
     * @return the primary's answer to a check, or {@code null} when it refused it (a primary of an earlier version has
     *     no such request: said once, and the next start's full compare still runs)
     * @throws TimeoutException no answer within {@value #CHECK_TIMEOUT_MILLIS} ms (a busy primary) or the link lost
     * @throws IOException any other failure of the request, or a malformed answer
     */
    private Wire.Check askCheck() throws Exception {
        Response r;
        try {
            r = notifier.send(Link.MAIN, "*", Wire.CHECK, new byte[0], java.time.Duration.ofMillis(
                    CHECK_TIMEOUT_MILLIS)).response().toCompletableFuture().get(CHECK_TIMEOUT_MILLIS + 5000,
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("the check request got no answer within " + CHECK_TIMEOUT_MILLIS + " ms");
        }
        if (r.outcome() == org.switchover.api.notifier.ResponseOutcome.TIMEOUT
                || r.outcome() == org.switchover.api.notifier.ResponseOutcome.CONNECTION_LOST) {
            throw new TimeoutException("the check request ended " + r.outcome() + ": " + r.detail());
        }
        if (r.outcome() == org.switchover.api.notifier.ResponseOutcome.REJECTED) {
            if (!checkRefusedSaid) {
                checkRefusedSaid = true;
                LOG.info("DS sync backup: the primary refused the check of the tree ({}); tried again every {} s",
                        r.detail(), CHECK_EVERY_MILLIS / 1000);
            }
            return null;
        }
        if (!r.isReply()) {
            throw new IOException("the check request ended " + r.outcome() + ": " + r.detail());
        }
        return Wire.check(r.payload());
    }

    @Override
    public void onResync(String replicationId, long headSequence) throws Exception {
        synchronized (this) {
            // a check of the tree running now ends first; the next ones wait for this compare
            resyncing = true;
        }
        try {
            resync(replicationId, headSequence);
        } finally {
            resyncing = false;
        }
    }

    private void resync(String replicationId, long headSequence) throws Exception {
        SyncProgress progress = new SyncProgress(clock::millis);
        lastResync = progress;
        LOG.info("DS sync backup: full compare with the primary (replication id {}, head {}; was at {}; taking {})",
                replicationId, headSequence, applied, filter.get());
        try {
            new TreeSync(remote(progress), store, progress, () -> step(progress), filter.get()).run();
        } catch (CancellationException e) {
            progress.finish();
            LOG.info("DS sync backup: full compare stopped with the backup part after {}", progress.line());
            throw e;
        } catch (Exception e) {
            progress.finish();
            LOG.error("DS sync backup: full compare failed after {}: {}", progress.line(), e.toString());
            throw e;
        }
        progress.finish();
        applied = new StreamPosition(replicationId, headSequence);
        save();
        LOG.info("DS sync backup: full compare done in {} ms: {}; {} entries; continuing with the stream after {}",
                progress.elapsedMillis(), progress.line(), store.size(), headSequence);
    }

    private void step(SyncProgress progress) {
        if (closed) {
            throw new CancellationException("DS sync backup stopped");
        }
        long now = clock.millis();
        if (now - loggedAtMillis >= LOG_EVERY_MILLIS) {
            loggedAtMillis = now;
            LOG.info("DS sync backup: full compare in progress: {}", progress.line());
        }
    }

    private synchronized void save() throws IOException {
        positionFile.save(applied);
        savedAtMillis = clock.millis();
    }

    private RemoteTree remote(SyncProgress progress) {
        return new RemoteTree() {
            @Override
            public List<NodeView> nodes(List<NodeRequest> requests) throws Exception {
                return Wire.nodes(call(EventIds.DSSYNC_NODES, Wire.nodeRequests(requests),
                        requests.size() + " nodes from " + requests.get(0).path(), progress));
            }

            @Override
            public List<Optional<DirectoryEntry>> entries(List<String> paths) throws Exception {
                return Wire.entries(call(EventIds.DSSYNC_ENTRIES, Wire.paths(paths), paths.size() + " entries", progress));
            }

            @Override
            public Page scan(String path, String after, int limit) throws Exception {
                return Wire.page(call(EventIds.DSSYNC_SCAN, Wire.scanRequest(path, after, limit),
                        "entries below '" + path + "' after '" + after + "'", progress));
            }
        };
    }

    private byte[] call(String eventId, byte[] payload, String what, SyncProgress progress) throws Exception {
        java.time.Duration timeout = settings.requestTimeout();
        Response r;
        try {
            r = notifier.send(Link.MAIN, "*", eventId, payload, timeout).response().toCompletableFuture()
                    .get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("DS request " + eventId + " (" + what + ") got no answer within "
                    + timeout.toSeconds() + " s");
        }
        if (!r.isReply()) {
            throw new IOException("DS request " + eventId + " (" + what + ") ended " + r.outcome() + ": "
                    + r.detail());
        }
        progress.bytes.addAndGet(payload.length + r.payload().length);
        progress.requests.incrementAndGet();
        return r.payload();
    }

    private String describe() {
        SyncProgress p = lastResync;
        String resync = p == null ? "none" : (p.finished() ? "done" : "running") + " (" + p.line() + ")";
        return "backup (" + filter.get() + "), following stream '" + EventIds.DSSYNC_STREAM + "' at " + applied.replicationId() + "/"
                + applied.sequence() + (subscription != null && subscription.isLive() ? " (live)" : " (not live)")
                + "; " + store.size() + " entries\nmessages applied: " + messages + "\n" + lag.line()
                + "\nlast full compare: " + resync;
    }

    /** Stops following (a running full compare stops at its next node) and saves the position. */
    void close() {
        closed = true;
        synchronized (this) {
            if (nextCheck != null) {
                nextCheck.cancel();
            }
        }
        subscription.close();
        try {
            // messages kept but not flushed are dropped (flush refuses once closed): the position stays at the last
            // durable message and the next backup asks for them again
            synchronized (this) {
                pending.clear();
                save();
            }
        } catch (IOException e) {
            LOG.error("DS sync backup: could not save position {} to {}: {}", applied, positionFile.path(),
                    e.getMessage());
        }
        settings.clearActivity(describer);
        LOG.info("DS sync backup stopped at {}", applied);
    }
}
