package org.switchover.core.internal;

import java.util.ArrayList;
import java.util.List;

import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.testing.VirtualScheduler;

/**
 * A node's view of the shared virtual clock that can be frozen like a process under SIGSTOP: tasks that come due
 * while frozen are held and run, overdue, when it is thawed.
 */
final class FreezableScheduler implements Scheduler {

    private final VirtualScheduler clock;
    private final List<Runnable> held = new ArrayList<>();
    private boolean frozen;

    FreezableScheduler(VirtualScheduler clock) {
        this.clock = clock;
    }

    @Override
    public long nowMillis() {
        return clock.nowMillis();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = new boolean[1];
        Cancellable c = clock.schedule(() -> {
            if (cancelled[0]) {
                return;
            }
            synchronized (this) {
                if (frozen) {
                    held.add(() -> {
                        if (!cancelled[0]) {
                            task.run();
                        }
                    });
                    return;
                }
            }
            task.run();
        }, delayMillis);
        return () -> {
            cancelled[0] = true;
            c.cancel();
        };
    }

    synchronized void freeze() {
        frozen = true;
    }

    /** Unfreezes; held tasks are queued to run at once, in their original order. */
    void thaw() {
        List<Runnable> q;
        synchronized (this) {
            frozen = false;
            q = new ArrayList<>(held);
            held.clear();
        }
        for (Runnable r : q) {
            clock.schedule(r, 0L);
        }
    }
}
