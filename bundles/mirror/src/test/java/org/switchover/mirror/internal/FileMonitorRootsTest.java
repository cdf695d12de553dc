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
import org.switchover.testing.VirtualScheduler;

/**
 * A root that does not exist yet when the primary's File Monitor starts (a fresh install, the demo pair) is watched
 * as soon as it appears: it is first reported whole (the backup compares it), then file by file. The monitor's turns
 * run on virtual time; the operating system's file events arrive in real time (awaited with a bound).
 */
class FileMonitorRootsTest {

    @TempDir
    Path base;

    private final VirtualScheduler clock = new VirtualScheduler();
    private final List<Wire.Change> changes = new CopyOnWriteArrayList<>();
    private VfsFiles files;
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
