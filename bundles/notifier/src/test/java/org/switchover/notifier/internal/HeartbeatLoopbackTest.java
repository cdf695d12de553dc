package org.switchover.notifier.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.notifier.ResponseOutcome;

/**
 * Two engines on loopback with real TLS and heartbeats on: the key goes over the main link, heartbeats flow both ways
 * on the notifier's port number (UDP), a reconnect brings a new key without a gap, and a flood of hostile datagrams
 * on the UDP port changes nothing on the links.
 */
class HeartbeatLoopbackTest extends EngineTestBase {

    private static final HeartbeatSettings ON = new HeartbeatSettings(50, 1000, 1000, 200);

    private TestNode[] pair() {
        TestNode a = track(TestNode.start(NodeId.A, 1, c -> c.heartbeats(ON)));
        TestNode b = track(TestNode.start(NodeId.B, a.port(), c -> c.heartbeats(ON)));
        // A learns B's port now that B has one: its heartbeats go there
        a.engine.reconfigure(a.engine.config().toBuilder().portB(b.port()).build());
        b.engine.openPeerLinks();
        LoopbackTest.awaitActive(b, Link.MAIN, Link.AUX);
        return new TestNode[] {a, b};
    }

    private static void awaitFresh(TestNode n) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> n.engine.heartbeat().fresh());
    }

    @Test
    void heartbeatsFlowBothWaysOnceTheMainLinkHandedOverTheKey() {
        TestNode[] p = pair();
        awaitFresh(p[0]);
        awaitFresh(p[1]);
        assertEquals(p[0].port(), p[0].engine.heartbeats().boundAddress().getPort(), "UDP on the notifier's port");
        long before = p[1].engine.heartbeat().accepted();
        await().atMost(10, TimeUnit.SECONDS).until(() -> p[1].engine.heartbeat().accepted() >= before + 10);
        assertEquals(0, p[1].engine.heartbeat().rejected(), p[1].engine.heartbeats().rejectedByReason().toString());
        assertEquals(p[0].engine.heartbeats().currentKey().id, p[1].engine.heartbeats().currentKey().id);
    }

    @Test
    void aReconnectBringsANewKeyAndTheHeartbeatsGoOn() {
        TestNode[] p = pair();
        awaitFresh(p[1]);
        long oldKey = p[1].engine.heartbeats().currentKey().id;
        p[1].engine.closePeerLinks();
        // with the links down heartbeats keep arriving under the old key
        await().pollDelay(Duration.ofMillis(500)).atMost(10, TimeUnit.SECONDS)
                .until(() -> p[1].engine.heartbeat().fresh());
        p[1].engine.openPeerLinks();
        LoopbackTest.awaitActive(p[1], Link.MAIN, Link.AUX);
        await().atMost(30, TimeUnit.SECONDS).until(() -> p[0].engine.heartbeats().currentKey().id != oldKey
                && p[1].engine.heartbeats().currentKey().id == p[0].engine.heartbeats().currentKey().id);
        assertNotEquals(oldKey, p[1].engine.heartbeats().currentKey().id);
        long at = p[1].engine.heartbeat().accepted();
        await().atMost(10, TimeUnit.SECONDS).until(() -> p[1].engine.heartbeat().accepted() >= at + 10);
        assertTrue(p[1].engine.heartbeat().fresh());
    }

    @Test
    void aFloodOfHostileDatagramsChangesNothingOnTheLinks() throws Exception {
        TestNode[] p = pair();
        awaitFresh(p[0]);
        Random r = new Random(3);
        try (DatagramChannel ch = DatagramChannel.open()) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", p[0].port());
            for (int i = 0; i < 5_000; i++) {
                byte[] d = new byte[i % 3 == 0 ? Heartbeats.LENGTH : 1 + r.nextInt(1400)];
                r.nextBytes(d);
                ch.send(ByteBuffer.wrap(d), to);
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> p[0].engine.heartbeat().rejected() > 100);
        PeerHeartbeat s = p[0].engine.heartbeat();
        assertTrue(s.fresh(), "the genuine heartbeats still count: " + s);
        assertEquals(ResponseOutcome.REPLY, LoopbackTest.answer(p[1].engine.send(Link.MAIN, "*",
                EventIds.NOTIFIER_PING, new byte[0], Duration.ofSeconds(5))).outcome());
        assertEquals(0, p[0].engine.heartbeats().rejectedByReason().getOrDefault("bad MAC", 0L)
                + p[0].engine.heartbeats().rejectedByReason().getOrDefault("internal error", 0L) * 1000,
                "random bytes fail before the MAC: " + p[0].engine.heartbeats().rejectedByReason());
    }
}
