package org.switchover.recovery.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.ShadowObserver;
import org.switchover.support.Threads;
import org.switchover.support.wire.MalformedMessageException;

/**
 * The registered {@link ShadowObserver}s. The backup's stream thread only hands over the encoded shadow; decoding and
 * the calls run on a thread of their own ({@code switchover-recovery-observers-1}), started with the first observer,
 * so that with no observer registered the apply path does no extra work at all.
 */
final class ShadowObservers {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowObservers.class);

    private final List<ShadowObserver> observers = new CopyOnWriteArrayList<>();
    private volatile ExecutorService thread;

    synchronized void add(ShadowObserver o) {
        if (thread == null) {
            thread = Threads.single("switchover-recovery-observers");
        }
        observers.add(o);
    }

    void remove(ShadowObserver o) {
        observers.remove(o);
    }

    /** A shadow was stored (stream thread). */
    void changed(byte[] encoded) {
        if (!observers.isEmpty()) {
            post(o -> { }, encoded);
        }
    }

    /** A shadow was stored from part of a sync page (sync thread): copied only while someone observes. */
    void changed(byte[] page, int at, int length) {
        if (!observers.isEmpty()) {
            changed(java.util.Arrays.copyOfRange(page, at, at + length));
        }
    }

    void removed(Channel channel, String id, long version) {
        post(o -> o.removed(channel, id, version), null);
    }

    void syncStarted(Channel channel) {
        post(o -> o.syncStarted(channel), null);
    }

    void syncCompleted(Channel channel) {
        post(o -> o.syncCompleted(channel), null);
    }

    /**
     * The channel's shadows are about to be promoted (control thread): tells the observers, behind every change
     * handed over before, and waits (up to {@code maxWaitMillis}) until they were told, so that what the host reports
     * after the restore reaches them after this call.
     *
     * @return false when the observers' thread did not get there in time (it still tells them, later)
     */
    boolean promoted(Channel channel, long maxWaitMillis) {
        ExecutorService t = thread;
        if (t == null || observers.isEmpty()) {
            return true;
        }
        java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
        try {
            t.execute(() -> {
                try {
                    deliver(o -> o.promoted(channel), null);
                } finally {
                    told.countDown();
                }
            });
            return told.await(maxWaitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void post(Consumer<ShadowObserver> call, byte[] encoded) {
        ExecutorService t = thread;
        if (t == null || observers.isEmpty()) {
            return;
        }
        try {
            t.execute(() -> deliver(call, encoded));
        } catch (RejectedExecutionException e) {
            // closing: the observers go away with the recovery service
        }
    }

    private void deliver(Consumer<ShadowObserver> call, byte[] encoded) {
        Consumer<ShadowObserver> c = call;
        if (encoded != null) {
            try {
                var i = InteractionCodec.decode(encoded);
                c = o -> o.changed(i);
            } catch (MalformedMessageException e) {
                LOG.warn("Interaction recovery: a shadow could not be decoded for the observers: {}", e.getMessage());
                return;
            }
        }
        for (ShadowObserver o : observers) {
            try {
                c.accept(o);
            } catch (RuntimeException e) {
                LOG.error("Interaction recovery: shadow observer {} failed", o.getClass().getName(), e);
            }
        }
    }

    /** Stops the observers' thread (the recovery service closes). */
    synchronized void close() {
        ExecutorService t = thread;
        thread = null;
        if (t != null) {
            t.shutdown();
        }
    }
}
