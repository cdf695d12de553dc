package org.switchover.mirror.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.testing.VirtualScheduler;

/**
 * The primary's File Monitor. What the health answer rests on: the monitor answers pings at its turns while it runs,
 * answers none while it hangs (and reports no change), and a stopped monitor fails a ping at once. A root that does
 * not exist yet when the monitor starts (a fresh install, the demo pair) is watched as soon as it appears: it is
 * first reported whole (the backup compares it), then file by file. The monitor's turns run on virtual time; only
 * the operating system's file events arrive in real time (awaited with a bound).
 */
class FileMonitorTest {

    @TempDir
    Path root;
    @TempDir
    Path base;

    private final VirtualScheduler clock = new VirtualScheduler();
    private VfsFiles files;
    private final List<Wire.Change> changes = new CopyOnWriteArrayList<>();
    private FileMonitor monitor;

    @AfterEach
    void close() {
        if (monitor != null) {
            monitor.close();
        }
        if (files != null) {
            files.close();
        }
    }

    private FileMonitor start() throws Exception {
        files = new VfsFiles();
        monitor = new FileMonitor(List.of(new FileMonitor.Watched(new MirrorRoot("/srv/res", true), root)),
                changes::add, files, clock);
        clock.runDue(); // the first turn: the roots are registered
        return monitor;
    }

    @Test
    void aRunningMonitorAnswersItsPings() throws Exception {
        FileMonitor w = start();
        CompletableFuture<Void> ping = w.ping();
        clock.advance(FileMonitor.TURN_MILLIS);
        assertTrue(ping.isDone(), "answered at the monitor's next turn");
        assertFalse(ping.isCompletedExceptionally());
    }

    @Test
    void anIdleMonitorTurnsOnceASecondAndAPingStartsATurnAtOnce() throws Exception {
        AtomicInteger scheduled = new AtomicInteger();
        Scheduler counting = new Scheduler() {
            @Override
            public long nowMillis() {
                return clock.nowMillis();
            }

            @Override
            public Cancellable schedule(Runnable task, long delayMillis) {
                scheduled.incrementAndGet();
                return clock.schedule(task, delayMillis);
            }
        };
        files = new VfsFiles();
        monitor = new FileMonitor(List.of(new FileMonitor.Watched(new MirrorRoot("/srv/res", true), root)),
                changes::add, files, counting);
        clock.runDue();
        scheduled.set(0);
        clock.advance(10 * FileMonitor.IDLE_TURN_MILLIS);
        assertEquals(10, scheduled.get(), "one turn a second while idle, not one every " + FileMonitor.TURN_MILLIS
                + " ms");

        CompletableFuture<Void> ping = monitor.ping();
        clock.runDue();
        assertTrue(ping.isDone() && !ping.isCompletedExceptionally(), "a ping is answered without waiting for a turn");
        assertTrue(monitor.isAlive());
    }

    @Test
    void aChangeIsReportedOnceSettledWithoutWaitingForTheIdleTurn() throws Exception {
        start();
        clock.advance(FileMonitor.IDLE_TURN_MILLIS / 2); // mid-way between two idle turns
        int queued = clock.pending();
        Files.writeString(root.resolve("new.txt"), "x");
        // the events thread queues a turn at once (the operating system's event arrives in real time)
        await("the events thread wakes the monitor").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10)).until(() -> clock.pending() > queued);
        clock.advance(FileMonitor.SETTLE_MILLIS + FileMonitor.TURN_MILLIS);
        assertTrue(changes.stream().anyMatch(c -> c.scope().equals("new.txt")),
                "reported within the settle time and one turn, before the next idle turn: " + changes);
    }

    @Test
    void aHungMonitorAnswersNothingUntilReleased() throws Exception {
        FileMonitor w = start();
        w.hang(true);
        CompletableFuture<Void> ping = w.ping();
        Files.writeString(root.resolve("while-hung.txt"), "x");
        clock.advance(5 * FileMonitor.SETTLE_MILLIS);
        assertFalse(ping.isDone(), "a hung monitor does not answer");
        assertTrue(changes.isEmpty(), "a hung monitor reports nothing: " + changes);
        assertTrue(w.isAlive() && w.isHung());

        w.hang(false);
        clock.advance(FileMonitor.TURN_MILLIS);
        assertTrue(ping.isDone(), "answered at the first turn after the release");
        assertFalse(ping.isCompletedExceptionally());
        await().atMost(Duration.ofSeconds(10)).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
            clock.advance(FileMonitor.TURN_MILLIS);
            return !changes.isEmpty();
        });
        assertEquals("while-hung.txt", changes.get(0).scope(), "the change seen meanwhile is reported");
    }

    @Test
    void aStoppedMonitorFailsPingsAtOnceIncludingOpenOnes() throws Exception {
        FileMonitor w = start();
        w.hang(true);
        CompletableFuture<Void> open = w.ping();
        w.close();
        assertTrue(open.isCompletedExceptionally(), "an open ping fails when the monitor stops");
        CompletableFuture<Void> late = w.ping();
        assertTrue(late.isCompletedExceptionally());
        assertFalse(w.isAlive());
    }

    @Test
    void aRootCreatedAfterTheStartIsWatchedOnceItAppears() throws Exception {
        Path root = base.resolve("later/Resources");
        files = new VfsFiles();
        monitor = new FileMonitor(List.of(new FileMonitor.Watched(new MirrorRoot("/ic/Resources", true), root)),
                changes::add, files, clock);
        clock.advance(FileMonitor.TURN_MILLIS); // the monitor has found the root missing (its first turn)
        Files.createDirectories(root);
        Files.writeString(root.resolve("first.txt"), "written with the directory");
        clock.advance(FileMonitor.MISSING_ROOT_CHECK_MILLIS + FileMonitor.SETTLE_MILLIS);
        assertTrue(changes.stream().anyMatch(c -> c.root().equals("/ic/Resources") && c.scope().isEmpty()),
                "the new root reported whole: " + changes);

        Files.writeString(root.resolve("second.txt"), "written once it was watched");
        await("a file under it reported").atMost(Duration.ofSeconds(10)).pollInSameThread()
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    clock.advance(FileMonitor.TURN_MILLIS);
                    return changes.stream().anyMatch(c -> c.scope().equals("second.txt"));
                });
        assertTrue(monitor.isAlive());
    }
}
