package org.switchover.dssync.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.switchover.api.log.Journal;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * Synchronous replication of DS changes on the primary ({@code switchover.replication.mode=sync}), modelled on
 * PostgreSQL's {@code synchronous_commit} with Patroni's (non-strict) synchronous mode. The primary's store listener
 * asks {@link #confirm} after each write call and the host's write returns only when the answer completes:
 * <ul>
 * <li><b>async</b> (mode {@code async}): at once.</li>
 * <li><b>synchronous</b>: when the backup has acknowledged the write's stream message (it acknowledges only what it
 * has committed to its own durable store), or when the bound {@code switchover.replication.sync.timeout.ms} passes
 * first. Then the pair <b>degrades</b>: every write still waiting is released, a switch warning shows the reason and
 * an audit line records it.</li>
 * <li><b>degraded</b>: writes are confirmed at once (asynchronous), while a probe waits for the backup to
 * acknowledge a recent message. It goes back to synchronous (audit line, warning cleared) when the backup
 * acknowledged the probe's message within the bound of its start, or acknowledged everything published so far.</li>
 * </ul>
 * A primary part starts synchronous: with no backup connected the first write waits for the bound and then the pair
 * runs degraded (non-strict: the host keeps working without its backup; a strict variant that refuses to confirm is
 * not offered). A write whose publisher closes meanwhile (this node stops being primary, or its epoch moves) is
 * released without a degrade.
 *
 * <p>All state lives on the scheduler's thread (an actor); {@link #confirm} and {@link #warning} may be called from
 * any thread.
 */
final class SyncReplication {

    /** The replication mode parameter's values. */
    enum Mode {
        ASYNC, SYNC;

