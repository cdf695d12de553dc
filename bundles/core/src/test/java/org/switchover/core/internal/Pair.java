package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.testing.MemoryNotifier;
import org.switchover.testing.VirtualScheduler;

/**
 * Two state machines on one virtual clock, each notifier delivering requests to the other machine. The test can
 * cut the path between them (partition) or freeze a node (like SIGSTOP: requests to it wait, unanswered, until it
 * is thawed).
 */
final class Pair {

    final VirtualScheduler clock = new VirtualScheduler();
    final Harness a;
    final Harness b;
    volatile boolean partitioned;
    private final AtomicLong ids = new AtomicLong();

    private final List<Runnable> frozenA = new ArrayList<>();
    private final List<Runnable> frozenB = new ArrayList<>();
    volatile boolean aFrozen;
    volatile boolean bFrozen;

    Pair(Path dirA, Path dirB) {
        a = new Harness(dirA, "A", clock);
        b = new Harness(dirB, "B", clock);
        a.notifier.responder((s, index) -> deliver(s, b, true));
        b.notifier.responder((s, index) -> deliver(s, a, false));
    }

    private CompletionStage<Response> deliver(MemoryNotifier.Sent s, Harness to, boolean toB) {
        if (partitioned || to.machine == null) {
            return CompletableFuture.completedFuture(Response.of(ResponseOutcome.CONNECTION_LOST,
                    partitioned ? "no route to the peer" : "connection refused"));
        }
        CompletableFuture<Response> out = new CompletableFuture<>();
        Runnable deliver = () -> {
            Request r = new Request("*", s.eventId(), ids.incrementAndGet(), (toB ? "A/" : "B/") + s.channel(),
                    s.payload());
            to.machine.handle(r).whenComplete((body, ex) -> out.complete(ex != null
                    ? Response.of(ResponseOutcome.REJECTED, ex.getMessage()) : new Response(ResponseOutcome.REPLY,
                    body, "")));
        };
        boolean frozen = toB ? bFrozen : aFrozen;
        if (frozen) {
            (toB ? frozenB : frozenA).add(deliver);
        } else {
            deliver.run();
        }
        return out;
    }

    /** Creates both machines and starts {@code first}, then {@code second} (both of this pair). */
    void startBoth(Harness first, Harness second) {
        a.create();
        b.create();
        first.machine.start();
        second.machine.start();
    }

    /**
     * A starts alone and takes the primary role (fail-safe, after asking the absent B a few times), then B starts and
     * becomes its backup, and both links come up.
     */
    Pair running() {
        a.create();
        a.machine.start();
        run();
        for (int i = 0; i < 20 && a.state() != SwitchoverState.PRIMARY; i++) {
            advance(1_000);
        }
        assertEquals(SwitchoverState.PRIMARY, a.state());
        b.create();
        b.machine.start();
        run();
        assertEquals(SwitchoverState.BACKUP, b.state());
        linksUp();
        run();
        return this;
    }

    /** Freezes node A: requests to it wait; its own timers do not run (its clock is stopped as with SIGSTOP). */
    void freezeA() {
        aFrozen = true;
        a.sched.freeze();
    }

    /** Thaws A: the queued requests are delivered in order. */
    void thawA() {
        aFrozen = false;
        a.sched.thaw();
        List<Runnable> q = new ArrayList<>(frozenA);
        frozenA.clear();
        q.forEach(Runnable::run);
    }

    /** Both links between the pair up (the backup opened them, both sides see them ACTIVE). */
    void linksUp() {
        a.notifier.bothLinks(ConnectionStatus.ACTIVE);
        b.notifier.bothLinks(ConnectionStatus.ACTIVE);
    }

    void linksDown() {
        a.notifier.bothLinks(ConnectionStatus.NOT_CONNECTED);
        b.notifier.bothLinks(ConnectionStatus.NOT_CONNECTED);
    }

    /** A manual switch requested on {@code node}, carried out as far as it goes now. */
    CompletableFuture<SwitchResult> requestSwitch(Harness node, boolean immediate, String by) {
        return requestSwitch(node, immediate, by, false);
    }

    /** A manual switch requested on {@code node}, accepting warnings or not, carried out as far as it goes now. */
    CompletableFuture<SwitchResult> requestSwitch(Harness node, boolean immediate, String by, boolean accept) {
        CompletableFuture<SwitchResult> f = node.machine.requestSwitch(immediate, by, accept);
        run();
        return f;
    }

    void run() {
        clock.runDue();
    }

    void advance(long millis) {
        clock.advance(millis);
    }
}
