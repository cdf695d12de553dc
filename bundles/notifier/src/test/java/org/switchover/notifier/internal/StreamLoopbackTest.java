package org.switchover.notifier.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;

/** Streams between two engines over real TLS: resume, resync, overrun, listener failure. */
class StreamLoopbackTest extends EngineTestBase {

    private static final Logger LOG = LoggerFactory.getLogger(StreamLoopbackTest.class);

    /** Records what the follower was given, as "seq" or "resync:id:head", checking each payload. */
    static final class Recorder implements StreamListener {
        final List<String> events = new ArrayList<>();
        final List<Long> applied = new ArrayList<>();
        volatile CountDownLatch gate;
        volatile long failAt = -1;

        @Override
        public void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
            CountDownLatch g = gate;
            if (g != null) {
                g.await(20, TimeUnit.SECONDS);
            }
            if (sequence == failAt) {
                failAt = -1;
                throw new IllegalStateException("disk full at " + sequence);
            }
            assertEquals(sequence, ByteBuffer.wrap(payload).getLong(), "payload of " + sequence);
            synchronized (this) {
                events.add(Long.toString(sequence));
                applied.add(sequence);
            }
        }

        @Override
        public synchronized void onResync(String replicationId, long headSequence) {
            events.add("resync:" + replicationId + ":" + headSequence);
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }

