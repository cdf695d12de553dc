package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.switchover.testing.VirtualScheduler;

class ReconnectorTest {

    private final VirtualScheduler clock = new VirtualScheduler();
    private final AtomicLong delay = new AtomicLong(5000);
    /** "attempt n at t ms" */
    private final List<String> attempts = new ArrayList<>();
    private final Reconnector r = new Reconnector(clock, delay::get,
            n -> attempts.add("#" + n + "@" + clock.nowMillis()));

    @Test
    void firstAttemptAtOnceThenOneDelayAfterEachFailure() {
        r.start();
        clock.runDue();
        assertEquals(List.of("#1@0"), attempts);
        assertEquals(1, r.failed());
        clock.advance(4999);
        assertEquals(1, attempts.size(), "not before the delay");
        clock.advance(1);
        assertEquals(2, r.failed());
        clock.advance(5000);
        assertEquals(3, r.failed());
        clock.advance(5000);
        assertEquals(List.of("#1@0", "#2@5000", "#3@10000", "#4@15000"), attempts);
    }

    @Test
    void aChangedDelayAppliesAtTheNextScheduling() {
        r.start();
        clock.runDue();
        r.failed();             // #2 due at 5000 with the old delay
        delay.set(60_000);
        clock.advance(5000);
        r.failed();             // #3 scheduled with the new delay
        clock.advance(59_999);
        assertEquals(2, attempts.size());
        clock.advance(1);
        assertEquals(List.of("#1@0", "#2@5000", "#3@65000"), attempts);
    }

    @Test
    void successResetsTheCountAndALossWaitsOneDelay() {
        r.start();
        clock.runDue();
        r.failed();
        clock.advance(5000);
        r.succeeded();
        assertEquals(0, r.attempts());
        clock.advance(100_000);
        assertEquals(2, attempts.size(), "no attempt while connected");
        r.lost();
        clock.advance(4999);
        assertEquals(2, attempts.size());
        clock.advance(1);
        assertEquals("#1@110000", attempts.get(2), "numbering starts again after a success");
    }

    @Test
    void stopCancelsTheNextAttemptAndLateReportsScheduleNothing() {
        r.start();
        clock.runDue();
        r.failed();
        r.stop();
        clock.advance(60_000);
        assertEquals(1, attempts.size());
        r.failed();
        r.lost();
        clock.advance(60_000);
        assertEquals(1, attempts.size());
        assertFalse(r.running());
        assertEquals(0, clock.pending());
    }

    @Test
    void startIsIdempotentAndARestartCountsFromOne() {
        r.start();
        r.start();
        clock.runDue();
        assertEquals(1, attempts.size());
        r.failed();
        r.stop();
        r.start();
        clock.runDue();
        assertEquals(List.of("#1@0", "#1@0"), attempts);
    }
}
