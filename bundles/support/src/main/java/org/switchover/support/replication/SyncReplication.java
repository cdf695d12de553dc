package org.switchover.support.replication;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * Synchronous replication of one subsystem's changes on the primary ({@code switchover.replication.mode=sync}),
 * modelled on PostgreSQL's {@code synchronous_commit} with Patroni's (non-strict) synchronous mode. The subsystem asks
 * {@link #confirm} after each change it put on its stream and confirms the change to the host only when the answer
 * completes:
 * <ul>
 * <li><b>async</b> (mode {@code async}): at once.</li>
 * <li><b>synchronous</b>: when the backup has acknowledged the change's stream message (it acknowledges only what it
 * has applied), or when the bound {@code switchover.replication.sync.timeout.ms} passes first. Then the pair
 * <b>degrades</b>: every change still waiting is released, a switch warning shows the reason and an audit line
 * records it.</li>
 * <li><b>degraded</b>: changes are confirmed at once (asynchronous), while probes ask the backup to acknowledge the
 * head of the stream. A probe is good when the backup acknowledged it within the bound of its start, or has
 * acknowledged everything published. The pair goes back to synchronous (audit line, warning cleared) only once the
 * probes have stayed good for the resume hold {@code switchover.replication.sync.resume.ms} (a new probe every half
 * bound meanwhile); a bad probe starts the hold again. The hold keeps a backup that is only just keeping up from
 * flipping the pair between synchronous and degraded several times a minute. A hold of 0 resumes at the first good
 * probe.</li>
 * </ul>
 * A primary part starts synchronous: with no backup connected the first change waits for the bound and then the pair
 * runs degraded (non-strict: the host keeps working without its backup; a strict variant that refuses to confirm is
 * not offered). A change whose publisher closes meanwhile (this node stops being primary, or its epoch moves) is
 * released without a degrade.
 *
 * <p>All state lives on the scheduler's thread (an actor); {@link #confirm}, {@link #warning} and {@link #describe}
 * may be called from any thread.
 */
public final class SyncReplication {

    private static final Logger LOG = LoggerFactory.getLogger(SyncReplication.class);

    /** The replication mode parameter's values. */
    public enum Mode {
        ASYNC, SYNC;

