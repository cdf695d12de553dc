package org.switchover.notifier.internal;

import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * When to try connecting one link, on a {@link Scheduler}. The first attempt after {@link #start()} runs at once;
 * after a failed attempt or the loss of an established connection the next attempt runs one reconnect delay later
 * (the delay is read when the attempt is scheduled, so a changed setting applies to the next scheduling). Attempts
 * are numbered from 1 since the last success. Thread-safe; the attempt callback runs on the scheduler without locks.
 */
public final class Reconnector {

    private final Scheduler scheduler;
    private final LongSupplier delayMillis;
    private final IntConsumer attempt;

    private boolean running;
    private boolean inProgress;
    private int attempts;
    private long generation;
    private Cancellable pending;

    /**
     * @param scheduler drives the attempts
     * @param delayMillis current reconnect delay in ms
     * @param attempt starts attempt number n; must report back with {@link #failed()} or {@link #succeeded()}
     */
    public Reconnector(Scheduler scheduler, LongSupplier delayMillis, IntConsumer attempt) {
        this.scheduler = scheduler;
        this.delayMillis = delayMillis;
        this.attempt = attempt;
    }

    /** Starts trying (first attempt at once). No effect while running. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        attempts = 0;
        inProgress = false;
        schedule(0L);
    }

    /**
     * The attempt in progress failed: schedules the next one after the delay.
     *
     * @return the number of the attempt that failed (counted since the last success)
     */
    public synchronized int failed() {
        inProgress = false;
        if (running) {
            schedule(delayMillis.getAsLong());
        }
        return attempts;
    }

    /** The attempt in progress established the connection: the attempt count starts again. */
    public synchronized void succeeded() {
        inProgress = false;
        attempts = 0;
    }

    /** An established connection was lost: the next attempt runs after the delay, numbered from 1. */
    public synchronized void lost() {
        inProgress = false;
        attempts = 0;
        if (running) {
            schedule(delayMillis.getAsLong());
        }
    }

    /** Stops: a scheduled attempt is cancelled and nothing more is scheduled. Idempotent. */
    public synchronized void stop() {
        running = false;
        inProgress = false;
        generation++;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    /** @return true between {@link #start()} and {@link #stop()}. */
    public synchronized boolean running() {
        return running;
    }

    /** @return the number of the current (or last) attempt since the last success, 0 when none. */
    public synchronized int attempts() {
        return attempts;
    }

    /** @return true while an attempt has started and not reported back. */
    public synchronized boolean inProgress() {
        return inProgress;
    }

    private void schedule(long delay) {
        if (pending != null) {
            pending.cancel();
        }
        long gen = ++generation;
        pending = scheduler.schedule(() -> fire(gen), delay);
    }

    private void fire(long gen) {
        int n;
        synchronized (this) {
            if (!running || gen != generation || inProgress) {
                return;
            }
            pending = null;
            inProgress = true;
            n = ++attempts;
        }
        attempt.accept(n);
    }
}
