package org.switchover.host.reference.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated monitored module: a state (running, stopped, hung) and an incarnation id that changes on every
 * (re)start. Plain Java so it can be tested without a framework; thread-safe (one lock guards everything, no
 * callbacks run while it is held).
 */
final class SimulatedModule {

    /** What the module is doing; decides how a ping is answered. */
    enum State {
        /** Answers pings with the incarnation id. */
        RUNNING,
        /** Fails pings at once. */
        STOPPED,
        /** Never answers pings. */
        HUNG
    }

    /** An immutable view of the module for status lines. */
    record Status(String name, State state, long incarnation) {
        /** @return the one line the shell commands print */
        String line() {
            return String.format("module %s %s incarnation %d", name, state, incarnation);
        }
    }

    /**
     * Upper bound of pings kept waiting while hung. A hung module never answers, so the futures only matter as
     * long as a caller holds them; the bound keeps a long hang with a fast pinger from growing without limit.
     */
    static final int MAX_PENDING_PINGS = 10_000;

    /** Attempts to draw an id different from the previous one; two equal draws in a row are already 1 in 2^63. */
    private static final int MAX_ID_DRAWS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedModule.class);

    private final LongSupplier idSource;
    private final Deque<CompletableFuture<Long>> pending = new ArrayDeque<>();
    private String name;
    private State state;
    private long incarnation;

    /** A running module with a random incarnation id. */
    SimulatedModule(String name) {
        this(name, () -> ThreadLocalRandom.current().nextLong(1L, Long.MAX_VALUE));
    }

    /**
     * @param idSource draws candidate incarnation ids; non-positive values and a repeat of the previous id are
     *        drawn again (tests pass a fixed sequence)
     */
    SimulatedModule(String name, LongSupplier idSource) {
        this.name = name;
        this.idSource = idSource;
        this.state = State.RUNNING;
        this.incarnation = nextId(0L);
    }

    /**
     * Answers a ping according to the state. Never blocks.
     *
     * @return completes with the incarnation id (running), exceptionally at once (stopped), or never (hung)
     */
    CompletionStage<Long> ping() {
        synchronized (this) {
            switch (state) {
                case RUNNING:
                    return CompletableFuture.completedFuture(incarnation);
                case STOPPED:
                    return CompletableFuture.failedFuture(new IllegalStateException("module " + name + " is stopped"));
                case HUNG:
                default:
                    CompletableFuture<Long> f = new CompletableFuture<>();
                    if (pending.size() >= MAX_PENDING_PINGS) {
                        pending.removeFirst();
                    }
                    pending.addLast(f);
                    return f;
            }
        }
    }

    /** @return the current name, state and incarnation id */
    synchronized Status status() {
        return new Status(name, state, incarnation);
    }

    /** @return the number of pings held unanswered because the module hangs */
    synchronized int pendingPings() {
        return pending.size();
    }

    /** Renames the module (TsServer or IP); the incarnation stays. */
    synchronized void rename(String newName) {
        this.name = newName;
    }

    /** Stops the module: pings fail at once until it is started again. */
    Status stop() {
        return change(State.STOPPED, false, "stopped");
    }

    /** Hangs the module: pings stay unanswered until it is restarted. */
    Status hang() {
        return change(State.HUNG, false, "hung");
    }

    /** Restarts the module in any state: it runs under a new incarnation id. */
    Status restart() {
        return change(State.RUNNING, true, "restarted");
    }

    /**
     * Starts a stopped or hung module under a new incarnation id (a hung process only recovers through a new
     * start); a running module is left as it is.
     */
    Status start() {
        synchronized (this) {
            if (state == State.RUNNING) {
                return status();
            }
        }
        return change(State.RUNNING, true, "started");
    }

    private Status change(State newState, boolean newIncarnation, String verb) {
        Status result;
        synchronized (this) {
            State old = state;
            state = newState;
            if (newIncarnation) {
                incarnation = nextId(incarnation);
            }
            if (newState != State.HUNG) {
                // Pings held by the hang are dropped, not answered: the old incarnation never replied to them.
                pending.clear();
            }
            result = status();
            LOG.info("Module {} {}: {} -> {}, incarnation {}", name, verb, old, newState, incarnation);
        }
        return result;
    }

    private long nextId(long previous) {
        for (int i = 0; i < MAX_ID_DRAWS; i++) {
            long candidate = idSource.getAsLong();
            if (candidate > 0L && candidate != previous) {
                return candidate;
            }
        }
        // Only a broken id source gets here; stay correct anyway.
        return previous == Long.MAX_VALUE ? 1L : previous + 1L;
    }
}
