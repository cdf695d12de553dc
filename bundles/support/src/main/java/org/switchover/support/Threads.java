package org.switchover.support;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;

/**
 * Named daemon threads for the executors a component owns (house style: no unnamed threads, no {@code Timer}). The
 * component that creates an executor shuts it down in its {@code @Deactivate}.
 */
public final class Threads {

    private Threads() {
    }

    /**
     * @return a factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ... that inherit no inheritable
     *     thread-locals: an executor makes its threads on the first tasks, often on a thread running a Gogo shell
     *     command, and Gogo keeps the System.out/System.err of that command's session in an inheritable thread-local
     *     (what such a thread logged went to the closed session and was lost)
     */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger next = new AtomicInteger(1);
        return r -> {
            Thread t = new Thread(null, r, prefix + "-" + next.getAndIncrement(), 0, false);
            t.setDaemon(true);
            return t;
        };
    }

    /** @return a one-thread executor on a daemon thread named {@code name-1} */
    public static ExecutorService single(String name) {
        return Executors.newSingleThreadExecutor(factory(name));
    }

    /**
     * @return {@code task} made safe for a worker thread: a {@link RuntimeException} it throws is logged as an error
     *     with {@code failure} instead of ending the thread's work
     */
    public static Runnable logging(Runnable task, Logger log, String failure) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error(failure, e);
            }
        };
    }

    /** Runs {@code task} on {@code executor} (failures logged as by {@link #logging}) unless it was shut down. */
    public static void post(ExecutorService executor, Runnable task, Logger log, String failure) {
        if (!executor.isShutdown()) {
            executor.execute(logging(task, log, failure));
        }
    }

    /** @return a one-thread scheduled executor on a daemon thread named {@code name-1} */
    public static ScheduledExecutorService scheduled(String name) {
        return Executors.newSingleThreadScheduledExecutor(factory(name));
    }
}
