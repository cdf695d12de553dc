package org.switchover.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.switchover.api.time.Cancellable;

class VirtualSchedulerTest {

    @Test
    void runsTasksInDueOrderAtTheirDueTime() {
        VirtualScheduler s = new VirtualScheduler();
        List<String> seen = new ArrayList<>();
        s.schedule(() -> seen.add("b@" + s.nowMillis()), 200);
        s.schedule(() -> seen.add("a@" + s.nowMillis()), 100);
        s.schedule(() -> seen.add("c@" + s.nowMillis()), 200);
        s.advance(150);
        assertEquals(List.of("a@100"), seen);
        assertEquals(150, s.nowMillis());
        s.advance(100);
        assertEquals(List.of("a@100", "b@200", "c@200"), seen);
        assertEquals(250, s.nowMillis());
    }

    @Test
    void tasksScheduledByTasksRunWithinTheSameAdvance() {
        VirtualScheduler s = new VirtualScheduler();
        List<Long> times = new ArrayList<>();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            times.add(s.nowMillis());
            if (times.size() < 3) {
                s.schedule(tick[0], 10_000);
            }
        };
        s.schedule(tick[0], 0);
        s.advance(60_000);
        assertEquals(List.of(0L, 10_000L, 20_000L), times);
    }

    @Test
    void cancelledTaskNeverRuns() {
        VirtualScheduler s = new VirtualScheduler();
        List<String> seen = new ArrayList<>();
        Cancellable c = s.schedule(() -> seen.add("x"), 10);
        c.cancel();
        s.advance(100);
        assertEquals(List.of(), seen);
        assertEquals(0, s.pending());
    }
}
