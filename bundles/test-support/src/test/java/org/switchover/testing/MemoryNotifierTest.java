package org.switchover.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;

class MemoryNotifierTest {

    private final VirtualScheduler clock = new VirtualScheduler();

    private static Response now(CompletionStage<Response> stage) {
        return stage.toCompletableFuture().getNow(null);
    }

    @Test
    void aPairAnswersWithThePeersHandlersAndEndsEveryRequestOnce() {
        MemoryNotifier.Pair pair = MemoryNotifier.pair(clock);
        pair.b().handle("echo", r -> CompletableFuture.completedFuture(r.payload()));
        pair.b().handle("slow", r -> new CompletableFuture<>());
        pair.b().handle("fail", r -> CompletableFuture.failedFuture(new IllegalStateException("broken")));

        byte[] hello = "hi".getBytes(StandardCharsets.UTF_8);
        Response echo = now(pair.a().send(Link.MAIN, "*", "echo", hello, Duration.ofSeconds(1)).response());
        assertEquals(ResponseOutcome.REPLY, echo.outcome());
        assertArrayEquals(hello, echo.payload());

        assertEquals(ResponseOutcome.REJECTED,
                now(pair.a().send(Link.MAIN, "*", "none", hello, Duration.ofSeconds(1)).response()).outcome());
        assertEquals("broken",
                now(pair.a().send(Link.AUX, "*", "fail", hello, Duration.ofSeconds(1)).response()).detail());

        CompletionStage<Response> slow = pair.a().send(Link.MAIN, "*", "slow", hello, Duration.ofMillis(500))
                .response();
        clock.advance(499);
        assertEquals(null, now(slow));
        clock.advance(1);
        assertEquals(ResponseOutcome.TIMEOUT, now(slow).outcome());

        pair.a().setLink(Link.MAIN, ConnectionStatus.NOT_CONNECTED, 1);
        assertEquals(ResponseOutcome.CONNECTION_LOST,
                now(pair.a().send(Link.MAIN, "*", "echo", hello, Duration.ofSeconds(1)).response()).outcome());
        assertEquals(4, pair.a().sent("echo").size() + pair.a().sent("none").size() + pair.a().sent("fail").size());
    }

    @Test
    void aScriptedNodeRecordsAndAnswersLater() {
        MemoryNotifier n = new MemoryNotifier(clock);
        List<ConnectionStatus> seen = new ArrayList<>();
        n.onLinkStatus(s -> seen.add(s.status()));
        n.openPeerLinks();
        assertEquals(List.of(ConnectionStatus.ACTIVE, ConnectionStatus.ACTIVE), seen);
        n.responder((s, i) -> i == 0 ? n.later(200, new Response(ResponseOutcome.REPLY, new byte[] {1}, ""))
                : null);
        CompletionStage<Response> first = n.send(Link.MAIN, "*", "ping", new byte[0], Duration.ofSeconds(1))
                .response();
        CompletionStage<Response> broken = n.send(Link.MAIN, "*", "ping", new byte[0], Duration.ofSeconds(1))
                .response();
        clock.advance(200);
        assertEquals(ResponseOutcome.REPLY, now(first).outcome());
        clock.advance(5_000);
        assertEquals(null, now(broken), "a broken notifier never ends the request");
        assertEquals(List.of(0L, 0L), n.sendTimes("ping"));
        assertEquals(1, n.openCount());
    }

    @Test
    void aFollowerResumesInsideTheBacklogAndResyncsOutsideIt() {
        MemoryNotifier.Pair pair = MemoryNotifier.pair(clock);
        StreamPublisher pub = pair.a().publish("s", "epoch-1");
        pub.publish(new byte[] {1});
        pub.publish(new byte[] {2});

        List<String> got = new ArrayList<>();
        StreamListener listener = new StreamListener() {
            @Override
            public void onMessage(String rid, long seq, byte[] payload) {
                got.add(rid + "#" + seq + "=" + payload[0]);
            }

            @Override
            public void onResync(String rid, long head) {
                got.add("resync " + rid + "@" + head);
            }
        };
        StreamSubscription resumed = pair.b().follow("s", new StreamPosition("epoch-1", 1), listener);
        pub.publish(new byte[] {3});
        assertEquals(List.of("epoch-1#2=2", "epoch-1#3=3"), got);
        assertEquals(3, pub.acknowledgedSequence());
        assertTrue(pub.whenAcknowledged(3).toCompletableFuture().isDone());
        resumed.close();
        assertFalse(resumed.isLive());

        got.clear();
        pair.b().follow("s", new StreamPosition("epoch-0", 7), listener);
        pub.publish(new byte[] {4});
        assertEquals(List.of("resync epoch-1@3", "epoch-1#4=4"), got);
    }
}
