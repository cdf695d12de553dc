package org.switchover.host.reference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.switchover.testing.VirtualScheduler;

class ReferenceHostStartupTest {

    /** Virtual time, a new one per test. */
    private final VirtualScheduler clock = new VirtualScheduler();

    /** A {@link ReferenceModule.Config} as DS would build it from a configuration with this start-up time. */
    private static ReferenceModule.Config config(int startupSeconds) {
        return (ReferenceModule.Config) Proxy.newProxyInstance(ReferenceModule.Config.class.getClassLoader(),
                new Class<?>[] {ReferenceModule.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "module_name" -> "TsServer";
                    case "startup_seconds" -> startupSeconds;
                    case "annotationType" -> ReferenceModule.Config.class;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void zeroSecondsMeansStartedAtActivation() {
        ReferenceHostStartup s = new ReferenceHostStartup(clock, config(0));
        assertFalse(s.isStarting());
        assertTrue(s.started().toCompletableFuture().isDone());
    }

    @Test
    void hostIsStartingForTheConfiguredTime() {
        ReferenceHostStartup s = new ReferenceHostStartup(clock, config(30));
        List<Long> completedAt = new ArrayList<>();
        s.started().thenRun(() -> completedAt.add(clock.nowMillis()));

        clock.advance(29_999);
        assertTrue(s.isStarting());
        assertTrue(completedAt.isEmpty());
        clock.advance(1);
        assertFalse(s.isStarting());
        assertEquals(List.of(30_000L), completedAt);
    }

    @Test
    void changingTheTimeWhileStartingCountsFromActivation() {
        ReferenceHostStartup s = new ReferenceHostStartup(clock, config(60));
        clock.advance(10_000);
        s.configure(config(20));
        clock.advance(9_999);
        assertTrue(s.isStarting());
        clock.advance(1);
        assertFalse(s.isStarting(), "start-up ends 20 s after activation");

        s.configure(config(600));
        assertFalse(s.isStarting(), "a completed start-up stays completed");
    }

    @Test
    void shorteningBelowTheElapsedTimeCompletesAtOnce() {
        ReferenceHostStartup s = new ReferenceHostStartup(clock, config(60));
        clock.advance(30_000);
        s.configure(config(5));
        assertFalse(s.isStarting());
    }

    @Test
    void outOfRangeValuesAreClamped() {
        ReferenceHostStartup negative = new ReferenceHostStartup(clock, config(-5));
        assertFalse(negative.isStarting(), "a negative time is taken as 0");

        ReferenceHostStartup huge = new ReferenceHostStartup(clock, config(1_000_000));
        clock.advance(ReferenceModule.MAX_STARTUP_SECONDS * 1000L);
        assertFalse(huge.isStarting(), "the time is clamped to the maximum");
    }

    @Test
    void callersCannotCompleteStartUpThemselves() {
        ReferenceHostStartup s = new ReferenceHostStartup(clock, config(10));
        assertTrue(s.isStarting());
        try {
            s.started().toCompletableFuture().complete(null);
        } catch (UnsupportedOperationException expected) {
            // minimal stages may refuse outright; either way the host is still starting
        }
        assertTrue(s.isStarting());
    }
}
