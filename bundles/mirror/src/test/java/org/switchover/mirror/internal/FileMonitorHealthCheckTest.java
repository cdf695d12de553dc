package org.switchover.mirror.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.switchover.testing.VirtualScheduler;

/** The File Monitor health check's timing (interval, timeout, recovery) on virtual time. */
class FileMonitorHealthCheckTest {

    /** A primary whose answers the test decides: answer at once, fail at once, or never answer. */
    private static final class FakePrimary implements FileMonitorHealthCheck.Probe {
        enum Behaviour { ANSWER, REFUSE, HANG }

        Behaviour behaviour = Behaviour.ANSWER;
        final List<Long> askedAt = new ArrayList<>();
        final List<CompletableFuture<Object>> open = new ArrayList<>();
        private final VirtualScheduler clock;

        FakePrimary(VirtualScheduler clock) {
            this.clock = clock;
        }

        @Override
        public CompletableFuture<Object> check(long timeoutMillis) {
            askedAt.add(clock.nowMillis());
            CompletableFuture<Object> f = new CompletableFuture<>();
            switch (behaviour) {
                case ANSWER -> f.complete("running");
                case REFUSE -> f.completeExceptionally(new IllegalStateException("the file monitor is not running"));
                case HANG -> open.add(f);
            }
            return f;
        }
    }

    private final VirtualScheduler clock = new VirtualScheduler();
    private final FakePrimary primary = new FakePrimary(clock);
    private final List<String> failures = new ArrayList<>();
    private final List<String> recoveries = new ArrayList<>();
    private final FileMonitorHealthCheck check = new FileMonitorHealthCheck(clock, primary, failures::add, recoveries::add);

    @Test
    void asksEveryIntervalAndStaysOkWhileTheMonitorAnswers() {
        check.start(60, 10);
        clock.advance(59_999);
        assertEquals(List.of(), primary.askedAt, "no check before the first interval");
        assertEquals(FileMonitorHealthCheck.Phase.WAITING, check.phase());
        clock.advance(1);
        clock.advance(120_000);
        assertEquals(List.of(60_000L, 120_000L, 180_000L), primary.askedAt);
        assertEquals(FileMonitorHealthCheck.Phase.OK, check.phase());
        assertEquals(Optional.empty(), check.warning());
        assertTrue(failures.isEmpty());
    }

    @Test
    void aHungMonitorFailsExactlyAtTheTimeoutAndRecoversOnTheNextAnswer() {
        check.start(2, 1);
        clock.advance(2_000);
        assertEquals(FileMonitorHealthCheck.Phase.OK, check.phase());
        primary.behaviour = FakePrimary.Behaviour.HANG;
        clock.advance(2_000); // check at 4 s, unanswered
        clock.advance(999);
        assertEquals(FileMonitorHealthCheck.Phase.OK, check.phase(), "the timeout has not run out yet");
        clock.advance(1);
        assertEquals(FileMonitorHealthCheck.Phase.FAILED, check.phase());
        assertEquals(List.of("no answer within 1 s"), failures);
        assertTrue(check.warning().orElseThrow().contains("file replication from the primary has stopped"),
                check.warning().toString());
        assertTrue(check.describe().startsWith("file replication stopped (no answer within 1 s)"),
                check.describe());
        // The late answer of the timed-out check changes nothing.
        primary.open.get(0).complete("late");
        assertEquals(FileMonitorHealthCheck.Phase.FAILED, check.phase());
        primary.behaviour = FakePrimary.Behaviour.ANSWER;
        clock.advance(1_000); // check at 6 s answers
        assertEquals(FileMonitorHealthCheck.Phase.OK, check.phase());
        assertEquals(Optional.empty(), check.warning());
        assertEquals(1, recoveries.size());
    }

    @Test
    void anExplicitFailureCountsAtOnceAndEveryFailedCheckIsReported() {
        check.start(5, 3);
        primary.behaviour = FakePrimary.Behaviour.REFUSE;
        clock.advance(5_000);
        assertEquals(FileMonitorHealthCheck.Phase.FAILED, check.phase(), "no need to wait for the timeout");
        assertEquals(List.of("the file monitor is not running"), failures);
        clock.advance(10_000);
        assertEquals(3, failures.size());
        assertTrue(recoveries.isEmpty());
    }

    @Test
    void aTimeoutLongerThanTheIntervalDoesNotStackChecks() {
        check.start(1, 5);
        primary.behaviour = FakePrimary.Behaviour.HANG;
        clock.advance(5_999);
        assertEquals(List.of(1_000L), primary.askedAt, "one open check at a time");
        assertEquals(FileMonitorHealthCheck.Phase.WAITING, check.phase());
        clock.advance(1);
        assertEquals(FileMonitorHealthCheck.Phase.FAILED, check.phase());
        assertEquals(List.of(1_000L, 6_000L), primary.askedAt, "the tick due with the timeout asks again");
    }

    @Test
    void intervalZeroIsOffAndStopForgetsAFailure() {
        check.start(0, 10);
        clock.advance(1_000_000);
        assertTrue(primary.askedAt.isEmpty());
        assertEquals(FileMonitorHealthCheck.Phase.OFF, check.phase());
        assertTrue(check.describe().startsWith("off"), check.describe());

        check.start(1, 1);
        primary.behaviour = FakePrimary.Behaviour.REFUSE;
        clock.advance(1_000);
        assertEquals(FileMonitorHealthCheck.Phase.FAILED, check.phase());
        check.stop(); // e.g. this node became primary: no warning about its own replication
        assertEquals(FileMonitorHealthCheck.Phase.IDLE, check.phase());
        assertEquals(Optional.empty(), check.warning());
        clock.advance(10_000);
        assertEquals(1, primary.askedAt.size(), "no check after stop");
    }

    @Test
    void newParametersKeepAFailureUntilACheckSucceeds() {
        check.start(1, 1);
        primary.behaviour = FakePrimary.Behaviour.REFUSE;
        clock.advance(1_000);
        check.start(3, 1);
        assertEquals(FileMonitorHealthCheck.Phase.FAILED, check.phase(), "a reconfiguration does not hide the failure");
        primary.behaviour = FakePrimary.Behaviour.ANSWER;
        clock.advance(2_999);
        assertEquals(FileMonitorHealthCheck.Phase.FAILED, check.phase());
        clock.advance(1);
        assertEquals(FileMonitorHealthCheck.Phase.OK, check.phase());
    }

    @Test
    void aProbeThatThrowsCountsAsAFailure() {
        FileMonitorHealthCheck broken = new FileMonitorHealthCheck(clock, t -> {
            throw new IllegalStateException("notifier closed");
        }, failures::add, recoveries::add);
        broken.start(1, 1);
        clock.advance(1_000);
        assertEquals(FileMonitorHealthCheck.Phase.FAILED, broken.phase());
        assertEquals(List.of("notifier closed"), failures);
    }
}
