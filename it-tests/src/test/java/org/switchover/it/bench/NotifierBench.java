package org.switchover.it.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.it.system.PeerHarnessAccess;

/**
 * Notifier throughput and latency between two processes over loopback with mutual TLS. Not part of the default
 * test run: {@code mvn -B verify -Pbench -pl it-tests -am -Dit.test=NotifierBench} (see the README).
 */
class NotifierBench {

    private static final int SEQUENTIAL = 20_000;
    private static final int PIPELINED = 100_000;
    private static final int IN_FLIGHT = 64;
    private static final int STREAM_MESSAGES = 200_000;

    @Test
    void requestReplyAndStreamThroughput() throws Exception {
        try (PeerHarnessAccess pair = PeerHarnessAccess.start("bench", STREAM_MESSAGES + 10)) {
            byte[] payload = new byte[64];
            // warm-up
            for (int i = 0; i < 2_000; i++) {
                call(pair, payload);
            }
            long[] lat = new long[SEQUENTIAL];
            long t0 = System.nanoTime();
            for (int i = 0; i < SEQUENTIAL; i++) {
                long s = System.nanoTime();
                call(pair, payload);
                lat[i] = System.nanoTime() - s;
            }
            double seqSecs = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(lat);
            System.out.printf("BENCH notifier request/reply sequential: %d round trips, %.0f/s, p50 %.1f us, "
                    + "p99 %.1f us%n", SEQUENTIAL, SEQUENTIAL / seqSecs, lat[SEQUENTIAL / 2] / 1e3,
                    lat[SEQUENTIAL * 99 / 100] / 1e3);

            Semaphore window = new Semaphore(IN_FLIGHT);
            AtomicLong failures = new AtomicLong();
            long t1 = System.nanoTime();
            for (int i = 0; i < PIPELINED; i++) {
                window.acquire();
                pair.node().send(Link.MAIN, "*", "echo", payload, Duration.ofSeconds(30)).response()
                        .whenComplete((r, e) -> {
                            if (e != null || !r.isReply()) {
                                failures.incrementAndGet();
                            }
                            window.release();
                        });
            }
            window.acquire(IN_FLIGHT);
            double pipeSecs = (System.nanoTime() - t1) / 1e9;
            System.out.printf("BENCH notifier request/reply pipelined (%d in flight): %d round trips, %.0f/s, "
                    + "%d failures%n", IN_FLIGHT, PIPELINED, PIPELINED / pipeSecs, failures.get());

            long head0 = Long.parseLong(pair.control("publish", "0"));
            AtomicLong applied = new AtomicLong(head0);
            StreamListener listener = new StreamListener() {
                @Override
                public void onMessage(String replicationId, long sequence, byte[] body) {
                    applied.set(sequence);
                }

                @Override
                public void onResync(String replicationId, long headSequence) {
                    throw new IllegalStateException("unexpected resync at " + headSequence);
                }
            };
            try (StreamSubscription sub = pair.node().follow("test", new StreamPosition("r1", head0), listener)) {
                long nanos = Long.parseLong(pair.control("publish-acked", Integer.toString(STREAM_MESSAGES)));
                await().atMost(120, TimeUnit.SECONDS).until(() -> applied.get() >= head0 + STREAM_MESSAGES);
                System.out.printf("BENCH notifier stream: %d messages published and acknowledged in %.2f s, "
                        + "%.0f msg/s%n", STREAM_MESSAGES, nanos / 1e9, STREAM_MESSAGES / (nanos / 1e9));
            }
        }
    }

    private static void call(PeerHarnessAccess pair, byte[] payload) throws Exception {
        Response r = pair.node().send(Link.MAIN, "*", "echo", payload, Duration.ofSeconds(10)).response()
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
        if (!r.isReply()) {
            throw new IllegalStateException("echo failed: " + r.outcome() + " " + r.detail());
        }
    }
}
