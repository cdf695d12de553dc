package org.switchover.notifier.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.ResponseOutcome;

/** Configuration changes take effect without a restart. */
class ReconfigureTest extends EngineTestBase {

    @Test
    void countersDelaysPortsAndPeerChangeLive() {
        TestNode a = TestNode.start(NodeId.A, 1, c -> c.collectRequestCounters(false));
        nodes.add(a);
        TestNode b = TestNode.start(NodeId.B, a.port());
        nodes.add(b);
        a.handlers.put("echo", r -> CompletableFuture.completedFuture(r.payload()));
        b.engine.openPeerLinks();
        LoopbackTest.awaitActive(b, Link.MAIN, Link.AUX);

        // request counters switched on live
        LoopbackTest.answer(b.engine.send(Link.MAIN, "*", "echo", new byte[0], Duration.ofSeconds(5)));
        assertTrue(a.engine.requestsReceived().isEmpty());
        NotifierSettings aConfig = a.engine.config().toBuilder().collectRequestCounters(true).build();
        a.engine.reconfigure(aConfig);
        LoopbackTest.answer(b.engine.send(Link.MAIN, "*", "echo", new byte[0], Duration.ofSeconds(5)));
        assertEquals(1L, a.engine.requestsReceived().get("echo"));
        assertTrue(a.engine.requestCountersEnabled());

        // reconnect delay read at the next scheduling
        b.engine.reconfigure(b.engine.config().toBuilder().reconnectDelay(Duration.ofMillis(300)).build());
        assertEquals(Duration.ofMillis(300), b.engine.reconnectDelay());

        // A moves to another port: the listener rebinds; B told of the new peer port reconnects there
        int oldPort = a.port();
        a.engine.reconfigure(aConfig.toBuilder().portA(0).portB(0).addressA("127.0.0.1").build());
        int newPort = a.port();
        assertNotEquals(oldPort, newPort);
        assertEquals("127.0.0.1:" + newPort, a.engine.listenAddress());
        b.engine.reconfigure(b.engine.config().toBuilder().portA(newPort).build());
        await().atMost(30, TimeUnit.SECONDS).until(() ->
                b.engine.status(Link.MAIN).status() == ConnectionStatus.ACTIVE
                        && b.engine.status(Link.MAIN).peer().endsWith(":" + newPort));
        assertEquals(ResponseOutcome.REPLY, LoopbackTest.answer(b.engine.send(Link.MAIN, "*", "echo", new byte[0],
                Duration.ofSeconds(5))).outcome());
    }

    @Test
    void aPortThatCannotBeBoundKeepsTheOldListener() {
        TestNode a = TestNode.start(NodeId.A, 1);
        nodes.add(a);
        TestNode other = TestNode.start(NodeId.B, 1);
        nodes.add(other);
        int before = a.port();
        // the other engine holds that port already
        a.engine.reconfigure(a.engine.config().toBuilder().portA(other.port()).build());
        assertEquals(before, a.port(), "still listening where it was");
    }
}
