package org.switchover.notifier.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.time.SystemScheduler;

/** One engine with its scheduler, a mutable handler table and a record of the statuses it reported. */
final class TestNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestNode.class);

    final Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
    final List<LinkStatus> statuses = new CopyOnWriteArrayList<>();
    final SystemScheduler scheduler;
    final NotifierEngine engine;

    private TestNode(NotifierSettings config) {
        scheduler = new SystemScheduler("switchover-notifier-test-" + config.node());
        engine = new NotifierEngine(config, scheduler, handlers::get, statuses::add);
        engine.start();
        LOG.info("Test node {} listens on port {} (peer port {})", config.node(), engine.boundPort(),
                config.peerPort());
    }

    /** Base configuration: fast reconnects, real TLS from {@link TestCerts}, ephemeral own port. */
    static NotifierSettings.Builder config(NodeId node, int peerPort) {
        Path key = TestCerts.node(node.name());
        return NotifierSettings.builder()
                .node(node)
                .serverA("127.0.0.1")
                .serverB("127.0.0.1")
                .portA(node == NodeId.A ? 0 : peerPort)
                .portB(node == NodeId.B ? 0 : peerPort)
                .reconnectDelay(Duration.ofMillis(200))
                .connectTimeout(Duration.ofMillis(1000))
                .keystore(key)
                .truststore(TestCerts.groupTrust())
                .collectErrorCounters(true)
                .collectEspErrorCounters(true)
                .collectRequestCounters(true);
    }

    static TestNode start(NodeId node, int peerPort) {
        return new TestNode(config(node, peerPort).build());
    }

    static TestNode start(NodeId node, int peerPort, UnaryOperator<NotifierSettings.Builder> tweak) {
        return new TestNode(tweak.apply(config(node, peerPort)).build());
    }

    int port() {
        return engine.boundPort();
    }

    @Override
    public void close() {
        engine.close();
        scheduler.shutdown();
    }
}
