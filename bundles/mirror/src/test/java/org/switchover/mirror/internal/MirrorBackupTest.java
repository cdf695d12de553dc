package org.switchover.mirror.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.testing.LogCapture;
import org.switchover.testing.MemoryNotifier;
import org.switchover.testing.VirtualScheduler;

/**
 * The backup's side against a primary answered in-process (one {@link MemoryNotifier} that is its own peer), on
 * virtual time, with a {@link VfsFiles.WriteFault} standing in for a full disk: a refused write stays pending, raises
 * the warning and shows in the status while the stream goes on; the retry timer writes it once the disk lets it and
 * the warning clears; a restart finds what was not written; roots the primary lacks are INFO, once.
 */
class MirrorBackupTest {

    private static final int RETRY_S = 5;
    private static final MirrorRoot RES = new MirrorRoot("/srv/res", true);

    @TempDir
    Path tmp;
    Path a;
    Path b;
    final VirtualScheduler clock = new VirtualScheduler();
    final MemoryNotifier notifier = MemoryNotifier.loopback(clock);
    final AtomicBoolean diskFull = new AtomicBoolean();
    VfsFiles files;
    MirrorSettings primary;
    MirrorSettings backup;
    Follower follower;
    FileMonitorHealthCheck health;
    MirrorBackup side;
    StreamPublisher stream;
    LogCapture log;

    @BeforeEach
    void setUp() throws IOException {
        a = FollowerTest.primaryBase(tmp, "srv/res");
        b = tmp.resolve("B");
        primary = settings(a, "+/srv/res");
        backup = settings(b, "+/srv/res");
        files = new VfsFiles();
        // the backup's tree is on a "disk" that refuses every write while full; the primary's reads are untouched
        files.writeFault((what, file) -> {
            boolean noOp = "creating its directory".equals(what) && Files.isDirectory(file.getParent());
            if (diskFull.get() && file.startsWith(b) && !noOp) {
                throw new IOException("No space left on device");
            }
        });
        Server server = new Server(files);
        for (String id : List.of(EventIds.MIRROR_MANIFEST, EventIds.MIRROR_CHUNK, EventIds.MIRROR_BATCH)) {
            notifier.handle(id, req -> {
                try {
                    return CompletableFuture.completedFuture(server.answer(req.eventId(), req.payload(), primary));
                } catch (IOException e) {
                    return CompletableFuture.failedFuture(e);
                }
            });
        }
        follower = new Follower(files, new PrimaryRequests(notifier), () -> backup, FollowerTest.CLOCK,
                new WriteFailures(clock::nowMillis, RETRY_S));
        health = new FileMonitorHealthCheck(clock, t -> CompletableFuture.completedFuture(null), w -> { }, w -> { });
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        log.close();
        if (side != null) {
            side.close();
        }
        follower.close();
        files.close();
    }

    private static MirrorSettings settings(Path base, String roots) {
        return ParsingTest.settingsOf(Map.of("custom.mirror.dir", roots, "mirror.base.dir", base.toString(),
                "switchover.file.monitor.health.check.interval", "0",
                "mirror.write.retry.interval", String.valueOf(RETRY_S)));
    }

    /** Starts following; the primary's stream exists already, so the first subscription compares every root. */
    private MirrorBackup startBackup() {
        if (stream == null) {
            stream = notifier.publish(EventIds.MIRROR_STREAM, "7");
        }
        side = new MirrorBackup(notifier, clock, follower, () -> backup.plan(SwitchoverState.BACKUP), health, backup,
                FollowerTest.CLOCK);
        return side;
    }

    private long publishChange(String scope) {
        return stream.publish(Wire.change(new Wire.Change(RES.path(), true, scope, 0L)));
    }

    private String status() {
        return MirrorStatus.text(new MirrorStatus.View(backup, false, true, null, null, side, follower, health));
    }

    private Optional<String> warning() {
        return follower.failures.warning();
    }

    private String logText() {
        return log.text();
    }

    private List<String> logLines(String containing) {
        return log.lines(containing);
    }

