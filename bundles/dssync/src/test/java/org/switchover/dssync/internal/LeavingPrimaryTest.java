package org.switchover.dssync.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.MemoryDirectoryStore;
import org.switchover.testing.LogCapture;
import org.switchover.testing.MemoryNotifier;
import org.switchover.testing.VirtualScheduler;

/**
 * The primary part after its role ended (fault harness seed 6748226892438024993): its stream stays open until the
 * backup acknowledged its head, so a change the host committed around the end of the role reaches the node that takes
 * over before the controlled hand-over is acknowledged.
 */
class LeavingPrimaryTest {

    @TempDir
    Path dataDir;

    private final MemoryDirectoryStore primaryStore = new MemoryDirectoryStore();
    private final MemoryDirectoryStore backupStore = new MemoryDirectoryStore();
    private final VirtualScheduler time = new VirtualScheduler();
    private final MemoryNotifier loop = MemoryNotifier.loopback(time);
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private volatile long epoch = 3;

    private final SwitchoverStatus status = DsSyncRolesTest.primary(NodeId.B, () -> epoch);

    private static DirectoryEntry item(String name, String t) {
        return new DirectoryEntry("bulk/r1/f0/" + name, "Item", Map.of("t", List.of(t)));
    }

    @Test
    void aChangeCommittedAroundTheEndOfTheRoleReachesTheBackupBeforeTheHandOverIsAcknowledged() throws Exception {
        DsSyncComponent settings = new DsSyncComponent(dataDir, Map.of());
        DsSyncPrimary p = DsSyncRolesTest.handling(loop, new DsSyncPrimary(primaryStore, loop, status, settings,
                clock, DsSyncRolesTest.asyncOnly()));
        // the backup has not acknowledged these yet (it follows only below)
        for (int i = 0; i < 3; i++) {
            primaryStore.put(item("e" + i, "1"));
        }
        LeavingPrimary leaving = new LeavingPrimary(time, Runnable::run);
        leaving.add(p);
        // the host's store does not ask for the role: a write after its end is on the stream too, under the same
        // replication id although the node learnt a new epoch from the peer taking over
        epoch = 4;
        primaryStore.put(item("e199", "2"));
        assertEquals(4, p.head());
        CompletableFuture<String> handOver = leaving.handOver(10_000);
        assertFalse(handOver.isDone(), "the backup has not acknowledged the head yet");

        DsSyncBackup b = new DsSyncBackup(backupStore, loop, settings, () -> ReplicationFilter.FULL, clock);
        assertTrue(handOver.isDone(), "acknowledged once the backup had the head");
        assertTrue(handOver.join().contains("up to the stream's head 4"), handOver.join());
        assertEquals(primaryStore.entries(""), backupStore.entries(""));
        assertArrayEquals(primaryStore.subtreeHash(""), backupStore.subtreeHash(""));
        assertFalse(leaving.active(), "the stream closes once handed over");
        assertEquals(0, p.head(), "closed");
        b.close();
    }

    @Test
    void aBackupThatDoesNotAcknowledgeEndsTheHandOverAtItsShareOfTheBudgetAndTheStreamLater() throws Exception {
        DsSyncComponent settings = new DsSyncComponent(dataDir, Map.of());
        DsSyncPrimary p = new DsSyncPrimary(primaryStore, loop, status, settings, clock, DsSyncRolesTest.asyncOnly());
        primaryStore.put(item("e0", "1"));
        primaryStore.put(item("e1", "1"));
        LeavingPrimary leaving = new LeavingPrimary(time, Runnable::run);
        try (LogCapture log = new LogCapture()) {
            leaving.add(p);
            CompletableFuture<String> handOver = leaving.handOver(1000);
            time.advance(799);
            assertFalse(handOver.isDone());
            time.advance(1);
            assertEquals("DS sync: NOT ACKNOWLEDGED within 800 ms: messages 1-2", handOver.join());
            assertTrue(leaving.active(), "kept open in case the messages still land before the take-over");
            time.advance(LeavingPrimary.KEEP_MILLIS);
            assertFalse(leaving.active());
            assertEquals(1, log.lines("with messages 1-2 not acknowledged by the backup").size(), log.text());
        }
    }

    @Test
    void aNewRoleClosesTheLeavingStreamAtOnce() {
        DsSyncComponent settings = new DsSyncComponent(dataDir, Map.of());
        DsSyncPrimary p = new DsSyncPrimary(primaryStore, loop, status, settings, clock, DsSyncRolesTest.asyncOnly());
        LeavingPrimary leaving = new LeavingPrimary(time, Runnable::run);
        leaving.add(p);
        leaving.close("this node is BACKUP now");
        assertFalse(leaving.active());
        assertEquals(0, time.pending(), "the keep timer is cancelled");
        assertEquals("DS sync: no stream to hand over", leaving.handOver(1000).join());
    }
}
