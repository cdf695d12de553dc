package org.switchover.api.time;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on the system's monotonic clock with one named daemon thread. The owning component creates it
 * on activation and {@link #shutdown() shuts it down} on deactivation.
 */
public final class SystemScheduler implements Scheduler {

    private final ScheduledThreadPoolExecutor executor;
    private final String threadName;
    private final long originNanos = System.nanoTime();

    /** @param threadName the name of the scheduler's thread, e.g. {@code switchover-core-1} */
    public SystemScheduler(String threadName) {
        this.threadName = threadName;
        // the thread is made on the first task, often on a caller's thread that runs a Gogo shell command: it must not
        // inherit that thread's inheritable thread-locals, among them Gogo's choice of System.out/System.err (the
        // command's session, closed when the command ends), or everything it logs later goes there and is lost
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(null, r, threadName, 0, false);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - originNanos);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        if (executor.isShutdown()) {
            return () -> { };
        }
        ScheduledFuture<?> f = executor.schedule(task, Math.max(0L, delayMillis), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    /** @return true when the calling thread is this scheduler's thread. */
    public boolean inSchedulerThread() {
        return Thread.currentThread().getName().equals(threadName);
    }

    /** Stops the thread; tasks not yet run are dropped. */
    public void shutdown() {
        executor.shutdownNow();
    }
}
