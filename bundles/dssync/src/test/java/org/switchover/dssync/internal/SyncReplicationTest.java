package org.switchover.dssync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.dssync.internal.SyncReplication.Mode;
import org.switchover.dssync.internal.SyncReplication.Outcome;
import org.switchover.testing.VirtualScheduler;

/** The degrade / recover logic of synchronous replication on virtual time, against a publisher the test acknowledges. */
class SyncReplicationTest {

    private static final long BOUND = 1000;

    private final VirtualScheduler time = new VirtualScheduler();
    private final Journal journal = new Journal(time, LoggerFactory.getLogger(SyncReplicationTest.class),
            LoggerFactory.getLogger(Journal.AUDIT_LOGGER));
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SYNC);
    private final AtomicLong bound = new AtomicLong(BOUND);
    private final SyncReplication sync = new SyncReplication(time, journal, mode::get, bound::get);
    private final FakePublisher pub = new FakePublisher();

    /** A gate in async mode on its own virtual scheduler, for tests of the other parts. */
    static SyncReplication asyncOnly() {
        VirtualScheduler s = new VirtualScheduler();
        return new SyncReplication(s, new Journal(s, LoggerFactory.getLogger(SyncReplicationTest.class)),
                () -> Mode.ASYNC, () -> BOUND);
    }

    private CompletableFuture<Outcome> write() {
        CompletableFuture<Outcome> f = sync.confirm(pub, pub.publish(new byte[0]));
        time.runDue();
        return f;
    }

    private List<String> audits() {
        List<String> out = new ArrayList<>();
        journal.entries().stream().filter(Journal.Entry::audit).forEach(e -> out.add(e.text()));
        return out;
    }

    @Test
    void aWriteWaitsForTheBackupsAcknowledgement() {
        CompletableFuture<Outcome> w = write();
        time.advance(BOUND - 1);
        assertFalse(w.isDone(), "confirmed before the backup acknowledged");
        pub.ack(1);
        time.runDue();
        assertEquals(Outcome.REPLICATED, w.join());
        assertTrue(sync.warning().isEmpty());
        assertTrue(audits().isEmpty(), audits().toString());
        // a later acknowledgement covers an earlier write too
        CompletableFuture<Outcome> a = write();
        CompletableFuture<Outcome> b = write();
        pub.ack(3);
        time.runDue();
        assertEquals(Outcome.REPLICATED, a.join());
        assertEquals(Outcome.REPLICATED, b.join());
    }

    @Test
    void aSilentBackupDegradesThePairAtTheBoundAndReleasesEveryWaitingWrite() {
        CompletableFuture<Outcome> first = write();
        time.advance(400);
        CompletableFuture<Outcome> second = write();
        time.advance(BOUND - 400 - 1);
        assertFalse(first.isDone());
        time.advance(1);
        assertEquals(Outcome.DEGRADED, first.join());
        assertEquals(Outcome.DEGRADED, second.join(), "the other waiting write is released with the first");
        assertTrue(sync.warning().orElseThrow().contains("did not acknowledge DS change message 1 within 1000 ms"),
                sync.warning().toString());
        assertEquals(1, audits().size(), audits().toString());
        assertTrue(audits().get(0).contains("degraded to asynchronous"), audits().toString());
        // degraded: confirmed at once, no waiting
        CompletableFuture<Outcome> third = write();
        assertEquals(Outcome.DEGRADED, third.getNow(null));
        assertTrue(sync.describe().contains("DEGRADED"), sync.describe());
    }

    @Test
    void theBackupCatchingUpWithinTheBoundRestoresSynchronousMode() {
        write();
        time.advance(BOUND);
        assertTrue(sync.warning().isPresent());
        write();
        write();
        // the probe asked for message 1 (the head when it degraded); the backup answers it within the bound
        time.advance(200);
        pub.ack(1);
        time.runDue();
        assertTrue(sync.warning().isEmpty(), "still degraded: " + sync.warning());
        assertTrue(audits().get(audits().size() - 1).contains("synchronous replication resumed"), audits().toString());
        CompletableFuture<Outcome> next = write();
        assertFalse(next.isDone(), "synchronous again: the write waits");
        pub.ack(4);
        time.runDue();
        assertEquals(Outcome.REPLICATED, next.join());
    }

    @Test
    void aBackupStillBehindStaysDegradedUntilItHasCaughtUp() {
        write();
        time.advance(BOUND);
        // the backup answers the probe only after the bound, while more was written meanwhile
        time.advance(BOUND + 500);
        write();
        write();
        pub.ack(1);
        time.runDue();
        assertTrue(sync.warning().isPresent(), "one late answer must not restore sync mode");
        // the new probe (message 3, the head) answered in time
        time.advance(100);
        pub.ack(3);
        time.runDue();
        assertTrue(sync.warning().isEmpty(), sync.warning().toString());
        long resumed = audits().stream().filter(a -> a.contains("resumed")).count();
        assertEquals(1, resumed, audits().toString());
    }

    @Test
    void asyncModeNeverWaitsAndShowsNoWarning() {
        mode.set(Mode.ASYNC);
        CompletableFuture<Outcome> w = write();
        assertEquals(Outcome.ASYNC, w.getNow(null));
        assertTrue(sync.warning().isEmpty());
        // switched to sync live: the next write waits
        mode.set(Mode.SYNC);
        CompletableFuture<Outcome> s = write();
        assertFalse(s.isDone());
        time.advance(BOUND);
        assertEquals(Outcome.DEGRADED, s.join());
        // back to async: the degraded warning is not shown any more
        mode.set(Mode.ASYNC);
        assertTrue(sync.warning().isEmpty());
        assertEquals(Outcome.ASYNC, write().getNow(null));
    }

    @Test
    void aClosedPublisherReleasesTheWriteWithoutDegrading() {
        CompletableFuture<Outcome> w = write();
        pub.close();
        time.runDue();
        assertEquals(Outcome.CLOSED, w.join());
        assertTrue(sync.warning().isEmpty());
        assertTrue(audits().isEmpty(), audits().toString());
    }

    @Test
    void theBoundIsReadLive() {
        bound.set(50);
        CompletableFuture<Outcome> w = write();
        time.advance(50);
        assertEquals(Outcome.DEGRADED, w.join());
        assertTrue(sync.warning().orElseThrow().contains("within 50 ms"), sync.warning().toString());
    }

    /** A publisher whose acknowledgements the test gives; waiters complete on the caller's thread. */
    private static final class FakePublisher implements StreamPublisher {
        private final TreeMap<Long, List<CompletableFuture<Long>>> waiters = new TreeMap<>();
        private long head;
        private long acked;
        private boolean closed;

        @Override
        public String stream() {
            return "dssync";
        }

        @Override
        public String replicationId() {
            return "1";
        }

        @Override
        public synchronized long publish(byte[] payload) {
            return ++head;
        }

        @Override
        public synchronized long headSequence() {
            return head;
        }

        @Override
        public synchronized long acknowledgedSequence() {
            return acked;
        }

        @Override
        public synchronized CompletionStage<Long> whenAcknowledged(long sequence) {
            if (acked >= sequence) {
                return CompletableFuture.completedFuture(acked);
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("closed"));
            }
            CompletableFuture<Long> f = new CompletableFuture<>();
            waiters.computeIfAbsent(sequence, k -> new ArrayList<>()).add(f);
            return f;
        }

        void ack(long seq) {
            List<CompletableFuture<Long>> due = new ArrayList<>();
            synchronized (this) {
                acked = Math.max(acked, seq);
                Map<Long, List<CompletableFuture<Long>>> head = waiters.headMap(seq, true);
                head.values().forEach(due::addAll);
                head.clear();
            }
            due.forEach(f -> f.complete(seq));
        }

        @Override
        public void close() {
            List<CompletableFuture<Long>> due = new ArrayList<>();
            synchronized (this) {
                closed = true;
                waiters.values().forEach(due::addAll);
                waiters.clear();
            }
            due.forEach(f -> f.completeExceptionally(new IllegalStateException("closed")));
        }
    }
}
