package org.switchover.mirror.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root that does not exist yet when the primary's monitor starts (a fresh install, the demo pair) is watched as soon
 * as it appears: it is first reported whole (the backup compares it), then file by file.
 */
class ChangeWatcherRootsTest {

    @TempDir
    Path base;

    private final List<Wire.Change> changes = new CopyOnWriteArrayList<>();
    private VfsFiles files;
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

    @Test
    void aRootCreatedAfterTheStartIsWatchedOnceItAppears() throws Exception {
        Path root = base.resolve("later/Resources");
        files = new VfsFiles();
        watcher = new ChangeWatcher(List.of(new ChangeWatcher.Watched(new MirrorRoot("/ic/Resources", true), root)),
                changes::add, files, 1);
        Thread.sleep(2 * ChangeWatcher.SETTLE_MILLIS); // the monitor has found the root missing (its first turn)
        Files.createDirectories(root);
        Files.writeString(root.resolve("first.txt"), "written with the directory");
        await("the new root reported whole").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> changes.stream().anyMatch(c -> c.root().equals("/ic/Resources") && c.scope().isEmpty()));

        Files.writeString(root.resolve("second.txt"), "written once it was watched");
        await("a file under it reported").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> changes.stream().anyMatch(c -> c.scope().equals("second.txt")));
        assertTrue(watcher.isAlive());
    }
}