    /** Starts the backup, fills its disk, and has the primary change {@code name}: one change fails to land. */
    private void startBackupAndFailToWrite(String name, String content, long mtime) throws IOException {
        startBackup();
        diskFull.set(true);
        FollowerTest.write(a.resolve("srv/res/" + name), content, mtime);
        publishChange(name);
        assertEquals(1, follower.failures.count());
    }

    @Test
    void aRefusedWriteStaysPendingAndWarnsUntilTheRetryWritesIt() throws IOException {
        FollowerTest.write(a.resolve("srv/res/before.txt"), "in step before the disk filled", 1_000L);
        startBackup();
        assertEquals(FollowerTest.tree(a.resolve("srv/res")), FollowerTest.tree(b.resolve("srv/res")));
        assertEquals(Optional.empty(), warning());

        diskFull.set(true);
        FollowerTest.write(a.resolve("srv/res/one.txt"), "one", 2_000L);
        FollowerTest.write(a.resolve("srv/res/sub/two.txt"), "two", 3_000L);
        long first = publishChange("one.txt");
        long last = publishChange("sub");

        assertFalse(Files.exists(b.resolve("srv/res/one.txt")));
        assertEquals(3, follower.failures.count(),
                "the file, the directory and the file in it: " + follower.failures.keys());
        String warn = warning().orElseThrow();
        assertTrue(warn.startsWith("This backup's copy of the primary's files may be stale: 3 change(s) could not be "
                + "written on this backup (first: /srv/res/one.txt: opening failed: No space left on device"),
                warn);
        String st = status();
        assertTrue(st.contains("Pending: 3\n"), st);
        assertTrue(st.contains("Health: not ok: 3 change(s) could not be written"), st);
        List<String> warns = logLines("WARN");
        assertTrue(warns.stream().anyMatch(l -> l.contains("could not write /srv/res/one.txt on this backup")
                && l.contains("No space left on device")), logText());
        assertEquals(first + 1, last);
        assertEquals(last, side.subscription().position().sequence(),
                "the stream goes on: the refused changes are kept in the pending set, not in the stream");
        assertEquals(last, stream.acknowledgedSequence());

        // still full at the first retry: still pending, still warning, nothing half-written left behind
        clock.advance(RETRY_S * 1000L);
        assertEquals(3, follower.failures.count());
        assertTrue(warning().isPresent());
        assertEquals(List.of("before.txt=in step before the disk filled@1000"),
                FollowerTest.tree(b.resolve("srv/res")));

        // space again: the next retry writes both, the warning clears, nothing is pending
        diskFull.set(false);
        clock.advance(RETRY_S * 1000L);
        assertEquals(FollowerTest.tree(a.resolve("srv/res")), FollowerTest.tree(b.resolve("srv/res")));
        assertEquals(0, follower.failures.count());
        assertEquals(Optional.empty(), warning());
        st = status();
        assertTrue(st.contains("Pending: 0\n"), st);
        assertFalse(st.contains("not ok"), st);
        assertTrue(logText().contains("every change is written on this backup again"), logText());
    }

    @Test
    void repeatedFailuresOfOneFileLogOneLinePerRetryPeriodWithTheCountHeldBack() throws IOException {
        startBackup();
        diskFull.set(true);
        FollowerTest.write(a.resolve("srv/res/busy.txt"), "v", 1_000L);
        for (int i = 0; i < 4; i++) {
            publishChange("busy.txt"); // the primary reports the file again and again within one period
        }
        assertEquals(1, logLines("could not write /srv/res/busy.txt").size(), logText());

        clock.advance(RETRY_S * 1000L); // the retry fails again: a period has passed, so one more line
        List<String> lines = logLines("could not write /srv/res/busy.txt");
        assertEquals(2, lines.size(), logText());
        assertTrue(lines.get(1).contains("[3 more like this held back since the last such line]"), lines.get(1));
        assertTrue(lines.get(1).contains("WARN"), lines.get(1));
        assertEquals(1, follower.failures.count());
    }

