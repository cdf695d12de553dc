package org.switchover.support.replication;

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
import org.switchover.support.replication.SyncReplication.Mode;
import org.switchover.support.replication.SyncReplication.Outcome;
import org.switchover.testing.VirtualScheduler;

/** The degrade / recover logic of synchronous replication on virtual time, against a publisher the test acknowledges. */
class SyncReplicationTest {

    private static final long BOUND = 1000;

    private final VirtualScheduler time = new VirtualScheduler();
    private final Journal journal = new Journal(time, LoggerFactory.getLogger(SyncReplicationTest.class),
            LoggerFactory.getLogger(Journal.AUDIT_LOGGER));
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SYNC);
    private final AtomicLong bound = new AtomicLong(BOUND);
    private static final SyncReplication.Subject DS = new SyncReplication.Subject("DS sync", "DS", "DS change message");
    /** The resume hold: 0 in the tests of the plain degrade/resume logic, set by the hysteresis tests. */
    private final AtomicLong hold = new AtomicLong(0);
    private final SyncReplication sync = new SyncReplication(time, journal, DS, mode::get, bound::get, hold::get);
    private final FakePublisher pub = new FakePublisher();


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
    void aChangeNoBackupCanAcknowledgeDegradesAtOnceVisiblyAndTheBackupBringsTheSyncBack() throws Exception {
        // the host's thread waits until the degrade is recorded (the audit line comes before its confirmation)
        CompletableFuture<Void> held = CompletableFuture.runAsync(
                () -> sync.awaitUnreplicated("a change was made before the stream was published"));
        long deadline = System.currentTimeMillis() + 5000;
        while (!held.isDone() && System.currentTimeMillis() < deadline) {
            time.runDue();
            Thread.sleep(1);
        }
        held.get(1, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, audits().size(), audits().toString());
        assertTrue(audits().get(0).contains("degraded to asynchronous: a change was made before the stream was"
                + " published"), audits().toString());
        assertTrue(sync.warning().orElse("").startsWith("Synchronous DS replication degraded to asynchronous"),
                sync.warning().toString());
        assertTrue(sync.describe().contains("DEGRADED"), sync.describe());
        // the next change on the stream is confirmed without waiting and asks the backup; its answer resumes
        CompletableFuture<Outcome> w = write();
        assertEquals(Outcome.DEGRADED, w.join());
        pub.ack(1);
        time.runDue();
        assertTrue(sync.warning().isEmpty(), sync.warning().toString());
        assertTrue(audits().get(audits().size() - 1).contains("synchronous replication resumed"), audits().toString());
    }

    @Test
    void inAsyncModeAChangeNoBackupCanAcknowledgeIsNoDegrade() {
        mode.set(Mode.ASYNC);
        sync.awaitUnreplicated("a change was made before the stream was published");
        time.runDue();
        assertTrue(audits().isEmpty(), audits().toString());
        assertTrue(sync.warning().isEmpty());
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
    void theResumeHoldKeepsThePairDegradedUntilTheBackupHasKeptUpThatLong() {
        hold.set(3000);
        write();
        time.advance(BOUND);
        assertTrue(sync.warning().isPresent());
        // the first probe (message 1, asked at t=1000) is answered in time: the hold starts with it
        time.advance(200);
        pub.ack(1);
        time.runDue();
        assertTrue(sync.warning().isPresent(), "resumed before the hold");
        assertTrue(sync.describe().contains("caught up for 200 of 3000 ms"), sync.describe());
        CompletableFuture<Outcome> meanwhile = write();
        assertEquals(Outcome.DEGRADED, meanwhile.getNow(null), "degraded during the hold: confirmed at once");
        pub.ack(2);
        time.runDue();
        // probes every half bound keep finding the backup caught up
        time.advance(2699);
        assertTrue(sync.warning().isPresent(), "resumed 1 ms before the hold ended");
        time.advance(101);
        assertTrue(sync.warning().isEmpty(), "still degraded after the hold: " + sync.warning());
        String resumed = audits().get(audits().size() - 1);
        assertTrue(resumed.contains("synchronous replication resumed") && resumed.contains("kept up for 3000 ms"),
                audits().toString());
        CompletableFuture<Outcome> next = write();
        assertFalse(next.isDone(), "synchronous again: the write waits");
    }

    @Test
    void aBackupThatCatchesUpOnlyLateStartsTheHoldWhenItHasCaughtUp() {
        hold.set(3000);
        write();
        time.advance(BOUND);
        // the probe for message 1 is answered 25 s late, with nothing else published: caught up, but only now
        time.advance(25_000);
        pub.ack(1);
        time.runDue();
        assertTrue(sync.warning().isPresent(), "a 25 s wait counted as 25 s of keeping up");
        time.advance(3000);
        assertTrue(sync.warning().isEmpty(), "still degraded 3000 ms after catching up: " + sync.warning());
    }

    @Test
    void aSlowProbeDuringTheResumeHoldStartsTheHoldAgain() {
        hold.set(3000);
        write();
        time.advance(BOUND);
        time.advance(200);
        pub.ack(1);
        time.runDue();
        // t=1200: the hold runs since 1000. A write at 1300; the next probe (t=1700) asks for message 2, which the
        // backup answers only 1500 ms later, while message 3 was written: a bad probe
        time.advance(100);
        write();
        time.advance(1800);
        write();
        time.advance(100);
        pub.ack(2);
        time.runDue();
        // t=3200: the new probe asks for message 3, answered at once: the hold starts again at 3200
        pub.ack(3);
        time.runDue();
        time.advance(1000);
        assertTrue(sync.warning().isPresent(), "the hold did not start again after the slow probe");
        time.advance(2000);
        assertTrue(sync.warning().isEmpty(), "still degraded 3000 ms after the last bad probe: " + sync.warning());
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
