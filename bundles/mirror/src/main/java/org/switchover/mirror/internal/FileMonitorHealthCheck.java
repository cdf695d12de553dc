package org.switchover.mirror.internal;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * The backup's File Monitor health check (spec section 8): every interval it asks the primary's file monitor whether
 * it runs; an explicit failure, or no answer within the timeout, turns the state to "file replication stopped" until
 * an answer comes back again. A check whose answer is still outstanding when the next interval starts is not doubled:
 * the timeout decides it first.
 *
 * <p>Timing runs on the given {@link Scheduler}; answers may arrive on any thread. Thread-safe.
 */
final class FileMonitorHealthCheck {

    /** Sends one health request to the primary. */
    @FunctionalInterface
    interface Probe {
        /**
         * @param timeoutMillis how long the caller waits (the probe may use it for its own request)
         * @return completes normally when the file monitor answered that it runs; exceptionally (the message says
         *         why) when it answered that it does not, or the request failed
         */
        CompletionStage<?> check(long timeoutMillis);
    }

    /** Where the check is. */
    enum Phase {
        /** Not following a primary: nothing checked. */
        IDLE,
        /** Interval 0: switched off. */
        OFF,
        /** Running, no answer yet. */
        WAITING,
        /** The last check was answered. */
        OK,
        /** The last check failed. */
        FAILED
    }

    private final Scheduler scheduler;
    private final Probe probe;
    private final Consumer<String> onFailure;
    private final Consumer<String> onRecovery;

    private Phase phase = Phase.IDLE;
    private long intervalMillis;
    private long timeoutMillis;
    private long generation;
    private long attempt;
    private long outstanding = -1;
    private Cancellable tick = () -> { };
    private Cancellable timeoutTask = () -> { };
    private String failure = "";
    private long sinceMillis;
    private long lastAnswerMillis = -1;
    private long checks;
    private long failures;

    /**
     * @param scheduler clock and timers
     * @param probe asks the primary
     * @param onFailure called with the reason each time a check fails
     * @param onRecovery called with a short text when a check succeeds after a failure
     */
    FileMonitorHealthCheck(Scheduler scheduler, Probe probe, Consumer<String> onFailure, Consumer<String> onRecovery) {
        this.scheduler = scheduler;
        this.probe = probe;
        this.onFailure = onFailure;
        this.onRecovery = onRecovery;
    }

    /**
     * (Re)starts checking: the first check one interval from now. Keeps a failed state until a check succeeds, so
     * changing the parameters does not hide a stopped replication.
     *
     * @param intervalSeconds 0 = off
     * @param timeoutSeconds at least 1
     */
    synchronized void start(int intervalSeconds, int timeoutSeconds) {
        cancelTimers();
        generation++;
        outstanding = -1;
        intervalMillis = intervalSeconds * 1000L;
        timeoutMillis = Math.max(1, timeoutSeconds) * 1000L;
        if (intervalMillis == 0) {
            phase = Phase.OFF;
            failure = "";
            return;
        }
        if (phase != Phase.FAILED && phase != Phase.OK) {
            phase = Phase.WAITING;
            sinceMillis = scheduler.nowMillis();
        }
        long gen = generation;
        tick = scheduler.schedule(() -> tick(gen), intervalMillis);
    }

    /** Stops checking and forgets the result (the node no longer follows a primary). */
    synchronized void stop() {
        cancelTimers();
        generation++;
        outstanding = -1;
        phase = Phase.IDLE;
        failure = "";
        lastAnswerMillis = -1;
    }

    private void cancelTimers() {
        tick.cancel();
        timeoutTask.cancel();
    }

    private void tick(long gen) {
        long id;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            tick = scheduler.schedule(() -> tick(gen), intervalMillis);
            if (outstanding >= 0) {
                return; // the previous check is still open; its timeout decides it
            }
            id = ++attempt;
            outstanding = id;
            checks++;
            timeoutTask = scheduler.schedule(() -> timedOut(gen, id), timeoutMillis);
        }
        CompletionStage<?> answer;
        try {
            answer = probe.check(timeoutMillis);
        } catch (RuntimeException e) {
            answered(gen, id, reason(e));
            return;
        }
        answer.whenComplete((r, e) -> answered(gen, id, e == null ? null : reason(e)));
    }

    private void timedOut(long gen, long id) {
        fail(gen, id, "no answer within " + timeoutMillis / 1000 + " s");
    }

    private void answered(long gen, long id, String failed) {
        if (failed != null) {
            fail(gen, id, failed);
            return;
        }
        boolean recovered;
        synchronized (this) {
            if (gen != generation || outstanding != id) {
                return; // late answer: a timeout or a restart already decided this check
            }
            outstanding = -1;
            timeoutTask.cancel();
            recovered = phase == Phase.FAILED;
            phase = Phase.OK;
            failure = "";
            sinceMillis = scheduler.nowMillis();
            lastAnswerMillis = sinceMillis;
        }
        if (recovered) {
            onRecovery.accept("the primary's file monitor answers again");
        }
    }

    private void fail(long gen, long id, String why) {
        synchronized (this) {
            if (gen != generation || outstanding != id) {
                return;
            }
            outstanding = -1;
            timeoutTask.cancel();
            if (phase != Phase.FAILED) {
                sinceMillis = scheduler.nowMillis();
            }
            phase = Phase.FAILED;
            failure = why;
            failures++;
        }
        onFailure.accept(why);
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null || t.getMessage().isBlank() ? t.toString() : t.getMessage();
    }

    /** @return where the check is. */
    synchronized Phase phase() {
        return phase;
    }

    /** @return the operator's warning while replication is considered stopped, empty otherwise. */
    synchronized Optional<String> warning() {
        if (phase != Phase.FAILED) {
            return Optional.empty();
        }
        return Optional.of("This backup's copy of the primary's files may be stale: file replication from the primary"
                + " has stopped (File Monitor health check failed: " + failure + ")");
    }

    /** @return one line for {@code switchover:mirror-status}. */
    synchronized String describe() {
        long now = scheduler.nowMillis();
        return switch (phase) {
            case IDLE -> "not checked (not following a primary)";
            case OFF -> "off (" + org.switchover.api.ServerParameters.SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_INTERVAL
                    + " = 0)";
            case WAITING -> "not checked yet (every " + intervalMillis / 1000 + " s, timeout " + timeoutMillis / 1000
                    + " s)";
            case OK -> "ok, last answer " + (now - lastAnswerMillis) / 1000 + " s ago (" + checks + " check(s), "
                    + failures + " failure(s))";
            case FAILED -> "file replication stopped (" + failure + ") for " + (now - sinceMillis) / 1000 + " s ("
                    + checks + " check(s), " + failures + " failure(s))";
        };
    }
}
