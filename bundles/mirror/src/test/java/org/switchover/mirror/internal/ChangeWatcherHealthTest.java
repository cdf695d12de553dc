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

/**
 * What the primary's health answer rests on: the file monitor's own thread answers pings while it runs, answers none
 * while it hangs (and reports no change), and a stopped monitor fails a ping at once.
 */
class ChangeWatcherHealthTest {

    @TempDir
    Path root;

    private VfsFiles files;
    private final List<Wire.Change> changes = new CopyOnWriteArrayList<>();
    private ChangeWatcher watcher;

    @AfterEach
    void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (files != null) {
            files.close();
        }
    }

    private ChangeWatcher start() throws Exception {
        files = new VfsFiles();
        watcher = new ChangeWatcher(List.of(new ChangeWatcher.Watched(new MirrorRoot("/srv/res", true), root)),
                changes::add, files, 1);
        return watcher;
    }

    @Test
    void aRunningMonitorAnswersItsPings() throws Exception {
        ChangeWatcher w = start();
        CompletableFuture<Void> ping = w.ping();
        await().atMost(Duration.ofSeconds(10)).until(ping::isDone);
        assertFalse(ping.isCompletedExceptionally());
    }

    @Test
    void aHungMonitorAnswersNothingUntilReleased() throws Exception {
        ChangeWatcher w = start();
        w.hang(true);
        // let the thread reach its stalled loop: a ping queued now is answered only after the release
        Thread.sleep(3 * ChangeWatcher.SETTLE_MILLIS);
        CompletableFuture<Void> ping = w.ping();
        Files.writeString(root.resolve("while-hung.txt"), "x");
        Thread.sleep(5 * ChangeWatcher.SETTLE_MILLIS);
        assertFalse(ping.isDone(), "a hung monitor does not answer");
        assertTrue(changes.isEmpty(), "a hung monitor reports nothing: " + changes);
        assertTrue(w.isAlive() && w.isHung());

        w.hang(false);
        await().atMost(Duration.ofSeconds(10)).until(ping::isDone);
        assertFalse(ping.isCompletedExceptionally());
        await().atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
        assertEquals("while-hung.txt", changes.get(0).scope(), "the change seen meanwhile is reported");
    }

    @Test
    void aStoppedMonitorFailsPingsAtOnceIncludingOpenOnes() throws Exception {
        ChangeWatcher w = start();
        w.hang(true);
        CompletableFuture<Void> open = w.ping();
        w.close();
        assertTrue(open.isCompletedExceptionally(), "an open ping fails when the monitor stops");
        CompletableFuture<Void> late = w.ping();
        assertTrue(late.isCompletedExceptionally());
        assertFalse(w.isAlive());
    }
}
