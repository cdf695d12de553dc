package org.switchover.dssync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.switchover.api.log.Journal;
import org.switchover.api.time.SystemScheduler;
import org.switchover.support.replication.SyncReplication;
import org.switchover.support.replication.SyncReplication.Mode;
import org.switchover.testing.LogCapture;

/**
 * DS writes committed while the node takes over, before the primary part publishes: in sync mode a visible degrade at
 * once (not a confirmation as if replicated), carried into the primary part. A real scheduler thread: the host's
 * thread waits until the degrade is recorded.
 */
class TakeOverGapTest {

    private final SystemScheduler scheduler = new SystemScheduler("switchover-dssync-sync-test");
    private final Journal journal = new Journal(scheduler, LoggerFactory.getLogger(TakeOverGapTest.class));
    private final AtomicBoolean primaryCondition = new AtomicBoolean();
    private final AtomicBoolean publishing = new AtomicBoolean();
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SYNC);
    private final AtomicInteger made = new AtomicInteger();
    private final TakeOverGap gap = new TakeOverGap(primaryCondition::get, publishing::get, () -> {
        made.incrementAndGet();
        return new SyncReplication(scheduler, journal, DsSyncRolesComponent.SUBJECT, mode::get, () -> 1000,
                () -> 3000);
    });

    @AfterEach
    void stop() {
        scheduler.shutdown();
    }

    @Test
    void aWriteWhileTakingOverDegradesAtOnceVisiblyAndThePrimaryPartStartsDegraded() {
        try (LogCapture log = new LogCapture()) {
            gap.written(7);
            assertEquals(0, made.get(), "not primary: a backup's or a stopped node's write is not DS sync's");

            primaryCondition.set(true);
            long t0 = System.nanoTime();
            gap.written(8);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 900, "recorded at once, not after the 1 s bound: " + ms + " ms");
            assertEquals(1, log.lines("DS change 8 was committed while this node was taking over").size(),
                    log.text());
            assertEquals(1, log.lines("synchronous replication degraded to asynchronous").size(), log.text());

            SyncReplication s = gap.take();
            assertTrue(s.warning().orElse("").contains("DS change 8 was committed while this node was taking over"),
                    s.warning().toString());
            assertNotSame(s, gap.take(), "the degraded one went to that primary part; the next part gets a new one");

            publishing.set(true);
            gap.written(9);
            assertEquals(2, made.get(), "the primary part publishes: its own listener asks the backup");
        }
    }

    @Test
    void inAsyncModeNothingDegradesAndARoleThatWentDropsARecordedDegrade() {
        mode.set(Mode.ASYNC);
        primaryCondition.set(true);
        gap.written(1);
        assertTrue(gap.take().warning().isEmpty());

        mode.set(Mode.SYNC);
        gap.written(2);
        gap.discard();
        assertTrue(gap.take().warning().isEmpty(), "a later primary part starts synchronous");
    }

    @Test
    void theBackupPartsLastWritesDuringTheTakeOverAreNotTakenForTheHosts() {
        primaryCondition.set(true);
        TakeOverGap.replicaWrite(() -> gap.written(3));
        assertEquals(0, made.get(), "the stream's last messages applied while the role changes: no degrade");
        gap.written(4);
        assertTrue(gap.take().warning().isPresent(), "the host's write after it still degrades");
    }
}
