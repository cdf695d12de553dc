package org.switchover.testing;

import java.util.PriorityQueue;

import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * A {@link Scheduler} on virtual time, for tests: nothing runs until the test {@link #advance(long) advances} the
 * clock, and then every task due runs on the caller's thread, in order of due time. Deterministic: the same calls
 * give the same order and the same times.
 */
public final class VirtualScheduler implements Scheduler {

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long submitted;

    private final class Task implements Comparable<Task>, Cancellable {
        final long due;
        final long order;
        final Runnable body;
        boolean cancelled;

        Task(long due, long order, Runnable body) {
            this.due = due;
            this.order = order;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            synchronized (VirtualScheduler.this) {
                cancelled = true;
                queue.remove(this);
            }
        }
    }

    @Override
    public synchronized long nowMillis() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMillis) {
        Task t = new Task(now + Math.max(0L, delayMillis), submitted++, task);
        queue.add(t);
        return t;
    }

    /** Runs every task due now, including tasks they schedule for now. */
    public void runDue() {
        advance(0L);
    }

    /**
     * Moves the clock forward by {@code millis}, running each task when the clock reaches its due time.
     *
     * @param millis how far to move, not negative
     */
    public void advance(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("cannot move virtual time backwards: " + millis);
        }
        long target;
        synchronized (this) {
            target = now + millis;
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = next.due;
            }
            if (!next.cancelled) {
                next.body.run();
            }
        }
    }

    /** @return the number of tasks waiting. */
    public synchronized int pending() {
        return queue.size();
    }
}