        /** @throws IllegalArgumentException naming the value when it is neither {@code async} nor {@code sync} */
        static Mode parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            switch (t) {
                case "async":
                    return ASYNC;
                case "sync":
                    return SYNC;
                default:
                    throw new IllegalArgumentException("switchover.replication.mode '" + text
                            + "' is neither 'async' nor 'sync'");
            }
        }
    }

    /** How one write was confirmed. */
    enum Outcome {
        /** The backup acknowledged it before it was confirmed. */
        REPLICATED,
        /** Confirmed without waiting: mode async. */
        ASYNC,
        /** Confirmed without the backup: the pair is degraded (or degraded while it waited). */
        DEGRADED,
        /** Its publisher closed first: this node no longer publishes (not primary, or a new epoch). */
        CLOSED
    }

    private enum State { ASYNC, SYNCHRONOUS, DEGRADED }

    private final class Waiter {
        final long seq;
        final CompletableFuture<Outcome> done;
        Cancellable timer;

        Waiter(long seq, CompletableFuture<Outcome> done) {
            this.seq = seq;
            this.done = done;
        }
    }

    private record Probe(StreamPublisher publisher, long seq, long startedAt) {
    }

    private final Scheduler scheduler;
    private final Journal journal;
    private final Supplier<Mode> mode;
    private final LongSupplier timeoutMillis;
    // scheduler thread only
    private State state;
    private final Set<Waiter> waiting = new LinkedHashSet<>();
    private Probe probe;
    private long degradedWrites;
    private long replicatedWrites;
    // read from any thread
    private volatile String warning;
    private volatile String summary;

    /**
     * @param mode the current replication mode (read on every write: a change takes effect at once)
     * @param timeoutMillis the current bound on one write's wait for the backup
     */
    SyncReplication(Scheduler scheduler, Journal journal, Supplier<Mode> mode, LongSupplier timeoutMillis) {
        this.scheduler = scheduler;
        this.journal = journal;
        this.mode = mode;
        this.timeoutMillis = timeoutMillis;
        this.state = mode.get() == Mode.SYNC ? State.SYNCHRONOUS : State.ASYNC;
        this.summary = describeState();
    }

    /**
     * The host's write whose last stream message is {@code seq} of {@code publisher} was committed locally.
     *
     * @return completes when the write may be confirmed to the host, telling how
     */
    CompletableFuture<Outcome> confirm(StreamPublisher publisher, long seq) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        scheduler.execute(() -> written(publisher, seq, done));
        return done;
    }

    /** @return the warning while degraded in sync mode (one sentence, no trailing period) */
    Optional<String> warning() {
        return mode.get() == Mode.SYNC ? Optional.ofNullable(warning) : Optional.empty();
    }

    /** @return one line for {@code switchover:ds-status} */
    String describe() {
        return mode.get() == Mode.SYNC ? summary : "replication mode async";
    }

    private void written(StreamPublisher publisher, long seq, CompletableFuture<Outcome> done) {
        Mode m = mode.get();
        if (m == Mode.ASYNC) {
            if (state != State.ASYNC) {
                journal.audit("DS sync: replication mode is now async: changes are confirmed without waiting for"
                        + " the backup (parameter switchover.replication.mode)");
                enter(State.ASYNC, null);
            }
            done.complete(Outcome.ASYNC);
            return;
        }
        if (state == State.ASYNC) {
            journal.audit("DS sync: replication mode is now sync: a change is confirmed once the backup has made it"
                    + " durable (parameter switchover.replication.mode)");
            enter(State.SYNCHRONOUS, null);
        }
        if (state == State.DEGRADED) {
            degradedWrites++;
            done.complete(Outcome.DEGRADED);
            if (probe == null || probe.publisher() != publisher) {
                startProbe(publisher, seq);
            }
            summary = describeState();
            return;
        }
        Waiter w = new Waiter(seq, done);
        waiting.add(w);
        w.timer = scheduler.schedule(() -> timedOut(w, publisher), timeoutMillis.getAsLong());
        publisher.whenAcknowledged(seq).whenComplete((v, e) -> scheduler.execute(() -> acknowledged(w, e)));
    }

    private void acknowledged(Waiter w, Throwable failure) {
        if (!waiting.remove(w)) {
            return;
        }
        w.timer.cancel();
        if (failure == null) {
            replicatedWrites++;
            w.done.complete(Outcome.REPLICATED);
        } else {
            w.done.complete(Outcome.CLOSED);
        }
        summary = describeState();
    }

    private void timedOut(Waiter w, StreamPublisher publisher) {
        if (!waiting.contains(w) || state != State.SYNCHRONOUS) {
            return;
        }
        String reason = "the backup did not acknowledge DS change message " + w.seq + " within "
                + timeoutMillis.getAsLong() + " ms";
        journal.audit("DS sync: synchronous replication degraded to asynchronous: {}; changes are confirmed without"
                + " the backup until it has caught up", reason);
        enter(State.DEGRADED, "Synchronous DS replication degraded to asynchronous: " + reason
                + "; changes since are confirmed without the backup");
        startProbe(publisher, publisher.headSequence());
    }

    private void startProbe(StreamPublisher publisher, long seq) {
        Probe p = new Probe(publisher, seq, scheduler.nowMillis());
        probe = p;
        publisher.whenAcknowledged(seq).whenComplete((v, e) -> scheduler.execute(() -> probed(p, e)));
    }

    private void probed(Probe p, Throwable failure) {
        if (probe != p || state != State.DEGRADED) {
            return;
        }
        probe = null;
        if (failure != null) {
            // the publisher closed: the next write on the new one starts a probe
            return;
        }
        long took = scheduler.nowMillis() - p.startedAt();
        long head = p.publisher().headSequence();
        if (took <= timeoutMillis.getAsLong() || p.publisher().acknowledgedSequence() >= head) {
            journal.audit("DS sync: synchronous replication resumed: the backup acknowledged DS change message {}"
                    + " {} ms after it was asked for and has caught up", p.seq(), took);
            enter(State.SYNCHRONOUS, null);
        } else {
            // still behind: ask again for everything published so far
            startProbe(p.publisher(), head);
        }
    }

    private void enter(State s, String warn) {
        state = s;
        warning = warn;
        if (s != State.SYNCHRONOUS) {
            List<Waiter> released = List.copyOf(waiting);
            waiting.clear();
            for (Waiter w : released) {
                w.timer.cancel();
                w.done.complete(s == State.ASYNC ? Outcome.ASYNC : Outcome.DEGRADED);
            }
        }
        if (s != State.DEGRADED) {
            probe = null;
        }
        summary = describeState();
    }

    private String describeState() {
        switch (state) {
            case ASYNC:
                return "replication mode async";
            case SYNCHRONOUS:
                return "replication mode sync: synchronous (" + replicatedWrites + " writes confirmed by the backup, "
                        + waiting.size() + " waiting, bound " + timeoutMillis.getAsLong() + " ms)";
            default:
                return "replication mode sync: DEGRADED to asynchronous (" + degradedWrites
                        + " writes confirmed without the backup; " + warning + ")";
        }
    }

    /** Releases every waiting write (the primary part stops). */
    void close() {
        scheduler.execute(() -> {
            List<Waiter> released = List.copyOf(waiting);
            waiting.clear();
            for (Waiter w : released) {
                w.timer.cancel();
                w.done.complete(Outcome.CLOSED);
            }
        });
    }
}
