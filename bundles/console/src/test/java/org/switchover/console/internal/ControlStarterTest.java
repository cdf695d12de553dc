package org.switchover.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.switchover.testing.LogCapture;
import org.switchover.testing.VirtualScheduler;

/** The control endpoint's start and its retries after a failed start, on virtual time. */
class ControlStarterTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    /** How many starts fail before one works. */
    private int failing;

    private AutoCloseable start() throws IOException {
        if (attempts.incrementAndGet() <= failing) {
            throw new IOException("No space left on device");
        }
        return closed::incrementAndGet;
    }

    @Test
    void aStartThatFailedOnAFullDiskIsRetriedUntilItWorksAndTheLogSaysSoWithoutFlooding() {
        failing = 30;
        ControlStarter endpoint = new ControlStarter(scheduler, this::start, "/data/B");
        try (LogCapture log = new LogCapture()) {
            endpoint.enable(true);
            scheduler.runDue();
            assertEquals(1, attempts.get());
            assertFalse(endpoint.running());
            assertEquals(1, log.lines("could not start in /data/B: java.io.IOException: No space left on device")
                    .size(), log.text());

            scheduler.advance(ControlStarter.RETRY_MILLIS - 1);
            assertEquals(1, attempts.get(), "no retry before the pause");
            scheduler.advance(1);
            assertEquals(2, attempts.get());

            // 30 failures in 145 s: the first line and one reminder per 12 attempts, not 30 lines
            scheduler.advance(28 * ControlStarter.RETRY_MILLIS);
            assertEquals(30, attempts.get());
            assertEquals(2, log.lines("still cannot start in /data/B after").size(), log.text());
            assertFalse(endpoint.running());

            scheduler.advance(ControlStarter.RETRY_MILLIS);
            assertEquals(31, attempts.get());
            assertTrue(endpoint.running());
            assertEquals(1, log.lines("started in /data/B after 30 failed attempts").size(), log.text());

            scheduler.advance(10 * ControlStarter.RETRY_MILLIS);
            assertEquals(31, attempts.get(), "a running endpoint is not started again");
            assertEquals(0, scheduler.pending());
        }
    }

    @Test
    void turningTheEndpointOffStopsTheRetriesAndOnAgainStartsAtOnce() {
        failing = 3;
        ControlStarter endpoint = new ControlStarter(scheduler, this::start, "/data/B");
        endpoint.enable(true);
        scheduler.runDue();
        endpoint.enable(false);
        scheduler.advance(10 * ControlStarter.RETRY_MILLIS);
        assertEquals(1, attempts.get(), "an endpoint turned off is not retried");
        assertEquals(0, scheduler.pending());

        endpoint.enable(true);
        scheduler.runDue();
        assertEquals(2, attempts.get());
        scheduler.advance(2 * ControlStarter.RETRY_MILLIS);
        assertTrue(endpoint.running());
        assertEquals(0, closed.get());

        endpoint.enable(true);
        scheduler.runDue();
        assertEquals(4, attempts.get(), "enabling a running endpoint does not start a second one");

        var done = endpoint.close();
        scheduler.runDue();
        assertTrue(done.isDone());
        assertFalse(endpoint.running());
        assertEquals(1, closed.get());
    }
}
