package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.PeerHeartbeat;

/**
 * Hostile input on the heartbeat port, datagram by datagram on a controlled clock: garbage, wrong length, wrong
 * magic, our own letter (a reflection), an unknown key, a wrong MAC, a replay, a stale datagram and a flood are each
 * rejected and counted under their reason; none of them refreshes the peer's liveness; genuine heartbeats, reordered
 * by jitter, count once each.
 */
class HeartbeatsTest {

    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 40000);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final NotifierSettings settings = TestNode.config(NodeId.A, 1)
            .heartbeats(new HeartbeatSettings(50, 1000, 1000, 200)).build();
    private final Heartbeats hb = new Heartbeats(() -> settings, nanos::get);
    private byte[] keyPayload;
    private Mac peerMac;
    private long keyId;

    @AfterEach
    void close() {
        hb.close();
    }

    private void keyed() {
        keyPayload = Heartbeats.newKeyPayload();
        assertEquals(null, hb.install(keyPayload));
        Heartbeats.Key k = hb.currentKey();
        keyId = k.id;
        peerMac = Heartbeats.mac(k);
    }

    private void advance(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    private long millis() {
        return nanos.get() / 1_000_000L;
    }

    /** A genuine heartbeat of the peer B, sent {@code ageMs} ago by B's clock. */
    private ByteBuffer genuine(long seq, long ageMs) {
        return Heartbeats.encode(peerMac, NodeId.B, keyId, seq, millis() - ageMs);
    }

    private Map<String, Long> reasons() {
        return hb.rejectedByReason();
    }

    @Test
    void genuineHeartbeatsCountAndReorderedOnesCountOnce() {
        keyed();
        assertEquals(-1, hb.status().ageMillis());
        hb.examine(genuine(1, 5), FROM);
        advance(50);
        hb.examine(genuine(3, 5), FROM);
        hb.examine(genuine(2, 60), FROM); // overtaken by 3: still counts
        hb.examine(genuine(2, 60), FROM); // the same again: a replay
        advance(200);
        PeerHeartbeat s = hb.status();
        assertEquals(3, s.accepted());
        assertEquals(200, s.ageMillis());
        assertTrue(s.fresh());
        assertEquals(Map.of("replayed", 1L), reasons());
    }

    @Test
    void hostileDatagramsAreRejectedByReasonAndRefreshNothing() {
        keyed();
        hb.examine(genuine(10, 1), FROM);
        advance(900);
        Random r = new Random(7);
        byte[] junk = new byte[Heartbeats.LENGTH];
        r.nextBytes(junk);
        hb.examine(ByteBuffer.wrap(junk), FROM);                      // garbage of the right length
        hb.examine(ByteBuffer.wrap(new byte[] {1, 2, 3}), FROM);      // too short
        hb.examine(ByteBuffer.wrap(new byte[1000]), FROM);            // too long
        ByteBuffer own = Heartbeats.encode(peerMac, NodeId.A, keyId, 11, millis()); // a reflection of ours
        hb.examine(own, FROM);
        Mac other = Heartbeats.mac(new Heartbeats.Key(keyId + 1, new byte[32]));
        hb.examine(Heartbeats.encode(other, NodeId.B, keyId + 1, 12, millis()), FROM); // a key nobody handed over
        ByteBuffer forged = genuine(13, 0);
        forged.put(Heartbeats.SIGNED, (byte) (forged.get(Heartbeats.SIGNED) ^ 1)); // wrong MAC
        hb.examine(forged, FROM);
        ByteBuffer tampered = genuine(14, 0);
        tampered.putLong(14, 15); // sequence changed after signing
        hb.examine(tampered, FROM);
        hb.examine(genuine(10, 1), FROM);                              // replay of the first
        hb.examine(genuine(16, 5_000), FROM);                          // held back 5 s: stale
        Map<String, Long> why = reasons();
        assertEquals(1L, why.get("bad magic or version"), why.toString());
        assertEquals(2L, why.get("bad length"), why.toString());
        assertEquals(1L, why.get("wrong sender"), why.toString());
        assertEquals(1L, why.get("unknown key"), why.toString());
        assertEquals(2L, why.get("bad MAC"), why.toString());
        assertEquals(1L, why.get("replayed"), why.toString());
        assertEquals(1L, why.get("stale"), why.toString());
        PeerHeartbeat s = hb.status();
        assertEquals(1, s.accepted());
        assertEquals(9, s.rejected());
        assertEquals(900, s.ageMillis(), "nothing hostile refreshed the peer's liveness");
        advance(101);
        assertTrue(hb.status().silent());
    }

    @Test
    void aFloodIsDroppedUnreadBeyondTheRateAndTheNextSecondCountsAgain() {
        keyed();
        for (int i = 0; i < 1_000; i++) {
            hb.examine(ByteBuffer.wrap(new byte[7]), FROM);
        }
        assertEquals(200L, reasons().get("bad length"));
        assertEquals(800L, reasons().get("flood"));
        advance(1_000);
        hb.examine(genuine(1, 1), FROM);
        assertEquals(1, hb.status().accepted(), "a genuine heartbeat after the flood counts");
    }

    @Test
    void aNewKeyKeepsThePreviousOneAcceptedForHeartbeatsStillOnTheWay() {
        keyed();
        Mac oldMac = peerMac;
        long oldId = keyId;
        hb.examine(genuine(1, 1), FROM);
        keyed();
        assertFalse(oldId == keyId);
        hb.examine(Heartbeats.encode(oldMac, NodeId.B, oldId, 2, millis()), FROM);
        hb.examine(genuine(1, 1), FROM);
        assertEquals(3, hb.status().accepted(), reasons().toString());
        keyed();
        hb.examine(Heartbeats.encode(oldMac, NodeId.B, oldId, 3, millis()), FROM);
        assertEquals(1L, reasons().get("unknown key"), "two keys back is gone");
    }

    @Test
    void badKeysAndHeartbeatsOffAreRefusedWithAReason() {
        assertNotNull(hb.install(new byte[5]));
        Heartbeats off = new Heartbeats(() -> TestNode.config(NodeId.A, 1).build());
        try {
            String why = off.install(Heartbeats.newKeyPayload());
            assertTrue(why.contains("heartbeats are off"), why);
            assertEquals(PeerHeartbeat.OFF, off.status());
        } finally {
            off.close();
        }
    }
}