    @Test
    void aRestartFindsWhatWasNotWritten() throws IOException {
        startBackupAndFailToWrite("late.txt", "late", 4_000L);

        // the backup stops (its in-memory pending set goes with it) and starts again while the disk is still full
        side.close();
        assertEquals(0, follower.failures.count());
        startBackup();
        assertEquals(1, follower.failures.count(), "the first comparison after the start found it again");
        assertTrue(warning().isPresent());

        diskFull.set(false);
        side.close();
        startBackup();
        assertEquals(FollowerTest.tree(a.resolve("srv/res")), FollowerTest.tree(b.resolve("srv/res")));
        assertEquals(Optional.empty(), warning());
    }

    @Test
    void manyRefusedPathsUnderOneRootAreRetriedWithOneComparison() throws IOException {
        startBackup();
        diskFull.set(true);
        for (int i = 0; i < MirrorBackup.RETRY_PATHS_PER_ROOT + 8; i++) {
            FollowerTest.write(a.resolve("srv/res/f" + i), "x" + i, 1_000L + i);
            publishChange("f" + i);
        }
        assertEquals(MirrorBackup.RETRY_PATHS_PER_ROOT + 8, follower.failures.count());
        List<String> lines = logLines("could not write /srv/res/");
        assertEquals(WriteFailures.LINES_PER_PERIOD, lines.size(), "the log limit per period holds");

        diskFull.set(false);
        int manifestsBefore = notifier.sent(EventIds.MIRROR_MANIFEST).size();
        clock.advance(RETRY_S * 1000L);
        assertEquals(1, notifier.sent(EventIds.MIRROR_MANIFEST).size() - manifestsBefore, "one comparison of the root");
        assertEquals(FollowerTest.tree(a.resolve("srv/res")), FollowerTest.tree(b.resolve("srv/res")));
        assertEquals(0, follower.failures.count());
    }

    @Test
    void aRefusedDeleteIsRetriedToo() throws IOException {
        FollowerTest.write(a.resolve("srv/res/doomed.txt"), "d", 1_000L);
        startBackup();
        assertTrue(Files.exists(b.resolve("srv/res/doomed.txt")));
        diskFull.set(true); // a read-only file system refuses deletes as well
        Files.delete(a.resolve("srv/res/doomed.txt"));
        publishChange("doomed.txt");
        assertTrue(Files.exists(b.resolve("srv/res/doomed.txt")));
        assertTrue(warning().orElseThrow().contains("deleting failed"), warning().orElseThrow());

        diskFull.set(false);
        clock.advance(RETRY_S * 1000L);
        assertFalse(Files.exists(b.resolve("srv/res/doomed.txt")));
        assertEquals(Optional.empty(), warning());
    }

    @Test
    void aRootGoneFromThePrimaryTakesItsPendingChangesWithIt() throws IOException {
        startBackupAndFailToWrite("orphan.txt", "o", 1_000L);

        Files.delete(a.resolve("srv/res/orphan.txt"));
        Files.delete(a.resolve("srv/res"));
        clock.advance(RETRY_S * 1000L);
        assertEquals(0, follower.failures.count(), "nothing to catch up with under a root the primary lacks");
        assertEquals(Optional.empty(), warning());
        assertEquals(1, logLines("root +/srv/res does not exist on the primary").size(), logText());
    }

    @Test
    void rootsThePrimaryDoesNotHaveAreInfoOncePerRoot() {
        backup = settings(b, "+/srv/res;+/srv/absent;+/srv/gone");
        primary = settings(a, "+/srv/res;+/srv/absent;+/srv/gone");
        startBackup();
        // a new replication id (the primary restarted) makes the backup compare every root again: no second line
        stream = notifier.publish(EventIds.MIRROR_STREAM, "8");
        for (String root : List.of("/srv/absent", "/srv/gone")) {
            List<String> lines = logLines("root +" + root + " does not exist on the primary");
            assertEquals(1, lines.size(), logText());
            assertTrue(lines.get(0).contains("INFO"), lines.get(0));
        }
        assertEquals(List.of(), logLines("WARN"), "expected conditions are not WARNs");
    }
}
