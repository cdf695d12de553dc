package org.switchover.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.switchover.api.HandOverParticipant;
import org.switchover.api.time.Cancellable;
import org.switchover.support.log.LogText;

/**
 * Row 26c, before the old primary acknowledges a controlled hand-off: every {@link HandOverParticipant} finishes its
 * part (the tracker persists its interactions), bounded by {@link #budgetMillis()} so that a participant that hangs
 * (a database that is down) never holds the switch up. The journal line says how long it took and what each did.
 */
final class HandOverBarrier {
    private final StateMachine machine;
    private volatile Supplier<List<HandOverParticipant>> participants = List::of;

    HandOverBarrier(StateMachine machine) {
        this.machine = machine;
    }

    /** Where the participants come from; read on the machine's thread at each hand-off. */
    void participants(Supplier<List<HandOverParticipant>> source) {
        participants = source;
    }

    /** @return how long the acknowledgement of a hand-off waits for the participants: 3/5 of the prepare timeout */
    long budgetMillis() {
        return machine.settings().prepareTimeoutMillis() * 3 / 5;
    }

    /** Machine thread; the returned future completes on any thread, once all finished or the budget ran out. */
    CompletableFuture<Void> await(String peer) {
        List<HandOverParticipant> ps = participants.get();
        if (ps.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long budget = budgetMillis();
        long t0 = machine.scheduler.nowMillis();
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<CompletableFuture<String>> each = new ArrayList<>();
        for (HandOverParticipant p : ps) {
            CompletableFuture<String> f;
            try {
                f = p.beforeAcknowledge(budget).toCompletableFuture();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            each.add(f.handle((line, e) -> e == null ? String.valueOf(line)
                    : "a hand-over participant failed: " + LogText.escape(String.valueOf(e.getMessage()))));
        }
        CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((x, e) -> done.complete(null));
        Cancellable timer = machine.scheduler.schedule(() -> done.complete(null), budget);
        done.whenComplete((x, e) -> {
            timer.cancel();
            long ms = machine.scheduler.nowMillis() - t0;
            List<String> lines = each.stream().map(f -> f.getNow("did not finish within " + budget + " ms"))
                    .toList();
            machine.onMachine(() -> machine.journal().info("Hand-off to peer {}: acknowledged after {} ms; {}", peer,
                    ms, String.join("; ", lines)));
        });
        return done;
    }
}
