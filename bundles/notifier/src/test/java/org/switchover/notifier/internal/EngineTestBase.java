package org.switchover.notifier.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.switchover.api.NodeId;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** Base of the tests that run engines on loopback: certificates made once, every started node closed after a test. */
abstract class EngineTestBase {

    /** The nodes a test started; all closed after it. */
    protected final List<TestNode> nodes = new ArrayList<>();

    @BeforeAll
    static void certificates() {
        TestCerts.dir();
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(TestNode::close);
    }

    /** Registers {@code n} for closing and returns it. */
    protected TestNode track(TestNode n) {
        nodes.add(n);
        return n;
    }

    /** Starts node A (tracked) with an "echo" handler that counts its calls in {@code calls}. */
    protected TestNode nodeAWithCountingEcho(AtomicInteger calls) {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        a.handlers.put("echo", r -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(r.payload());
        });
        return a;
    }

    /** Starts a node B (tracked) with the key store {@code keystore} that connects to {@code port} at once. */
    protected TestNode connectingNodeB(int port, Path keystore) {
        TestNode b = track(TestNode.start(NodeId.B, port, c -> c.keystore(keystore)));
        b.engine.openPeerLinks();
        return b;
    }
}
