package org.switchover.notifier.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.EventIds;

/**
 * What one peer may cost (issue 10): connections per source address and per certificate, frames before the logon,
 * half-sent frames, unread output and subscriptions are all bounded, and each bound is a parameter.
 */
class LimitsTest extends EngineTestBase {

    private static Limits limits(int perAddress, int perPeer, long frameTimeoutMs, int pauseBytes, int subscriptions) {
        return new Limits(perAddress, perPeer, Duration.ofMillis(frameTimeoutMs), pauseBytes, subscriptions);
    }

    private TestNode node(Limits l) {
        return track(TestNode.start(NodeId.A, 1, c -> c.limits(l)));
    }

    @Test
    void connectionsPerSourceAddressAreCapped() throws Exception {
        TestNode a = node(limits(3, 8, 30_000, 4 << 20, 64));
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                open.add(new Socket("127.0.0.1", a.port()));
            }
            // the first three wait in the TLS handshake; the fourth and fifth are closed at once (well before the
            // handshake timeout; generous bounds for a busy machine)
            for (int i = 3; i < 5; i++) {
                open.get(i).setSoTimeout(15_000);
                assertEquals(-1, open.get(i).getInputStream().read(), "connection " + (i + 1) + " is closed");
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        assertEquals(2L, a.engine.protocolErrors().get("connection-limit"), "only the two over the cap");
    }

    @Test
    void connectionsPerCertificateAreCapped() throws Exception {
        TestNode a = node(limits(64, 2, 30_000, 4 << 20, 64));
        try (RawPeer one = RawPeer.connect(a.port(), TestCerts.node("B"));
             RawPeer two = RawPeer.connect(a.port(), TestCerts.node("B"));
             RawPeer three = RawPeer.connect(a.port(), TestCerts.node("B"))) {
            assertTrue(three.closedWithin(3), "a third connection with B's certificate is closed after the handshake");
            assertFalse(one.closedWithin(1), "the first two stay");
        }
    }

    @Test
    void aBigFrameBeforeTheLogonIsRefused() throws Exception {
        TestNode a = node(Limits.DEFAULT);
        try (RawPeer p = RawPeer.connect(a.port(), TestCerts.node("B"))) {
            new DataOutputStream(p.out).writeInt(1024 * 1024);
            p.out.write(new byte[1024]);
            p.out.flush();
            assertTrue(p.closedWithin(3));
        }
        assertEquals(1L, a.engine.protocolErrors().get(ProtocolException.FRAME_TOO_LARGE));
    }

    @Test
    void aHalfSentFrameClosesTheConnectionAfterTheFrameTimeout() throws Exception {
        TestNode a = node(limits(16, 8, 1000, 4 << 20, 64));
        try (RawPeer p = RawPeer.logOn(a.port(), "MAIN")) {
            new DataOutputStream(p.out).writeInt(100_000);
            p.out.write(new byte[5000]);
            p.out.flush();
            assertTrue(p.closedWithin(5), "closed by the frame timeout");
        }
        assertEquals(1L, a.engine.protocolErrors().get(ProtocolException.FRAME_TIMEOUT));
    }

    @Test
    void aPeerThatDoesNotReadItsRepliesIsNoLongerRead() throws Exception {
        TestNode a = node(limits(16, 8, 30_000, 64 * 1024, 64));
        try (RawPeer p = RawPeer.logOn(a.port(), "MAIN")) {
            byte[] ping = RawPeer.frame(new Message.Request("*", EventIds.NOTIFIER_PING, 1, "B/MAIN",
                    Message.EMPTY));
            AtomicLong written = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                byte[] batch = new byte[ping.length * 1000];
                for (int i = 0; i < 1000; i++) {
                    System.arraycopy(ping, 0, batch, i * ping.length, ping.length);
                }
                try {
                    while (!stop.get() && written.get() < 200L * 1024 * 1024) {
                        p.out.write(batch);
                        written.addAndGet(batch.length);
                    }
                } catch (IOException closed) {
                    // ends the writer
                }
            }, "unread-pings");
            writer.setDaemon(true);
            writer.start();
            // the writer blocks once the node stops reading: its count stops moving, far below 200 MiB
            long[] last = {-1};
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(1500)).until(() -> {
                long now = written.get();
                boolean stalled = now == last[0];
                last[0] = now;
                return stalled;
            });
            assertTrue(written.get() < 100L * 1024 * 1024, "written before the stall: " + written.get());
            stop.set(true);
        }
    }

    @Test
    void subscriptionsPerConnectionAreCappedAndLeaveNothingBehind() throws Exception {
        TestNode a = node(limits(16, 8, 30_000, 4 << 20, 8));
        try (RawPeer p = RawPeer.logOn(a.port(), "MAIN")) {
            try {
                for (int i = 0; i < 100; i++) {
                    p.write(new Message.Subscribe("no-such-stream-" + i, "", 0));
                }
            } catch (IOException closedWhileWriting) {
                // the node may close before all of them are written
            }
            assertTrue(p.closedWithin(5));
        }
        assertEquals(1L, a.engine.protocolErrors().get(ProtocolException.TOO_MANY_SUBSCRIPTIONS));
        await().atMost(5, TimeUnit.SECONDS).until(() -> a.engine.streams.streamNames() == 0);
    }
}
