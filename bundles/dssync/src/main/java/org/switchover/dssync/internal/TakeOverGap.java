package org.switchover.dssync.internal;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryListener;
import org.switchover.support.replication.SyncReplication;

/**
 * DS writes the host commits while this node takes over: the primary role condition is registered (the host takes
 * work) but DS sync's primary part has not started publishing yet (its thread starts it some milliseconds later). No
 * backup can be asked to acknowledge such a write, so in sync mode it must not be confirmed as if it had been
 * replicated: it degrades synchronous replication at once, with the audit line and the warning of any degrade
 * ({@link SyncReplication#awaitUnreplicated}). The degrade is kept in the {@link SyncReplication} the primary part
 * then takes over ({@link #take}), so the pair stays degraded until the backup has caught up (it gets the write from
 * its full compare with the new stream). Listens to the host's store for the component's whole life.
 *
 * <p>A write that lands just as the part starts can be seen by both this listener and the part's: the pair then
 * degrades needlessly (visible, safe), never the other way round. The backup part's own writes (the stream it still
 * applies, a full compare) are the primary's changes, not the host's: they run inside {@link #replicaWrite} and are
 * not counted.
 */
final class TakeOverGap implements DirectoryListener {

    /** Set on a thread while it writes what DS sync received from the primary. */
    private static final ThreadLocal<Boolean> REPLICA = new ThreadLocal<>();

    /** Runs {@code write}, a write of what DS sync received from the primary, so that it is not taken for the host's. */
    static void replicaWrite(Runnable write) {
        REPLICA.set(Boolean.TRUE);
        try {
            write.run();
        } finally {
            REPLICA.remove();
        }
    }

    private final BooleanSupplier primaryCondition;
    private final BooleanSupplier publishing;
    private final Supplier<SyncReplication> factory;
    private SyncReplication pending;

    /**
     * @param primaryCondition whether the core's primary condition is registered now (any thread)
     * @param publishing whether DS sync's primary part is running (any thread)
     * @param factory makes the synchronous replication of the next primary part
     */
    TakeOverGap(BooleanSupplier primaryCondition, BooleanSupplier publishing, Supplier<SyncReplication> factory) {
        this.primaryCondition = primaryCondition;
        this.publishing = publishing;
        this.factory = factory;
    }

    @Override
    public void changed(DirectoryChange change) {
        // the write call's end decides (one degrade per call, not per change)
    }

    @Override
    public void written(long lastChangeNumber) {
        if (primaryCondition.getAsBoolean() && !publishing.getAsBoolean() && REPLICA.get() == null) {
            pending().awaitUnreplicated("DS change " + lastChangeNumber + " was committed while this node was"
                    + " taking over, before DS sync published its changes");
        }
    }

    /** @return the synchronous replication for the primary part starting now: the one a write degraded, or a new one */
    synchronized SyncReplication take() {
        SyncReplication s = pending != null ? pending : factory.get();
        pending = null;
        return s;
    }

    /** The node is not taking over any more: a degrade recorded meanwhile is not carried to a later primary part. */
    synchronized void discard() {
        pending = null;
    }

    private synchronized SyncReplication pending() {
        if (pending == null) {
            pending = factory.get();
        }
        return pending;
    }
}
