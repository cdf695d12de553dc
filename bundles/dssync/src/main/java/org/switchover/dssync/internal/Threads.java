package org.switchover.dssync.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The named daemon threads of this bundle's components. */
final class Threads {

    private static final AtomicInteger COUNT = new AtomicInteger();

    private Threads() {
    }

    /** @return a one-thread executor whose daemon thread is named {@code prefix<n>} */
    static ExecutorService single(String prefix) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, prefix + COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