        /** @throws IllegalArgumentException naming the value when it is neither {@code async} nor {@code sync} */
        public static Mode parse(String text) {
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

    /** How one change was confirmed. */
    public enum Outcome {
        /** The backup acknowledged it before it was confirmed. */
        REPLICATED,
        /** Confirmed without waiting: mode async. */
        ASYNC,
        /** Confirmed without the backup: the pair is degraded (or degraded while it waited). */
        DEGRADED,
        /** Its publisher closed first: this node no longer publishes (not primary, or a new epoch). */
        CLOSED
    }

    /**
     * The three parameters every synchronously replicating subsystem reads, under the same names on its own PID:
     * {@code switchover.replication.mode}, {@code switchover.replication.sync.timeout.ms} and {@code
     * switchover.replication.sync.resume.ms}.
     */
    public record Settings(Mode mode, long timeoutMillis, long resumeMillis) {

        /** Before any configuration was read. */
        public static final Settings DEFAULTS = new Settings(Mode.ASYNC, 5_000L, 10_000L);

        /**
         * Reads them from a configuration whose metatype has the three attributes; a malformed mode keeps
         * {@code previous}'s and is reported to {@code malformed} (the message names the parameter and the value).
         */
        public static Settings read(ConfigReader r, Settings previous, Consumer<String> malformed) {
            Mode m = previous.mode();
            try {
                m = Mode.parse(r.text("switchover_replication_mode"));
            } catch (IllegalArgumentException e) {
                malformed.accept(e.getMessage());
            }
            return new Settings(m, r.number("switchover_replication_sync_timeout_ms", previous.timeoutMillis()),
                    r.number("switchover_replication_sync_resume_ms", previous.resumeMillis()));
        }
    }

    /**
     * What the texts name.
     *
     * @param auditPrefix the audit lines' start, e.g. {@code DS sync}
     * @param subsystem the warning's name of the replication, e.g. {@code DS} ("Synchronous DS replication ...")
     * @param message a stream message, e.g. {@code DS change message}
     */
    public record Subject(String auditPrefix, String subsystem, String message) {
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
    private final Subject subject;
    private final Supplier<Mode> mode;
    private final LongSupplier timeoutMillis;
    private final LongSupplier resumeMillis;
    // scheduler thread only
    private State state;
    private final Set<Waiter> waiting = new LinkedHashSet<>();
    private Probe probe;
    private Cancellable nextProbe;
    /** Since when every probe was good (the resume hold's start); -1 when the last one was bad or none was made. */
    private long goodSince = -1;
    private long degradedWrites;
    private long replicatedWrites;
    // read from any thread
    private volatile String warning;
    private volatile String summary;

    /**
     * @param mode the current replication mode (read on every change: a change takes effect at once)
     * @param timeoutMillis the current bound on one change's wait for the backup
     * @param resumeMillis the current resume hold: how long the backup must stay caught up before the pair is
     *     synchronous again
     */
    public SyncReplication(Scheduler scheduler, Journal journal, Subject subject, Supplier<Mode> mode,
            LongSupplier timeoutMillis, LongSupplier resumeMillis) {
        this.scheduler = scheduler;
        this.journal = journal;
        this.subject = subject;
        this.mode = mode;
        this.timeoutMillis = timeoutMillis;
        this.resumeMillis = resumeMillis;
        this.state = mode.get() == Mode.SYNC ? State.SYNCHRONOUS : State.ASYNC;
        this.summary = describeState();
    }

    /**
     * The host's change whose last stream message is {@code seq} of {@code publisher} was committed locally.
     *
     * @return completes when the change may be confirmed to the host, telling how
     */
    public CompletableFuture<Outcome> confirm(StreamPublisher publisher, long seq) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        scheduler.execute(() -> written(publisher, seq, done));
        return done;
    }

    /**
     * Blocks the host's thread until {@link #confirm} lets the change be confirmed; returns at once in async mode.
     * The wait here is only a safety net over this class's own timer (twice the bound plus 5 s); passing it is
     * logged and the change confirmed without the backup.
     */
    public void awaitConfirmed(StreamPublisher publisher, long seq) {
        if (mode.get() != Mode.SYNC) {
            return;
        }
        awaitDecided(confirm(publisher, seq), "confirmation of " + subject.message() + " " + seq);
    }

    /**
     * Waits on the host's thread until this class decided {@code decision}, bounded by twice the bound plus 5 s (a
     * safety net over this class's own timer); passing it is logged and the change confirmed without the backup.
     */
    private void awaitDecided(CompletableFuture<Outcome> decision, String what) {
        long bound = 2 * timeoutMillis.getAsLong() + 5_000L;
        try {
            decision.get(bound, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: {} not decided within {} ms ({}); confirming it without the backup",
                    subject.auditPrefix(), what, bound, e.toString());
        }
    }

    /**
     * The host made a change that no backup can be asked to acknowledge: the subsystem does not publish yet (this node
     * is taking over, its promotion still running, while the host already takes work). In sync mode the pair degrades
     * at once, with the audit line and the warning of a degrade after the bound (waiting for the bound would only
     * hold the host: nothing can acknowledge the change); it stays degraded until the backup has kept up for the
     * resume hold, as after any degrade. Returns at once in async mode; otherwise once the degrade is recorded (at
     * most twice the bound plus 5 s, as {@link #awaitConfirmed}).
     *
     * @param reason why, for the audit line and the warning (no trailing period)
     */
    public void awaitUnreplicated(String reason) {
        if (mode.get() != Mode.SYNC) {
            return;
        }
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        scheduler.execute(() -> unreplicated(reason, done));
        awaitDecided(done, "the degrade for a change that cannot be replicated");
    }

    /** @return the warning while degraded in sync mode (one sentence, no trailing period) */
    public Optional<String> warning() {
        return mode.get() == Mode.SYNC ? Optional.ofNullable(warning) : Optional.empty();
    }

    /** @return one line for the subsystem's status command */
    public String describe() {
        return mode.get() == Mode.SYNC ? summary : "replication mode async";
    }

    /** Follows a change of the mode parameter (audit line); @return whether the mode is sync */
    private boolean syncMode() {
        Mode m = mode.get();
        if (m == Mode.ASYNC) {
            if (state != State.ASYNC) {
                journal.audit("{}: replication mode is now async: changes are confirmed without waiting for the"
                        + " backup (parameter switchover.replication.mode)", subject.auditPrefix());
                enter(State.ASYNC, null);
            }
            return false;
        }
        if (state == State.ASYNC) {
            journal.audit("{}: replication mode is now sync: a change is confirmed once the backup has applied it"
                    + " (parameter switchover.replication.mode)", subject.auditPrefix());
            enter(State.SYNCHRONOUS, null);
        }
        return true;
    }

    private void unreplicated(String reason, CompletableFuture<Outcome> done) {
        if (!syncMode()) {
            done.complete(Outcome.ASYNC);
            return;
        }
        if (state == State.SYNCHRONOUS) {
            degrade(reason);
        }
        degradedWrites++;
        summary = describeState();
        done.complete(Outcome.DEGRADED);
    }

    private void degrade(String reason) {
        journal.audit("{}: synchronous replication degraded to asynchronous: {}; changes are confirmed without the"
                + " backup until it has stayed caught up for {} ms", subject.auditPrefix(), reason,
                resumeMillis.getAsLong());
        enter(State.DEGRADED, "Synchronous " + subject.subsystem() + " replication degraded to asynchronous: "
                + reason + "; changes since are confirmed without the backup");
    }

    private void written(StreamPublisher publisher, long seq, CompletableFuture<Outcome> done) {
        if (!syncMode()) {
            done.complete(Outcome.ASYNC);
            return;
        }
        if (state == State.DEGRADED) {
            degradedWrites++;
            done.complete(Outcome.DEGRADED);
            boolean otherPublisher = probe != null && probe.publisher() != publisher;
            if (otherPublisher || (probe == null && nextProbe == null)) {
                cancelNextProbe();
                goodSince = otherPublisher ? -1 : goodSince;
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
        degrade("the backup did not acknowledge " + subject.message() + " " + w.seq + " within "
                + timeoutMillis.getAsLong() + " ms");
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
            // the publisher closed: the next change on the new one starts a probe
            goodSince = -1;
            return;
        }
        long now = scheduler.nowMillis();
        long took = now - p.startedAt();
        long bound = timeoutMillis.getAsLong();
        long head = p.publisher().headSequence();
        boolean good = took <= bound || p.publisher().acknowledgedSequence() >= head;
        if (!good) {
            // still behind: the hold starts again; ask at once for everything published so far
            goodSince = -1;
            startProbe(p.publisher(), head);
            return;
        }
        if (goodSince < 0) {
            // answered in time: kept up since it was asked; caught up only after a long wait: from now
            goodSince = took <= bound ? p.startedAt() : now;
        }
        long hold = Math.max(0, resumeMillis.getAsLong());
        long held = now - goodSince;
        if (held >= hold) {
            journal.audit("{}: synchronous replication resumed: the backup acknowledged {} {} {} ms after it was"
                    + " asked for and has kept up for {} ms (resume hold {} ms)", subject.auditPrefix(),
                    subject.message(), p.seq(), took, held, hold);
            enter(State.SYNCHRONOUS, null);
            return;
        }
        // keep probing the head until the hold has passed
        long delay = Math.max(1, Math.min(hold - held, Math.max(1, bound / 2)));
        StreamPublisher pub = p.publisher();
        nextProbe = scheduler.schedule(() -> {
            nextProbe = null;
            if (state == State.DEGRADED && probe == null) {
                startProbe(pub, pub.headSequence());
            }
        }, delay);
        summary = describeState();
    }

    private void cancelNextProbe() {
        if (nextProbe != null) {
            nextProbe.cancel();
            nextProbe = null;
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
        probe = null;
        cancelNextProbe();
        goodSince = -1;
        summary = describeState();
    }

    private String describeState() {
        switch (state) {
            case ASYNC:
                return "replication mode async";
            case SYNCHRONOUS:
                return "replication mode sync: synchronous (" + replicatedWrites + " changes confirmed by the backup, "
                        + waiting.size() + " waiting, bound " + timeoutMillis.getAsLong() + " ms)";
            default:
                return "replication mode sync: DEGRADED to asynchronous (" + degradedWrites
                        + " changes confirmed without the backup" + (goodSince < 0 ? "" : ", backup caught up for "
                        + (scheduler.nowMillis() - goodSince) + " of " + resumeMillis.getAsLong() + " ms") + "; "
                        + warning + ")";
        }
    }

    /** Releases every waiting change (the primary part stops). */
    public void close() {
        scheduler.execute(() -> {
            cancelNextProbe();
            List<Waiter> released = List.copyOf(waiting);
            waiting.clear();
            for (Waiter w : released) {
                w.timer.cancel();
                w.done.complete(Outcome.CLOSED);
            }
        });
    }
}
