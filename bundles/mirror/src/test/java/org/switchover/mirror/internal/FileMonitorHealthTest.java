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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.testing.VirtualScheduler;

/**
 * What the primary's health answer rests on: the File Monitor answers pings at its turns while it runs, answers none
 * while it hangs (and reports no change), and a stopped monitor fails a ping at once. The monitor's turns run on
 * virtual time; only the operating system's file events arrive in real time (awaited with a bound).
 */
class FileMonitorHealthTest {

    @TempDir
    Path root;

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
}
