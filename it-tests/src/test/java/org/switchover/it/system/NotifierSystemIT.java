package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.it.support.Certs;
import org.switchover.notifier.internal.NotifierEngine;

/**
 * The notifier between two processes over real loopback sockets with mutual TLS: node A is {@link PeerMain} in its
 * own JVM, node B is an engine in this JVM whose links pass through a proxy the tests cut.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotifierSystemIT {

    private static final int BACKLOG = 1000;
    private static PeerHarness pair;

    @BeforeAll
    static void startPair() throws IOException {
        pair = new PeerHarness("notifier", BACKLOG);
    }

    @AfterAll
    static void stopPair() {
        if (pair != null) {
            pair.close();
        }
    }

    private static Response send(Link link, String eventId, String payload, Duration timeout) throws Exception {
        return pair.node.send(link, "*", eventId, payload.getBytes(StandardCharsets.UTF_8), timeout)
                .response().toCompletableFuture().get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
    }

    @Test
    @Order(1)
    void requestAndReplyOnMainAndOnAux() throws Exception {
        for (Link link : Link.values()) {
            Response r = send(link, "echo", "hello over " + link, Duration.ofSeconds(5));
            assertEquals(ResponseOutcome.REPLY, r.outcome(), r.detail());
            assertEquals("hello over " + link, PeerHarness.text(r));
        }
    }

    @Test
    @Order(2)
    void unknownEventIdIsRejectedAtOnceNotTimedOut() throws Exception {
        long start = System.nanoTime();
        Response r = send(Link.MAIN, "no such event", "", Duration.ofSeconds(20));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(ResponseOutcome.REJECTED, r.outcome());
        assertTrue(r.detail().contains("no such event"), r.detail());
        assertTrue(ms < 5_000, "rejection took " + ms + " ms, the timeout was 20 s");
    }

    @Test
    @Order(3)
    void replyTimeoutIsHonoured() throws Exception {
        long start = System.nanoTime();
        Response r = send(Link.AUX, "slow", "3000", Duration.ofMillis(500));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(ResponseOutcome.TIMEOUT, r.outcome());
        assertTrue(ms >= 450 && ms < 2_500, "timed out after " + ms + " ms, expected about 500");
    }

    /** Records what a follower applies; fails the test on a gap, a duplicate or a wrong payload. */
    private static final class Recorder implements StreamListener {
        final List<Long> applied = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger resyncs = new AtomicInteger();
        volatile long resyncHead = -1;
        volatile String error;
        private long last = -1;

        @Override
        public void onMessage(String replicationId, long sequence, byte[] payload) {
            String text = new String(payload, StandardCharsets.UTF_8);
            if (last >= 0 && sequence != last + 1) {
                error = "sequence " + sequence + " after " + last;
            }
            if (!text.equals("msg-" + sequence)) {
                error = "payload '" + text + "' at sequence " + sequence;
            }
            last = sequence;
            applied.add(sequence);
        }

        @Override
        public void onResync(String replicationId, long headSequence) {
            resyncs.incrementAndGet();
            resyncHead = headSequence;
            last = headSequence;
        }

        long lastApplied() {
            return last;
        }
    }

    @Test
    @Order(4)
    void streamResumesAfterBrokenConnectionsExactlyOnceInOrder() throws Exception {
        long head0 = Long.parseLong(PeerHarness.text(pair.control("publish", "0")));
        Recorder rec = new Recorder();
        try (StreamSubscription sub = pair.node.follow("test", new StreamPosition("r1", head0), rec)) {
            long expected = Long.parseLong(PeerHarness.text(pair.control("publish", "100")));
            awaitApplied(rec, expected);
            for (int round = 0; round < 5; round++) {
                pair.proxy.refuse(true);
                pair.proxy.cut();
                await().atMost(10, TimeUnit.SECONDS).until(() -> !pair.node.status(Link.MAIN).isActive());
                expected = Long.parseLong(PeerHarness.text(pair.control("publish", "150")));
                pair.proxy.refuse(false);
                awaitApplied(rec, expected);
            }
            // cuts in the middle of a stream of publications: 20 batches of 50 while the proxy resets the links
            CompletableFuture<Long> burst = CompletableFuture.supplyAsync(() -> {
                long head = 0;
                for (int i = 0; i < 20; i++) {
                    head = Long.parseLong(PeerHarness.text(pair.control("publish", "50")));
                }
                return head;
            });
            for (int cut = 1; cut <= 3 && !burst.isDone(); cut++) {
                long seen = rec.lastApplied();
                await().atMost(20, TimeUnit.SECONDS).until(() -> rec.lastApplied() > seen + 60 || burst.isDone());
                pair.proxy.cut();
            }
            long last = burst.get(60, TimeUnit.SECONDS);
            awaitApplied(rec, last);
            assertEquals(null, rec.error);
            assertEquals(0, rec.resyncs.get(), "resume must not fall back to a resynchronisation");
            List<Long> applied = new ArrayList<>(rec.applied);
            assertEquals(last - head0, applied.size(), "every message exactly once");
            for (int i = 0; i < applied.size(); i++) {
                assertEquals(head0 + 1 + i, applied.get(i));
            }
            assertEquals(last, sub.position().sequence());
        }
    }

    @Test
    @Order(5)
    void backlogOverrunSignalsFullResync() throws Exception {
        long head0 = Long.parseLong(PeerHarness.text(pair.control("publish", "0")));
        Recorder rec = new Recorder();
        try (StreamSubscription sub = pair.node.follow("test", new StreamPosition("r1", head0), rec)) {
            long first = Long.parseLong(PeerHarness.text(pair.control("publish", "10")));
            awaitApplied(rec, first);
            pair.proxy.refuse(true);
            pair.proxy.cut();
            await().atMost(10, TimeUnit.SECONDS).until(() -> !pair.node.status(Link.MAIN).isActive());
            long head = Long.parseLong(PeerHarness.text(pair.control("publish", Integer.toString(BACKLOG * 3))));
            pair.proxy.refuse(false);
            await().atMost(30, TimeUnit.SECONDS).until(() -> rec.resyncs.get() == 1);
            assertEquals(head, rec.resyncHead, "the resync signal carries the publisher's head");
            long after = Long.parseLong(PeerHarness.text(pair.control("publish", "5")));
            awaitApplied(rec, after);
            assertEquals(null, rec.error);
            assertEquals(1, rec.resyncs.get());
        }
    }

    private static void awaitApplied(Recorder rec, long sequence) {
        await("follower applies up to " + sequence).atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(20)).until(() -> rec.lastApplied() >= sequence || rec.error != null);
        assertEquals(null, rec.error);
    }

    @Test
    @Order(6)
    void garbageAndOversizedFramesAreRefusedWhileALegitimateLinkKeepsWorking() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread legit = new Thread(() -> {
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                try {
                    Response r = send(Link.MAIN, "echo", "ping " + i, Duration.ofSeconds(5));
                    if (r.isReply()) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        failures.add(r.outcome() + " " + r.detail());
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    failures.add(e.toString());
                }
            }
        }, "legit-traffic");
        legit.start();
        Random random = new Random(42);

        // 1. 10,000 garbage frames in plain TCP: they never get past the TLS handshake
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), pair.peerPort)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            try {
                for (int i = 0; i < 10_000; i++) {
                    byte[] junk = new byte[1 + random.nextInt(64)];
                    random.nextBytes(junk);
                    out.writeInt(junk.length);
                    out.write(junk);
                }
            } catch (IOException closedByPeer) {
                // the peer hung up on us, as it should
            }
        }
        // 2. 10,000 garbage frames from authenticated TLS clients, 100 frames on each of 100 connections
        SSLContext tls = Certs.clientContext(Certs.node("B"));
        for (int c = 0; c < 100; c++) {
            try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    pair.peerPort)) {
                s.startHandshake();
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                try {
                    for (int i = 0; i < 100; i++) {
                        byte[] junk = new byte[8 + random.nextInt(64)];
                        random.nextBytes(junk);
                        out.writeInt(junk.length);
                        out.write(junk);
                    }
                    out.flush();
                } catch (IOException closedByPeer) {
                    // expected once the first frame is refused
                }
            }
        }
        // 3. a frame announcing 64 MiB: the peer closes the connection without waiting for the bytes
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                pair.peerPort)) {
            s.startHandshake();
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            new DataOutputStream(out).writeInt(64 * 1024 * 1024);
            out.write(new byte[1024]);
            out.flush();
            InputStream in = s.getInputStream();
            boolean closed;
            try {
                closed = in.read() < 0;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true;
            }
            assertTrue(closed, "the peer must close a connection announcing a 64 MiB frame");
        }

        int before = ok.get();
        await().atMost(10, TimeUnit.SECONDS).until(() -> ok.get() > before + 20);
        stop.set(true);
        legit.join(30_000);
        assertEquals(0, failed.get(), "legitimate requests failed: " + failures);
        assertTrue(pair.peer.isAlive(), "the peer process must survive");
        String log = pair.peer.output();
        assertTrue(log.contains("67108864"), "the peer's log names the announced 64 MiB size");
        String stats = PeerHarness.text(pair.control("stats", ""));
        assertTrue(stats.contains("frame-too-large"), stats);
        assertTrue(stats.contains("malformed-frame"), stats);
        assertTrue(log.contains("(not-tls)"), "the plain-TCP garbage is refused at the TLS layer, with a log line");
    }

    @Test
    @Order(7)
    void peerWithCertificateOfAnotherAuthorityGetsAuthenticationFailureAndNothingIsProcessed() throws Exception {
        String statsBefore = PeerHarness.text(pair.control("stats", ""));
        NotifierEngine intruder = pair.engine(pair.peerPort, Certs.foreignNodeB());
        try {
            intruder.start();
            intruder.openPeerLinks();
            await().atMost(30, TimeUnit.SECONDS).until(
                    () -> intruder.status(Link.MAIN).status() == ConnectionStatus.AUTHENTICATION_FAILURE);
            Response r = intruder.send(Link.MAIN, "*", "echo", new byte[0], Duration.ofSeconds(2)).response()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(ResponseOutcome.CONNECTION_LOST, r.outcome());
            Response once = intruder.sendOnce("*", "echo", new byte[0], Duration.ofSeconds(5)).response()
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(ResponseOutcome.CONNECTION_LOST, once.outcome());
            assertTrue(once.detail().toLowerCase().contains("auth"), once.detail());
        } finally {
            intruder.close();
        }
        assertTrue(pair.peer.output().contains("authentication failure from"), "the refusal is logged by the peer");
        String statsAfter = PeerHarness.text(pair.control("stats", ""));
        assertEquals(echoes(statsBefore), echoes(statsAfter), "no request of the intruder reached a handler");
    }

    private static String echoes(String stats) {
        return stats.substring(0, stats.indexOf(';'));
    }
}