        synchronized List<Long> applied() {
            return List.copyOf(applied);
        }
    }

    private static byte[] body(long seq) {
        return ByteBuffer.allocate(8).putLong(seq).array();
    }

    private TestNode[] linkedPair(int backlog) {
        TestNode a = TestNode.start(NodeId.A, 1, c -> c.streamBacklogSize(backlog));
        nodes.add(a);
        TestNode b = TestNode.start(NodeId.B, a.port());
        nodes.add(b);
        b.engine.openPeerLinks();
        LoopbackTest.awaitActive(b, Link.MAIN, Link.AUX);
        return new TestNode[] {a, b};
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }

    @Test
    void everyMessageArrivesOnceAndInOrderAcrossForcedDisconnects() throws Exception {
        TestNode[] pair = linkedPair(100_000);
        TestNode a = pair[0];
        TestNode b = pair[1];
        StreamPublisher pub = a.engine.publish("ds", "epoch-1");
        Recorder rec = new Recorder();
        StreamSubscription sub = b.engine.follow("ds", StreamPosition.NONE, rec);
        await().atMost(10, TimeUnit.SECONDS).until(() -> rec.events().equals(List.of("resync:epoch-1:0")));

        int total = 10_000;
        AtomicInteger cuts = new AtomicInteger();
        Connection cut = null;
        for (int i = 1; i <= total; i++) {
            assertEquals(i, pub.publish(body(i)));
            if (i % 2500 == 1250) {
                // cut the main connection from either side while messages are in flight and keep publishing while
                // it is down; before the next cut, wait until the backup has a new main connection
                cut = b.engine.activeConnection(Link.MAIN);
                Connection victim = i % 5000 == 1250 ? cut : a.engine.activeConnection(Link.MAIN);
                victim.channel().close();
                cuts.incrementAndGet();
                LOG.info("Cut the main connection after publishing {}", i);
            }
            if (i % 2500 == 2000) {
                Connection old = cut;
                await().atMost(10, TimeUnit.SECONDS).until(() -> {
                    Connection now = b.engine.activeConnection(Link.MAIN);
                    return now != null && now != old && a.engine.activeConnection(Link.MAIN) != null;
                });
            }
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> rec.applied().size() >= total);
        assertEquals(4, cuts.get());
        assertEquals(range(1, total), rec.applied(), "exactly once, in order");
        assertEquals(1, rec.events().stream().filter(e -> e.startsWith("resync")).count(), "no extra resync");
        assertEquals(new StreamPosition("epoch-1", total), sub.position());
        assertEquals(Long.valueOf(total), pub.whenAcknowledged(total).toCompletableFuture().get(10,
                TimeUnit.SECONDS));
        assertTrue(sub.isLive());

        // a new publisher (new epoch) after a close: the follower keeps its position and is told to resync
        pub.close();
        StreamPublisher next = a.engine.publish("ds", "epoch-2");
        next.publish(body(1));
        next.publish(body(2));
        await().atMost(10, TimeUnit.SECONDS).until(() -> sub.position().equals(new StreamPosition("epoch-2", 2)));
        List<String> ev = rec.events();
        List<String> tail = ev.subList(ev.indexOf(Long.toString(total)) + 1, ev.size());
        // resync to whatever head the new publisher had when it met the follower, then the rest in order
        assertTrue(tail.equals(List.of("resync:epoch-2:0", "1", "2")) || tail.equals(List.of("resync:epoch-2:1", "2"))
                || tail.equals(List.of("resync:epoch-2:2")), tail.toString());
    }

    @Test
    void aFollowerThatFallsOutOfTheBacklogWhileConnectedIsToldToResync() {
        TestNode[] pair = linkedPair(50);
        StreamPublisher pub = pair[0].engine.publish("mirror", "e");
        Recorder rec = new Recorder();
        StreamSubscription sub = pair[1].engine.follow("mirror", StreamPosition.NONE, rec);
        await().atMost(10, TimeUnit.SECONDS).until(() -> rec.events().equals(List.of("resync:e:0")));
        CountDownLatch gate = new CountDownLatch(1);
        rec.gate = gate;
        int total = 3000;
        for (int i = 1; i <= total; i++) {
            pub.publish(body(i));
        }
        gate.countDown();
        await().atMost(20, TimeUnit.SECONDS).until(() -> sub.position().equals(new StreamPosition("e", total)));
        List<String> ev = rec.events();
        // A publisher this much faster than its follower overruns the 50-message backlog, perhaps more than once;
        // each time the follower is told to resync and continues right after that head, never out of order.
        long expected = -1;
        int resyncs = 0;
        for (String e : ev) {
            if (e.startsWith("resync:e:")) {
                expected = Long.parseLong(e.substring("resync:e:".length())) + 1;
                resyncs++;
            } else {
                assertEquals(expected, Long.parseLong(e), () -> "in order within " + abbreviated(ev));
                expected++;
            }
        }
        assertTrue(resyncs >= 2, "the follower was overrun at least once: " + abbreviated(ev));
        assertTrue(rec.applied().size() < total, "messages that left the backlog were skipped");
    }

    private static String abbreviated(List<String> ev) {
        return ev.size() > 60 ? ev.subList(0, 60) + "..." : ev.toString();
    }

    @Test
    void aListenerFailurePausesThenResumesFromTheLastAppliedMessage() {
        TestNode[] pair = linkedPair(1000);
        StreamPublisher pub = pair[0].engine.publish("rec", "e");
        Recorder rec = new Recorder();
        rec.failAt = 40;
        StreamSubscription sub = pair[1].engine.follow("rec", new StreamPosition("e", 0), rec);
        for (int i = 1; i <= 100; i++) {
            pub.publish(body(i));
        }
        await().atMost(15, TimeUnit.SECONDS).until(() -> sub.position().sequence() == 100);
        assertEquals(range(1, 100), rec.applied());
        assertTrue(rec.events().stream().noneMatch(e -> e.startsWith("resync")), "same id from 0: resumed");
    }

    @Test
    void aSubscriptionFollowsAgainWhenMainComesBackAfterThePeerRestarts() {
        TestNode a = TestNode.start(NodeId.A, 1);
        nodes.add(a);
        int port = a.port();
        TestNode b = TestNode.start(NodeId.B, port);
        nodes.add(b);
        b.engine.openPeerLinks();
        LoopbackTest.awaitActive(b, Link.MAIN);
        StreamPublisher pub = a.engine.publish("s", "e1");
        pub.publish(body(1));
        Recorder rec = new Recorder();
        StreamSubscription sub = b.engine.follow("s", new StreamPosition("e1", 0), rec);
        await().atMost(10, TimeUnit.SECONDS).until(() -> sub.position().sequence() == 1);
        nodes.remove(a);
        a.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !sub.isLive());
        TestNode again = TestNode.start(NodeId.A, 1, c -> c.portA(port));
        nodes.add(again);
        StreamPublisher pub2 = again.engine.publish("s", "e2");
        pub2.publish(body(1));
        await().atMost(10, TimeUnit.SECONDS).until(() -> sub.position().equals(new StreamPosition("e2", 1)));
        List<String> ev = rec.events();
        assertEquals("1", ev.get(0));
        // depending on whether the new publisher had published when the follower came back: resync to 0 then
        // message 1, or resync straight to 1
        assertTrue(ev.subList(1, ev.size()).equals(List.of("resync:e2:0", "1"))
                || ev.subList(1, ev.size()).equals(List.of("resync:e2:1")), ev.toString());
        AtomicBoolean live = new AtomicBoolean(sub.isLive());
        assertTrue(live.get());
    }

    /** Keeps messages until flush, like a store that writes in batches; can fail one flush. */
    static final class Batcher implements StreamListener {
        final List<Long> pending = new ArrayList<>();
        final List<Long> durable = new ArrayList<>();
        final List<Integer> flushSizes = new ArrayList<>();
        volatile CountDownLatch gate;
        volatile boolean failNextFlush;
        volatile long maxPending;

        @Override
        public void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
            CountDownLatch g = gate;
            if (g != null) {
                g.await(20, TimeUnit.SECONDS);
            }
            synchronized (this) {
                pending.add(sequence);
                maxPending = Math.max(maxPending, pending.size());
            }
        }

        @Override
        public synchronized void flush() throws Exception {
            if (failNextFlush) {
                failNextFlush = false;
                pending.clear();
                throw new java.io.IOException("commit failed");
            }
            durable.addAll(pending);
            flushSizes.add(pending.size());
            pending.clear();
        }

        @Override
        public void onResync(String replicationId, long headSequence) {
            throw new AssertionError("no resync expected");
        }

        synchronized List<Long> durable() {
            return List.copyOf(durable);
        }
    }

    @Test
    void aBufferingListenerIsFlushedInGroupsAndOnlyFlushedMessagesCount() {
        TestNode[] pair = linkedPair(10_000);
        StreamPublisher pub = pair[0].engine.publish("batch", "e");
        Batcher b = new Batcher();
        b.gate = new CountDownLatch(1);
        StreamSubscription sub = pair[1].engine.follow("batch", new StreamPosition("e", 0), b);
        for (int i = 1; i <= 3000; i++) {
            pub.publish(body(i));
        }
        // while the listener is held the subscription queue fills; released, it flushes at least every 512
        await().atMost(10, TimeUnit.SECONDS).until(() -> sub.isLive());
        assertEquals(0, sub.position().sequence(), "nothing flushed, nothing counts");
        b.gate.countDown();
        await().atMost(15, TimeUnit.SECONDS).until(() -> sub.position().sequence() == 3000);
        assertEquals(range(1, 3000), b.durable());
        assertTrue(b.maxPending <= StreamListener.FLUSH_EVERY_MESSAGES, "flushed every 512 at most: " + b.maxPending);
        synchronized (b) {
            assertTrue(b.flushSizes.size() < 3000, "grouped: " + b.flushSizes.size() + " flushes");
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> pub.acknowledgedSequence() == 3000);
    }

    @Test
    void aFailedFlushRollsBackToTheLastFlushedMessageAndTheRestComesAgain() {
        TestNode[] pair = linkedPair(10_000);
        StreamPublisher pub = pair[0].engine.publish("batch", "e");
        Batcher b = new Batcher();
        StreamSubscription sub = pair[1].engine.follow("batch", new StreamPosition("e", 0), b);
        for (int i = 1; i <= 100; i++) {
            pub.publish(body(i));
        }
        await().atMost(15, TimeUnit.SECONDS).until(() -> sub.position().sequence() == 100);
        b.failNextFlush = true;
        for (int i = 101; i <= 1100; i++) {
            pub.publish(body(i));
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> sub.position().sequence() == 1100);
        // the dropped group was delivered again after the pause: every message exactly once in the durable list
        assertEquals(range(1, 1100), b.durable());
        assertTrue(b.failNextFlush == false, "the failing flush happened");
    }
}
