package org.switchover.recovery.internal;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.switchover.api.interaction.Channel;
import org.switchover.api.log.Journal;
import org.switchover.api.time.Scheduler;
import org.switchover.support.replication.SyncReplication;

/**
 * The replication mode of interaction recovery (PID {@code org.switchover.recovery}: {@code
 * switchover.replication.mode}, {@code switchover.replication.sync.timeout.ms}, {@code
 * switchover.replication.sync.resume.ms}, named as DS sync's) and the actor its {@link SyncReplication} gates run
 * on: one gate per channel, since each channel has its own stream. The values are read live.
 *
 * @param scheduler the gates' actor thread
 * @param journal their audit lines
 * @param modeSource the current mode
 * @param timeout the current bound on one change's wait for the backup (ms)
 * @param resume the current resume hold (ms)
 */
record RecoveryReplication(Scheduler scheduler, Journal journal, Supplier<SyncReplication.Mode> modeSource,
        LongSupplier timeout, LongSupplier resume) {

    /** Asynchronous, never waiting: for tests and before the component has read its configuration. */
    static final RecoveryReplication ASYNC = new RecoveryReplication(null, null, () -> SyncReplication.Mode.ASYNC,
            () -> 5000, () -> 10_000);

    SyncReplication.Mode mode() {
        return modeSource.get();
    }

    long timeoutMillis() {
        return timeout.getAsLong();
    }

    /** @return a gate for {@code c}'s stream; null for {@link #ASYNC} (no actor: never synchronous) */
    SyncReplication gate(Channel c) {
        if (scheduler == null) {
            return null;
        }
        return new SyncReplication(scheduler, journal, subject(c), modeSource, timeout, resume);
    }

    private static SyncReplication.Subject subject(Channel c) {
        return new SyncReplication.Subject("Interaction recovery (" + c.key() + ")", "interaction",
                c.key() + " change message");
    }
}
