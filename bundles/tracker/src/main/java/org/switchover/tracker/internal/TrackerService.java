package org.switchover.tracker.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.support.RoleBinding.Role;

/**
 * The tracker without OSGi. The model and the journal belong to one scheduler (the tracker's actor thread): every
 * observed event, role change and interval boundary runs there, and the rows an event finished are appended to the
 * journal (forced to disk) before the next event is taken. The drainer runs on its own executor so that a slow or
 * absent database never holds up the observation.
 *
 * <p>By role (spec section 11): on the primary every row goes to the journal and from there to the database. On the
 * backup rows go to the journal only (no database), and not at all when {@code StatServer_DisableQPSLoggingOnBackup}
 * is Yes, except the flush at a switch, which happens regardless. On becoming primary the backup's journal is
 * drained into the database; the interactions whose shadows the recovery service promotes carry seqno 1. On
 * leaving the primary role, what it holds of its live interactions is flushed and drained; in a controlled
 * hand-over the core waits for that (bounded) before it acknowledges ({@link #handOver}).
 */
final class TrackerService {

    private static final Logger LOG = LoggerFactory.getLogger(TrackerService.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("org.switchover.audit");
    /** Retry delays of the drainer while the database refuses (ms): doubled from the first to the last. */
    static final long FIRST_RETRY_MILLIS = 500;
    static final long LAST_RETRY_MILLIS = 10_000;
    /** Batches per drain task: the drainer yields its thread between runs. */
    private static final int BATCHES_PER_RUN = 20;
    /** After leaving the primary role, the rows of its time are still drained this long (ms). */
    static final long LEAVING_WAIT_MILLIS = 10_000;
    /** At a hand-over, host events that raced the role change are taken before the last flush (ms). */
    static final long SETTLE_MILLIS = 200;
    /** Observed events that may wait for the tracker's thread (about 100 bytes each plus the interaction). */
    static final int QUEUE_CAPACITY = 50_000;
    /** How long a producer waits for room in a full queue (ms). */
    static final long QUEUE_WAIT_MILLIS = 2_000;

    private final Scheduler actor;
    private final LongSupplier wallClock;
    private final CsvJournal journal;
    private final TrackerModel model;
    private final Drainer drainer;
    private final Scheduler db;
    private final List<Row> pending = new ArrayList<>();
    private volatile Role role = Role.NONE;
    /** The last role other than NONE (actor thread): the core drops one condition before it raises the other. */
    private Role lastActive = Role.NONE;
    private volatile boolean disableOnBackup;
    private boolean forceJournal;
    private boolean flushQueued;
    private Cancellable boundary;
    private long boundaryAt = -1;
    private long retryMillis = FIRST_RETRY_MILLIS;
    private boolean drainQueued;
    private Cancellable retry;
    private volatile long journalled;
    /** Rows in the journal after the drained position, counted after each append and drain run; -1 when unreadable. */
    private volatile long journalRows = -1;
    /** Rows finished but not yet in the journal (actor thread writes). */
    private volatile int memoryRows;
    private volatile String journalError = "";
    /** Set when this node left the primary role: its rows still drain for {@link #LEAVING_WAIT_MILLIS}. */
    private volatile boolean leaving;
    /** The bound of the queue of observed events and how long a producer waits for room (ms). */
    private final int queueCapacity;
    private final long queueWaitMillis;
    private final java.util.concurrent.Semaphore room;
    private final java.util.concurrent.atomic.AtomicLong backpressureWaits = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong queueOverflows = new java.util.concurrent.atomic.AtomicLong();
    private final org.switchover.support.log.RateLimitedLog overflowLog =
            org.switchover.support.log.RateLimitedLog.perPeriod(LOG::error, 60_000L);
    private Cancellable leavingTimer;

    /**
     * @param actor the tracker's thread (model, journal); its clock times the interval boundaries
     * @param db the drainer's thread
     * @param wallClock ms since the epoch (row times)
     */
    TrackerService(Scheduler actor, Scheduler db, LongSupplier wallClock, CsvJournal journal, Drainer drainer,
            long intervalMillis) {
        this(actor, db, wallClock, journal, drainer, intervalMillis, QUEUE_CAPACITY, QUEUE_WAIT_MILLIS);
    }

    /**
     * @param queueCapacity how many observed events may wait for the actor
     * @param queueWaitMillis how long a producer waits for room when that many wait (ms)
     */
    TrackerService(Scheduler actor, Scheduler db, LongSupplier wallClock, CsvJournal journal, Drainer drainer,
            long intervalMillis, int queueCapacity, long queueWaitMillis) {
        this.queueCapacity = queueCapacity;
        this.queueWaitMillis = queueWaitMillis;
        this.room = new java.util.concurrent.Semaphore(queueCapacity);
        this.actor = actor;
        this.db = db;
        this.wallClock = wallClock;
        this.journal = journal;
        this.drainer = drainer;
        this.model = new TrackerModel(intervalMillis, this::finished);
        countBacklog();
    }

    /** Sets the live parameters (any thread). */
    void configure(long intervalMillis, boolean disableQpsLoggingOnBackup) {
        disableOnBackup = disableQpsLoggingOnBackup;
        actor.execute(() -> model.intervalMillis(intervalMillis));
    }

    Executor actor() {
        return actor;
    }

    // ---- events (any thread; posted to the actor) ----

    /** A change of a recovery shadow (or of unknown origin): such an interaction may span a promotion. */
    void changed(Interaction i) {
        changed(i, true);
    }

    /** A change reported by the host's own change feed (this node is primary). */
    void hostChanged(Interaction i) {
        changed(i, false);
    }

    private void changed(Interaction i, boolean shadow) {
        enqueue(() -> {
            long now = wallClock.getAsLong();
            model.changed(i, now, shadow);
            if (!shadow && role != Role.PRIMARY) {
                // the host reported a change after its primary role ended (a creation that raced the role change,
                // the host's thread held up past the hand-over's last flush): no later flush of that role comes, and
                // the recovery stream may have stopped before it, so its rows are journalled now, as this node's own
                forceJournal = true;
                model.flushOne(i.id(), now);
                flush();
                forceJournal = false;
            }
            armBoundary();
        });
    }

    /**
     * The recovery service promoted the shadows of {@code c} (its observers' thread; before it restores them into
     * the host): the interactions of {@code c} live here as shadows spanned the switch, seqno 1. May come just
     * before or after the role change; the rows go to the journal either way and drain once primary.
     */
    void promoted(Channel c) {
        enqueue(() -> {
            long now = wallClock.getAsLong();
            forceJournal = true;
            int n = model.spanned(c, now);
            flush();
            forceJournal = false;
            AUDIT.info("Tracker: {} {} interactions spanned the switch (seqno 1): the recovery service promoted"
                    + " their shadows", n, c.key());
            if (role == Role.PRIMARY) {
                requestDrain();
            }
        });
    }

    void removed(String id, long version) {
        enqueue(() -> {
            model.removed(id, version, wallClock.getAsLong());
            armBoundary();
        });
    }

    void syncStarted(Channel c) {
        enqueue(() -> model.syncStarted(c));
    }

    void syncCompleted(Channel c) {
        enqueue(() -> {
            int n = model.syncCompleted(c);
            if (n > 0) {
                LOG.info("Tracker: {} {} interactions ended while this backup did not follow (the primary logged"
                        + " them)", n, c.key());
            }
        });
    }

    /**
     * Queues an observed event for the actor, within the queue's bound. Policy: backpressure. When
     * {@link #queueCapacity} events wait, the producer (the host's or the recovery stream's thread) waits for room up
     * to {@link #queueWaitMillis}; each such wait is counted. If there is still no room then (the tracker's thread is
     * stuck, a disk that does not answer), the event is queued over the bound rather than lost or left to hold the
     * host up without end: counted as an overflow and logged. Both counters are in the status.
     */
    private void enqueue(Runnable event) {
        boolean admitted = room.tryAcquire();
        if (!admitted) {
            backpressureWaits.incrementAndGet();
            try {
                admitted = room.tryAcquire(queueWaitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!admitted) {
                long n = queueOverflows.incrementAndGet();
                overflowLog.log("overflow", "Tracker: {} events wait for the tracker's thread, more than the bound of"
                        + " {}; the producer waited {} ms and the event is queued over the bound ({} so far)",
                        queueCapacity - room.availablePermits(), queueCapacity, queueWaitMillis, n);
            }
        }
        boolean release = admitted;
        actor.execute(() -> {
            if (release) {
                room.release();
            }
            event.run();
        });
    }

    /** The role changed (actor thread). */
    void role(Role r) {
        Role before = role;
        role = r;
        long now = wallClock.getAsLong();
        boolean fromBackup = lastActive == Role.BACKUP;
        if (r != Role.NONE) {
            lastActive = r;
        }
        model.primary(r == Role.PRIMARY);
        if (r == Role.PRIMARY) {
            leaving = false;
            own(null);
        }
        if (r == Role.PRIMARY && fromBackup) {
            forceJournal = true;
            model.promoted(now);
            flush();
            forceJournal = false;
            AUDIT.info("Tracker: primary after backup: the interval is cut at the switch, the CSV journal is"
                    + " written to the database; {} interactions live as shadows (those the recovery service"
                    + " promotes carry seqno 1)", model.live());
        } else if (before == Role.PRIMARY) {
            // the rows of the primary's time still go to the database for a while: a controlled hand-over waits
            // for them (handOver), and after a split brain or a demotion without one they drain all the same
            leaving = true;
            forceJournal = true;
            model.demoted(now);
            flush();
            forceJournal = false;
            LOG.info("Tracker: no longer primary: the rows of {} live interactions flushed to the journal and"
                    + " drained to the database for up to {} ms", model.live(), LEAVING_WAIT_MILLIS);
            Cancellable t = leavingTimer;
            if (t != null) {
                t.cancel();
            }
            leavingTimer = actor.schedule(this::left, LEAVING_WAIT_MILLIS);
        }
        if (r == Role.PRIMARY || before == Role.PRIMARY) {
            requestDrain();
        }
    }

    /**
     * The time after the primary role ended is over (actor thread): the rows journalled up to now remain this node's
     * own, to be drained whatever its role (also after a kill -9 and a restart as backup); what it journals from now
     * on as backup waits until it is primary.
     */
    private void left() {
        if (role == Role.PRIMARY) {
            return;
        }
        flush();
        try {
            own(journal.end());
        } catch (IOException e) {
            LOG.error("Tracker: cannot read the end of the journal in {} ({}); its rows are drained as this node's own"
                    + " until it can", journal.dir(), e.getMessage());
            return;
        }
        leaving = false;
        requestDrain();
    }

    /** Records the end of this node's own rows in the journal, null: open (primary; actor thread). */
    private void own(CsvJournal.Position upTo) {
        try {
            if (upTo == null) {
                journal.ownOpen();
            } else {
                journal.ownUpTo(upTo);
            }
        } catch (IOException e) {
            journalError = "journal: " + e.getMessage();
            LOG.error("Tracker: cannot record which rows of the journal in {} are this node's own ({})",
                    journal.dir(), e.getMessage());
        }
    }

    /**
     * A controlled hand-over, before it is acknowledged (any thread): after {@link #SETTLE_MILLIS} (host events that
     * raced the role change are taken first) the rows of every live interaction are journalled once more and the
     * journal is drained into the database. The returned stage completes with a line for the core's log when the
     * backlog is empty or the database refused; when the budget runs out first, the rows wait in the journal (the
     * new primary's own capture covers the same interactions) and the log says so.
     */
    CompletableFuture<String> handOver(long budgetMillis) {
        CompletableFuture<String> done = new CompletableFuture<>();
        long settle = Math.min(SETTLE_MILLIS, budgetMillis / 4);
        actor.schedule(() -> {
            forceJournal = true;
            model.flushLive(wallClock.getAsLong());
            flush();
            forceJournal = false;
            db.execute(() -> {
                try {
                    long before = drainer.written();
                    boolean empty = drainer.drain(Integer.MAX_VALUE);
                    done.complete("tracker: " + (drainer.written() - before) + " rows written to the database, "
                            + (empty ? "backlog empty" : "backlog left"));
                } catch (SQLException | IOException | RuntimeException e) {
                    done.complete("tracker: the database did not take the last rows (" + e.getMessage() + "); they"
                            + " wait in the journal");
                }
            });
        }, settle);
        actor.schedule(() -> {
            if (!done.isDone()) {
                LOG.warn("Tracker: the database did not take the last rows within the hand-over's {} ms; they wait"
                        + " in the journal {} and the new primary's capture covers the same interactions",
                        budgetMillis, journal.dir());
            }
        }, budgetMillis);
        done.whenComplete((line, e) -> LOG.info("Tracker: hand-over: {}", line));
        return done;
    }

    Role role() {
        return role;
    }

    private void finished(List<Row> rows) {
        if (rows.isEmpty() || !(role == Role.PRIMARY || leaving || forceJournal || !disableOnBackup)) {
            return;
        }
        pending.addAll(rows);
        memoryRows = pending.size();
        if (!flushQueued) {
            flushQueued = true;
            actor.execute(this::flush); // after the events already queued: one fsync for a burst
        }
    }

    /** Appends the pending rows to the journal (actor thread). */
    private void flush() {
        flushQueued = false;
        if (pending.isEmpty()) {
            return;
        }
        try {
            long now = wallClock.getAsLong();
            journal.append(pending, now);
            journalled += pending.size();
            pending.clear();
            memoryRows = 0;
            countBacklog();
            journalError = "";
            journal.rotate(now, role != Role.PRIMARY).forEach(f -> LOG.info("Tracker: journal file {} rotated out",
                    f));
        } catch (IOException e) {
            // the rows stay pending (in memory) and are appended with the next flush
            journalError = "journal: " + e.getMessage();
            LOG.error("Tracker: cannot write the journal in {} ({}); {} rows wait in memory", journal.dir(),
                    e.getMessage(), pending.size());
            retryFlushLater();
            return;
        }
        if (role == Role.PRIMARY || leaving) {
            requestDrain();
        }
    }

    private void retryFlushLater() {
        if (!flushQueued) {
            flushQueued = true;
            actor.schedule(this::flush, LAST_RETRY_MILLIS);
        }
    }

    private void armBoundary() {
        long next = model.nextBoundary();
        if (next < 0 || next == boundaryAt) {
            return;
        }
        if (boundary != null) {
            boundary.cancel();
        }
        boundaryAt = next;
        boundary = actor.schedule(() -> {
            boundaryAt = -1;
            boundary = null;
            model.tick(wallClock.getAsLong());
            armBoundary();
        }, next - wallClock.getAsLong());
    }

    // ---- draining (the db scheduler) ----

    /**
     * Asks for a drain run (any thread). The whole journal drains while this node is primary or leaving that role;
     * in any other role only its own rows (those it journalled as primary, see {@link CsvJournal#own()}), which a
     * node killed as primary and restarted as backup may still hold.
     */
    void requestDrain() {
        db.execute(this::drainRun);
    }

    private void drainRun() {
        CsvJournal.Position limit = null;
        if (role != Role.PRIMARY && !leaving) {
            limit = journal.own();
            if (limit != null && journal.drained().compareTo(limit) >= 0) {
                return;
            }
        }
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        boolean empty;
        try {
            empty = drainer.drain(BATCHES_PER_RUN, limit);
            retryMillis = FIRST_RETRY_MILLIS;
            countBacklog();
        } catch (SQLException | IOException e) {
            retry = db.schedule(this::drainRun, retryMillis);
            retryMillis = Math.min(LAST_RETRY_MILLIS, retryMillis * 2);
            return;
        }
        if (!empty) {
            db.execute(this::drainRun);
        }
    }

    // ---- status (any thread) ----

    /** Counts the journal's rows after the drained position (the actor or the db thread, after a change of either). */
    private void countBacklog() {
        try {
            journalRows = journal.rowsAfter(journal.drained());
        } catch (IOException e) {
            journalRows = -1;
        }
    }

    /**
     * @return the rows not yet in the database: in the journal after the drained position plus those waiting in
     *     memory for the journal; -1 when the journal cannot be read. On a backup the journal is the rows' store
     *     until the node becomes primary and drains it. Any thread, never blocks.
     */
    long backlogRows() {
        long j = journalRows;
        return j < 0 ? -1 : j + memoryRows;
    }

    /** @return the figures of {@code switchover:tracker-status} and the status JSON's {@code tracker} object */
    TrackerStatus status() {
        Role r = role;
        long backlogBytes;
        String error = drainer.lastError().isEmpty() ? journalError : drainer.lastError();
        try {
            backlogBytes = journal.bytesAfter(journal.drained());
        } catch (IOException e) {
            backlogBytes = -1;
            error = "journal: " + e.getMessage();
        }
        String destination = switch (r) {
            case PRIMARY -> "database" + (drainer.destination().isEmpty() ? "" : " (" + drainer.destination() + ")");
            case BACKUP -> disableOnBackup ? "none (StatServer_DisableQPSLoggingOnBackup = Yes)" : "csv journal";
            default -> "none (neither primary nor backup)";
        };
        return new TrackerStatus(r.name().toLowerCase(java.util.Locale.ROOT), destination, drainer.written(),
                journalled, backlogBytes, drainer.malformed(), error, journal.dir().toString(),
                queueCapacity - room.availablePermits(), queueCapacity, backpressureWaits.get(), queueOverflows.get());
    }

    /** Stops the drainer's connection (the schedulers are the caller's). */
    void close() {
        drainer.close();
    }
}
