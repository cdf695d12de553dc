package org.switchover.notifier.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.ResponseOutcome;

/**
 * A certificate of the group authority is not enough: it must be for the node letter the logon claims, and a second
 * logon never takes a link from a live connection (issue 10, identity).
 */
class IdentityTest extends EngineTestBase {

    @Test
    void aCertificateOfOurAuthorityForAnotherNameCannotLogOnAsANode() {
        AtomicInteger calls = new AtomicInteger();
        TestNode a = nodeAWithCountingEcho(calls);
        TestNode fuzz = connectingNodeB(a.port(), TestCerts.fuzzNodeB());
        await().atMost(30, TimeUnit.SECONDS).until(() ->
                a.engine.protocolErrors().getOrDefault("logon-refused", 0L) >= 2);
        // the refused side retries; between attempts its status says why the last one failed
        await().atMost(30, TimeUnit.SECONDS).until(() -> refusedFor(fuzz, "switchover-fuzz"));
        assertEquals(ResponseOutcome.CONNECTION_LOST, LoopbackTest.answer(fuzz.engine.sendOnce("*", "echo",
                new byte[] {1}, Duration.ofSeconds(5))).outcome());
        assertEquals(0, calls.get(), "nothing from that certificate reached a handler");
        assertEquals(ConnectionStatus.NOT_CONNECTED, a.engine.status(Link.MAIN).status());
    }

    @Test
    void aNodeRefusesAListenerWhoseCertificateIsForNoNode() {
        TestNode listener = track(TestNode.start(NodeId.B, 1, c -> c.keystore(TestCerts.fuzzNodeB())));
        TestNode a = track(TestNode.start(NodeId.A, listener.port()));
        a.engine.openPeerLinks();
        await().atMost(30, TimeUnit.SECONDS).until(() ->
                a.engine.status(Link.MAIN).status() == ConnectionStatus.AUTHENTICATION_FAILURE
                        && a.engine.status(Link.MAIN).detail().contains("switchover-fuzz"));
        assertEquals(ConnectionStatus.NOT_CONNECTED, listener.engine.status(Link.MAIN).status());
    }

    private static boolean refusedFor(TestNode n, String detail) {
        return n.engine.status(Link.MAIN).status() == ConnectionStatus.NOTIFIER_CONNECTION_FAILURE
                && n.engine.status(Link.MAIN).detail().contains(detail);
    }

    @Test
    void aSecondLogonDoesNotReplaceALiveLink() {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        a.handlers.put("echo", r -> CompletableFuture.completedFuture(r.payload()));
        TestNode b = track(TestNode.start(NodeId.B, a.port()));
        b.engine.openPeerLinks();
        LoopbackTest.awaitActive(b, Link.MAIN, Link.AUX);
        Connection live = a.engine.logons.active(Link.MAIN);
        assertNotEquals(null, live);

        // a third party holding B's very certificate logs on while B is connected
        TestNode thief = track(TestNode.start(NodeId.B, a.port()));
        thief.engine.openPeerLinks();
        await().atMost(30, TimeUnit.SECONDS).until(() ->
                a.engine.protocolErrors().getOrDefault("logon-refused", 0L) >= 2);
        await().atMost(30, TimeUnit.SECONDS).until(() -> refusedFor(thief, "already has a live"));
        assertSame(live, a.engine.logons.active(Link.MAIN), "the real peer keeps its link");
        assertEquals(ConnectionStatus.ACTIVE, b.engine.status(Link.MAIN).status());
        assertEquals(ResponseOutcome.REPLY, LoopbackTest.answer(b.engine.send(Link.MAIN, "*", "echo",
                new byte[] {1}, Duration.ofSeconds(5))).outcome());
    }
}
