package org.switchover.it.system;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.switchover.api.NodeId;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.time.SystemScheduler;
import org.switchover.notifier.internal.NotifierSettings;
import org.switchover.notifier.internal.NotifierEngine;

/**
 * The far end of the notifier system tests: a notifier engine as node A in its own JVM, with test handlers.
 * <ul>
 * <li>{@code echo}: answers the payload;</li>
 * <li>{@code slow}: answers after the number of milliseconds in the payload;</li>
 * <li>{@code publish}: payload {@code count} — publishes that many messages on stream {@code test}, then answers
 * the head sequence;</li>
 * <li>{@code publish-acked}: payload {@code count} — publishes and answers once the follower acknowledged the last
 * one, with the elapsed nanoseconds;</li>
 * <li>{@code stats}: answers {@code echo=<n>;errors=<map>}.</li>
 * </ul>
 * Arguments: {@code <certDir> <portFile> <backlogSize>}. Writes its bound port to the port file when ready.
 */
public final class PeerMain {

    private PeerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path certs = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        int backlog = Integer.parseInt(args[2]);
        Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
        NotifierSettings config = NotifierSettings.builder()
                .node(NodeId.A)
                .serverA("127.0.0.1").serverB("127.0.0.1")
                .portA(0).portB(1)
                .reconnectDelay(Duration.ofSeconds(5))
                .streamBacklogSize(backlog)
                .keystore(certs.resolve("group/node-A.p12"))
                .truststore(certs.resolve("group/group-trust.p12"))
                .collectErrorCounters(true)
                .collectRequestCounters(true)
                .build();
        SystemScheduler scheduler = new SystemScheduler("peer-scheduler");
        NotifierEngine engine = new NotifierEngine(config, scheduler, handlers::get, null);
        StreamPublisher publisher = engine.publish("test", "r1");
        AtomicLong echoes = new AtomicLong();

        handlers.put("echo", r -> {
            echoes.incrementAndGet();
            return CompletableFuture.completedFuture(r.payload());
        });
        handlers.put("slow", r -> {
            long ms = Long.parseLong(text(r.payload()));
            return CompletableFuture.supplyAsync(() -> r.payload(),
                    CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
        });
        handlers.put("publish", r -> {
            long head = publishMany(publisher, Integer.parseInt(text(r.payload())));
            return CompletableFuture.completedFuture(bytes(Long.toString(head)));
        });
        handlers.put("publish-acked", r -> {
            long start = System.nanoTime();
            long head = publishMany(publisher, Integer.parseInt(text(r.payload())));
            return publisher.whenAcknowledged(head).toCompletableFuture()
                    .thenApply(seq -> bytes(Long.toString(System.nanoTime() - start)));
        });
        handlers.put("stats", r -> CompletableFuture.completedFuture(
                bytes("echo=" + echoes.get() + ";errors=" + engine.protocolErrors())));

        engine.start();
        Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"), Integer.toString(engine.boundPort()));
        Files.move(portFile.resolveSibling(portFile.getFileName() + ".tmp"), portFile);
        System.out.println("PEER READY port=" + engine.boundPort());
        new CountDownLatch(1).await();
    }

    private static long publishMany(StreamPublisher publisher, int count) {
        long head = publisher.headSequence();
        for (int i = 0; i < count; i++) {
            head = publisher.publish(bytes("msg-" + (publisher.headSequence() + 1)));
        }
        return head;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
