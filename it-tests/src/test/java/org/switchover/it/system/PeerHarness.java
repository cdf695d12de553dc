package org.switchover.it.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.switchover.api.NodeId;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.Response;
import org.switchover.api.time.SystemScheduler;
import org.switchover.it.support.Certs;
import org.switchover.it.support.ChaosProxy;
import org.switchover.it.support.JavaProcess;
import org.switchover.it.support.Repo;
import org.switchover.notifier.internal.NotifierSettings;
import org.switchover.notifier.internal.NotifierEngine;

/**
 * Two processes on loopback: {@link PeerMain} as node A in its own JVM, and a notifier engine as node B in the test
 * JVM whose links run through a {@link ChaosProxy}, so a test can break them (or straight to the peer, for
 * benchmarks: the proxy's copying threads would add their own latency).
 */
final class PeerHarness implements AutoCloseable {

    final JavaProcess peer;
    final int peerPort;
    final ChaosProxy proxy;
    final SystemScheduler scheduler = new SystemScheduler("switchover-it-scheduler");
    final Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
    final NotifierEngine node;

    PeerHarness(String name, int backlog) throws IOException {
        this(name, backlog, true);
    }

    PeerHarness(String name, int backlog, boolean viaProxy) throws IOException {
        Path dir = Repo.freshDir(name);
        Path portFile = dir.resolve("peer.port");
        peer = JavaProcess.start(dir.resolve("peer.log"),
                List.of("-Dorg.slf4j.simpleLogger.showDateTime=true"),
                PeerMain.class.getName(), Certs.dir().toString(), portFile.toString(), Integer.toString(backlog));
        await("peer port file " + portFile).atMost(60, TimeUnit.SECONDS).until(() -> Files.exists(portFile));
        peerPort = Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).trim());
        proxy = new ChaosProxy(peerPort);
        node = engine(viaProxy ? proxy.port() : peerPort, Certs.node("B"));
        node.start();
        node.openPeerLinks();
        awaitActive(Link.MAIN);
        awaitActive(Link.AUX);
    }

    /** A node-B engine with fast reconnects that talks to {@code port} with the given key store. */
    NotifierEngine engine(int port, Path keystore) {
        return engine(scheduler, handlers::get, port, keystore);
    }

    /**
     * A node-B engine with fast reconnects (300 ms) that talks to a node A listening on loopback {@code port}, with
     * the given key store and the pair's trust store.
     */
    static NotifierEngine engine(SystemScheduler scheduler, Function<String, RequestHandler> handlers, int port,
                                 Path keystore) {
        NotifierSettings config = NotifierSettings.builder()
                .node(NodeId.B)
                .serverA("127.0.0.1").serverB("127.0.0.1")
                .portA(port).portB(0)
                .reconnectDelay(Duration.ofMillis(300))
                .connectTimeout(Duration.ofSeconds(2))
                .keystore(keystore)
                .truststore(Certs.groupTrust())
                .build();
        return new NotifierEngine(config, scheduler, handlers, null);
    }

    void awaitActive(Link link) {
        await(link + " active").atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> node.status(link).isActive());
    }

    /** Sends a request to the peer directly (not through the proxy) on a one-shot connection. */
    Response control(String eventId, String payload) {
        NotifierEngine direct = engine(peerPort, Certs.node("B"));
        try {
            return direct.sendOnce("*", eventId, payload.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30))
                    .response().toCompletableFuture().get(40, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("control request " + eventId + " failed", e);
        } finally {
            direct.close();
        }
    }

    static String text(Response r) {
        return new String(r.payload(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        node.close();
        proxy.close();
        peer.kill();
        scheduler.shutdown();
    }
}
