package org.switchover.notifier.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;

/** Two engines on loopback with real TLS: requests, replies and every way a request can end. */
class LoopbackTest extends EngineTestBase {

    static Response answer(PendingRequest p) {
        return p.response().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    static void awaitActive(TestNode n, Link... links) {
        // generous: the first TLS connection of a cold JVM on a busy 2-core machine can take seconds
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            for (Link l : links) {
                if (n.engine.status(l).status() != ConnectionStatus.ACTIVE) {
                    return false;
                }
            }
            return true;
        });
    }

    /** A (primary side, listening) and B (backup side, links open), both linked. */
    private TestNode[] linkedPair() {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        TestNode b = track(TestNode.start(NodeId.B, a.port()));
        b.engine.openPeerLinks();
        awaitActive(b, Link.MAIN, Link.AUX);
        awaitActive(a, Link.MAIN, Link.AUX);
        return new TestNode[] {a, b};
    }

    @Test
    void requestsAreAnsweredOnMainAndAuxInBothDirections() {
        TestNode[] pair = linkedPair();
        TestNode a = pair[0];
        TestNode b = pair[1];
        List<Request> seen = new CopyOnWriteArrayList<>();
        a.handlers.put("echo", r -> {
            seen.add(r);
            return CompletableFuture.completedFuture(("echo:" + new String(r.payload(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
        });
        for (Link link : Link.values()) {
            Response r = answer(b.engine.send(link, "obj", "echo", "hi".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(5)));
            assertEquals(ResponseOutcome.REPLY, r.outcome(), r.detail());
            assertEquals("echo:hi", new String(r.payload(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of("B/MAIN", "B/AUX"), seen.stream().map(Request::senderId).toList());
        assertEquals("obj", seen.get(0).objectId());
        assertTrue(Thread.currentThread().getName().startsWith("main") || !seen.isEmpty());

        Response ping = answer(b.engine.send(Link.MAIN, "*", EventIds.NOTIFIER_PING, new byte[0],
                Duration.ofSeconds(5)));
        assertEquals(ResponseOutcome.REPLY, ping.outcome());
        assertEquals(0, ping.payload().length);

        // the primary side answers over the connection the backup opened
        b.handlers.put("state", r -> CompletableFuture.completedFuture(new byte[] {7}));
        Response back = answer(a.engine.send(Link.MAIN, "*", "state", new byte[0], Duration.ofSeconds(5)));
        assertEquals(ResponseOutcome.REPLY, back.outcome(), back.detail());
        assertArrayEquals(new byte[] {7}, back.payload());

        assertEquals(2L, a.engine.requestsReceived().get("echo"));
        assertEquals(1L, a.engine.requestsReceived().get(EventIds.NOTIFIER_PING));
    }

    @Test
    void handlersRunOnTheHandlerPool() {
        TestNode[] pair = linkedPair();
        List<String> threads = new CopyOnWriteArrayList<>();
        pair[0].handlers.put("where", r -> {
            threads.add(Thread.currentThread().getName());
            return CompletableFuture.completedFuture(new byte[0]);
        });
        assertEquals(ResponseOutcome.REPLY, answer(pair[1].engine.send(Link.MAIN, "*", "where", new byte[0],
                Duration.ofSeconds(5))).outcome());
        assertTrue(threads.get(0).startsWith("switchover-notifier-handler-"), threads.toString());
    }

    @Test
    void rejectedIsImmediateAndDistinctFromTimeout() {
        TestNode[] pair = linkedPair();
        TestNode a = pair[0];
        TestNode b = pair[1];
        a.handlers.put("never", r -> new CompletableFuture<>());
        a.handlers.put("fails", r -> CompletableFuture.failedFuture(new IllegalStateException("module is down")));
        a.handlers.put("throws", r -> {
            throw new IllegalArgumentException("bad object id");
        });

        long t0 = System.nanoTime();
        Response none = answer(b.engine.send(Link.MAIN, "*", "nope", new byte[0], Duration.ofSeconds(30)));
        assertEquals(ResponseOutcome.REJECTED, none.outcome());
        assertEquals("no handler for event id 'nope'", none.detail());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "answered at once, not timed out");

        Response failed = answer(b.engine.send(Link.AUX, "*", "fails", new byte[0], Duration.ofSeconds(30)));
        assertEquals(ResponseOutcome.REJECTED, failed.outcome());
        assertEquals("module is down", failed.detail());
        Response thrown = answer(b.engine.send(Link.MAIN, "*", "throws", new byte[0], Duration.ofSeconds(30)));
        assertEquals(ResponseOutcome.REJECTED, thrown.outcome());
        assertEquals("bad object id", thrown.detail());

        Response timeout = answer(b.engine.send(Link.MAIN, "*", "never", new byte[0], Duration.ofMillis(300)));
        assertEquals(ResponseOutcome.TIMEOUT, timeout.outcome());

        PendingRequest p = b.engine.send(Link.MAIN, "*", "never", new byte[0], Duration.ofSeconds(30));
        p.cancel();
        p.cancel();
        assertEquals(ResponseOutcome.CANCELLED, answer(p).outcome());
        assertEquals(1L, a.engine.protocolErrors().get("rejected-no-handler"));
        // errors per original request type: one error answer each for the three refused request types
        assertEquals(Map.of("nope", 1L, "fails", 1L, "throws", 1L), a.engine.errorsByRequestType());
    }

    @Test
    void lostAndDownLinksEndRequestsWithConnectionLostAndTheLinkComesBack() {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        int port = a.port();
        TestNode b = track(TestNode.start(NodeId.B, port));

        Response notOpen = answer(b.engine.send(Link.MAIN, "*", "x", new byte[0], Duration.ofSeconds(5)));
        assertEquals(ResponseOutcome.CONNECTION_LOST, notOpen.outcome());
        assertTrue(notOpen.detail().contains("not active"), notOpen.detail());

        b.engine.openPeerLinks();
        awaitActive(b, Link.MAIN, Link.AUX);
        a.handlers.put("never", r -> new CompletableFuture<>());
        PendingRequest p1 = b.engine.send(Link.MAIN, "*", "never", new byte[0], Duration.ofSeconds(30));
        PendingRequest p2 = b.engine.send(Link.AUX, "*", "never", new byte[0], Duration.ofSeconds(30));
        await().atMost(5, TimeUnit.SECONDS).until(() -> a.engine.requestsReceived().getOrDefault("never", 0L) == 2);
        nodes.remove(a);
        a.close();
        Response lost = answer(p1);
        assertEquals(ResponseOutcome.CONNECTION_LOST, lost.outcome());
        assertEquals(ResponseOutcome.CONNECTION_LOST, answer(p2).outcome());
        await().atMost(5, TimeUnit.SECONDS).until(() -> b.engine.status(Link.MAIN).status()
                == ConnectionStatus.NOT_CONNECTED && b.engine.status(Link.MAIN).reconnectAttempt() >= 2);

        // the peer comes back on the same port: both links recover by themselves
        TestNode again = track(TestNode.start(NodeId.A, 1, c -> c.portA(port)));
        awaitActive(b, Link.MAIN, Link.AUX);
        again.handlers.put("echo", r -> CompletableFuture.completedFuture(r.payload()));
        assertEquals(ResponseOutcome.REPLY, answer(b.engine.send(Link.MAIN, "*", "echo", new byte[] {1},
                Duration.ofSeconds(5))).outcome());
        assertEquals(0, b.engine.status(Link.MAIN).reconnectAttempt());
        List<ConnectionStatus> mainHistory = b.statuses.stream().filter(s -> s.link() == Link.MAIN)
                .map(s -> s.status()).toList();
        assertEquals(List.of(ConnectionStatus.WAITING_FOR_CLIENT, ConnectionStatus.ACTIVE,
                ConnectionStatus.NOT_CONNECTED), mainHistory.subList(0, 3));
        assertEquals(ConnectionStatus.ACTIVE, mainHistory.get(mainHistory.size() - 1));
    }

    @Test
    void sendOnceUsesAShortLivedConnection() {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        TestNode b = track(TestNode.start(NodeId.B, a.port()));
        AtomicInteger calls = new AtomicInteger();
        a.handlers.put(EventIds.STATE_QUERY, r -> {
            calls.incrementAndGet();
            assertEquals("B/ONCE", r.senderId());
            return CompletableFuture.completedFuture("primary".getBytes(StandardCharsets.UTF_8));
        });
        Response r = answer(b.engine.sendOnce("*", EventIds.STATE_QUERY, new byte[0], Duration.ofSeconds(5)));
        assertEquals(ResponseOutcome.REPLY, r.outcome(), r.detail());
        assertEquals("primary", new String(r.payload(), StandardCharsets.UTF_8));
        assertEquals(1, calls.get());
        assertEquals(ConnectionStatus.NOT_CONNECTED, a.engine.status(Link.MAIN).status(),
                "a one-shot connection is no link");

        Response none = answer(b.engine.sendOnce("*", "nope", new byte[0], Duration.ofSeconds(5)));
        assertEquals(ResponseOutcome.REJECTED, none.outcome());

        nodes.remove(a);
        a.close();
        Response down = answer(b.engine.sendOnce("*", EventIds.STATE_QUERY, new byte[0], Duration.ofSeconds(5)));
        assertEquals(ResponseOutcome.CONNECTION_LOST, down.outcome());
        // a closed port on a machine that is up: refused, the evidence the core's quick verdict needs
        assertTrue(down.refused(), down.detail());
        assertTrue(down.detail().startsWith(Response.REFUSED_PREFIX + "nothing listens on 127.0.0.1:"),
                down.detail());
    }

    @Test
    void aListenerThatAcceptsButNeverAnswersIsNoRefusal() throws Exception {
        // a hung (SIGSTOPped) peer: its kernel completes the TCP handshake, nothing more happens
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            TestNode b = track(TestNode.start(NodeId.B, silent.getLocalPort()));
            Response r = answer(b.engine.sendOnce("*", EventIds.STATE_QUERY, new byte[0], Duration.ofMillis(800)));
            assertEquals(ResponseOutcome.TIMEOUT, r.outcome(), r.detail());
            assertFalse(r.refused(), r.detail());
        }
    }

    @Test
    void refusalIsOnlyAConnectExceptionSayingRefused() {
        assertTrue(Connection.refusal(new java.net.ConnectException("Connection refused")));
        assertTrue(Connection.refusal(new RuntimeException(new java.net.ConnectException("connection refused: x"))));
        assertFalse(Connection.refusal(new io.netty.channel.ConnectTimeoutException("connection timed out")));
        assertFalse(Connection.refusal(new java.net.NoRouteToHostException("No route to host")));
        assertFalse(Connection.refusal(new java.net.ConnectException("Network is unreachable")));
        assertFalse(Connection.refusal(new java.io.IOException("Connection refused"))); // not from a connect
        assertFalse(Response.of(ResponseOutcome.TIMEOUT, Response.REFUSED_PREFIX + "x").refused());
    }

    @Test
    void aPeerWithTheSameNodeLetterIsRefusedAtLogon() {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        // a second "A" that connects to the first
        TestNode twin = track(TestNode.start(NodeId.A, 1, c -> c.portB(a.port())));
        twin.engine.openPeerLinks();
        await().atMost(10, TimeUnit.SECONDS).until(() -> twin.engine.status(Link.MAIN).status()
                == ConnectionStatus.NOTIFIER_CONNECTION_FAILURE);
        assertTrue(twin.engine.status(Link.MAIN).detail().contains("same letter"),
                twin.engine.status(Link.MAIN).detail());
        assertTrue(a.engine.protocolErrors().getOrDefault("logon-refused", 0L) >= 1);
    }
}
