package org.switchover.support.monitor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.switchover.api.time.Scheduler;
import org.switchover.api.time.SystemScheduler;

/**
 * The scheduler a monitor component runs on, from activation to deactivation: the one a test injects, or a
 * {@link SystemScheduler} with one named daemon thread that the component owns. {@link #close(Runnable)} runs the
 * component's last work (stopping pings, cancelling what is in flight) on that thread and then ends the thread.
 * Used by DS callbacks only (activate/deactivate), not thread-safe beyond that.
 */
public final class MonitorThread {

    /** How long deactivation waits for the last work on an owned thread; a stuck thread never blocks SCR. */
    static final long CLOSE_WAIT_MILLIS = 2000L;

    private final Scheduler injected;
    private final String threadName;
    private volatile Scheduler scheduler;
    private SystemScheduler own;
    private boolean closed;

    /**
     * @param injected the scheduler to run on (tests pass a virtual one); null to own a system scheduler
     * @param threadName the owned thread's name, e.g. {@code switchover-module-monitor-1}
     */
    public MonitorThread(Scheduler injected, String threadName) {
        this.injected = injected;
        this.threadName = threadName;
    }

    /** Starts the owned thread unless already open or injected. @return the scheduler to run on */
    public Scheduler open() {
        Scheduler s = scheduler;
        if (s == null || closed) {
            closed = false;
            if (injected == null) {
                own = new SystemScheduler(threadName);
                s = own;
            } else {
                s = injected;
            }
            scheduler = s;
        }
        return s;
    }

    /**
     * @return the scheduler, or null before {@link #open()}; after {@link #close(Runnable)} an owned one drops what
     *     is posted to it, so a late callback finds a scheduler and nothing runs
     */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Runs {@code last} on the scheduler's thread, waits for it (bounded) when the thread is owned, then ends the
     * thread. No effect when not open or already closed.
     *
     * @param last the component's final work; may be null
     */
    public void close(Runnable last) {
        Scheduler s = scheduler;
        if (s == null || closed) {
            return;
        }
        closed = true;
        CountDownLatch done = new CountDownLatch(1);
        s.execute(() -> {
            try {
                if (last != null) {
                    last.run();
                }
            } finally {
                done.countDown();
            }
        });
        if (own != null) {
            try {
                done.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            own.shutdown();
            own = null;
        }
    }
}
