package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.switchover.it.support.FileTrees;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * The backup's mirrored trees on a real, small file system that fills up (issue 10, item 5): a 4 MiB tmpfs the test
 * mounts itself, mostly taken by a ballast file. Files written on the primary then do not fit on the backup: its
 * status shows the warning within one health interval with work pending, its log names a file and "No space left on
 * device". The ballast removed, every file arrives byte-identical without anyone acting, and the warning clears. The
 * same file system remounted read-only refuses a new file and a delete alike, until it is writable again.
 * A second configured root that the primary does not have is logged once at INFO, never as a WARN. Needs root
 * (mount); bounded in time, the tmpfs is unmounted whatever happens.
 */
class MirrorDiskFullSystemIT {

    private static final int HEALTH_INTERVAL_S = 2;
    private static final int RETRY_S = 2;
    /** One health interval, plus room for polling on a loaded 2-core machine. */
    private static final Duration WARNING_BOUND = Duration.ofSeconds(HEALTH_INTERVAL_S + 3);
    private static final Duration CATCH_UP_BOUND = Duration.ofSeconds(RETRY_S + 13);
    private static final Pattern PENDING = Pattern.compile("Pending: (\\d+)");

    @Test
    void aFullDiskOnTheBackupWarnsKeepsTheFilesPendingAndCatchesUpOnceSpaceIsFreed() throws Exception {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("mirror-disk-full");
        Path disk = dir.resolve("B-disk");
        Files.createDirectories(disk);
        List<SwitchoverNode> nodes = new ArrayList<>();
        run(Duration.ofSeconds(10), "mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.toString());
        try {
            Path resA = dir.resolve("A-tree/mirror/res");
            Path treeB = disk.resolve("B-tree");
            Path resB = treeB.resolve("mirror/res");
            Files.createDirectories(resA);
            Files.createDirectories(resB);
            Files.writeString(resA.resolve("small.txt"), "fits before the disk fills");
            SwitchoverNode a = node(dir, "A", ports, dir.resolve("A-tree"));
            SwitchoverNode b = node(dir, "B", ports, treeB);
            nodes.add(a);
            nodes.add(b);
            SwitchoverNode.startPair(a, b);
            FileTrees.awaitSame("start-up comparison", resA, resB, Duration.ofSeconds(20));
            await("B's first health answer").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                    .until(() -> b.shell("switchover:mirror-status").out().contains("Health: ok"));
            assertEquals(List.of(), b.warnings());
            // a configured root the primary does not have is an expected case (issue 10, item 8b): INFO, once
            String startLog = b.logSince(0);
            assertEquals(1, Pattern.compile("INFO .*root \\+/mirror/absent does not exist on the primary")
                    .matcher(startLog).results().count(), startLog);
            assertFalse(Pattern.compile("WARN .*/mirror/absent").matcher(startLog).find(), startLog);

            // the ballast leaves about 512 KiB free; 12 files of 200 KiB cannot all fit
            Path ballast = disk.resolve("ballast.bin");
            Files.write(ballast, new byte[3584 * 1024]);
            int mark = b.logMark();
            long t0 = System.nanoTime();
            Random random = new Random(11);
            for (int i = 0; i < 12; i++) {
                byte[] content = new byte[200 * 1024];
                random.nextBytes(content);
                Files.write(resA.resolve("f" + i + ".bin"), content);
            }
            await("backup warns about the refused writes").atMost(WARNING_BOUND).pollInterval(Duration.ofMillis(100))
                    .until(() -> b.warnings() != null && b.warnings().stream()
                            .anyMatch(w -> w.contains("could not be written on this backup")));
            System.out.printf("DISKFULL backup warning %d ms after the primary's writes (bound %d s)%n",
                    (System.nanoTime() - t0) / 1_000_000, WARNING_BOUND.toSeconds());
            String warning = b.warnings().stream().filter(w -> w.contains("could not be written")).findFirst()
                    .orElseThrow();
            assertTrue(warning.startsWith("This backup's copy of the primary's files may be stale") && warning
                    .contains("No space left on device"), warning);
            String status = b.shell("switchover:mirror-status").out();
            Matcher m = PENDING.matcher(status);
            assertTrue(m.find() && Integer.parseInt(m.group(1)) > 0, status);
            assertTrue(status.contains("Health: not ok: "), status);
            SwitchoverNode.CtlResult text = b.ctl("status");
            assertTrue(text.out().contains("WARNING") && text.out().contains("could not be written on this backup"),
                    text.out());
            String log = b.logSince(mark);
            assertTrue(Pattern.compile("WARN.*could not write /mirror/res/f\\d+\\.bin on this backup: .*No space left "
                    + "on device").matcher(log).find(), log);
            assertFalse(Pattern.compile("INFO.*No space left on device").matcher(log).find(),
                    "a refused write is a WARN, not an INFO:\n" + log);
            int pendingFull = Integer.parseInt(m.group(1));

            // space again: the retry writes everything, nobody acts on the backup
            long t1 = System.nanoTime();
            Files.delete(ballast);
            FileTrees.awaitSame("catch-up after space was freed", resA, resB, CATCH_UP_BOUND);
            await("warning cleared").atMost(Duration.ofSeconds(RETRY_S + 3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> List.of().equals(b.warnings()));
            System.out.printf("DISKFULL %d file(s) pending while full; caught up and warning cleared %d ms after "
                    + "the space was freed (retry interval %d s)%n", pendingFull, (System.nanoTime() - t1) / 1_000_000,
                    RETRY_S);
            String after = b.shell("switchover:mirror-status").out();
            assertTrue(after.contains("Pending: 0\n") && after.contains("Health: ok"), after);
            for (int i = 0; i < 12; i++) {
                String name = "f" + i + ".bin";
                assertEquals(FileTrees.sha(resA.resolve(name)), FileTrees.sha(resB.resolve(name)), name);
            }

            // any refusal of the backup's file system is handled alike: read-only, then writable again
            int roMark = b.logMark();
            run(Duration.ofSeconds(10), "mount", "-o", "remount,ro", disk.toString());
            Files.writeString(resA.resolve("while-read-only.txt"), "written while the backup's disk was read-only");
            Files.delete(resA.resolve("f0.bin"));
            await("backup warns about the read-only disk").atMost(WARNING_BOUND).pollInterval(Duration.ofMillis(100))
                    .until(() -> b.warnings() != null && b.warnings().stream()
                            .anyMatch(w -> w.contains("Read-only file system")));
            assertTrue(Files.exists(resB.resolve("f0.bin")), "the delete was refused too");
            await("the refused delete logged with its cause").atMost(WARNING_BOUND).pollInterval(Duration.ofMillis(100))
                    .until(() -> Pattern.compile("WARN.*could not write /mirror/res/f0\\.bin on this backup: deleting "
                            + "failed: .*Read-only file system").matcher(b.logSince(roMark)).find());
            run(Duration.ofSeconds(10), "mount", "-o", "remount,rw", disk.toString());
            FileTrees.awaitSame("catch-up after the disk is writable again", resA, resB, CATCH_UP_BOUND);
            await("warning cleared again").atMost(Duration.ofSeconds(RETRY_S + 3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> List.of().equals(b.warnings()));
        } finally {
            nodes.forEach(SwitchoverNode::close);
            run(Duration.ofSeconds(10), "umount", disk.toString());
        }
    }

    private static SwitchoverNode node(Path dir, String letter, int[] ports, Path tree) {
        return SwitchoverNode.create(dir, letter, ports, Map.of(
                "org.switchover.core", Map.of("manual.switch.only", "true"),
                "org.switchover.mirror", Map.of("mirror.base.dir", tree.toString(),
                        "custom.mirror.dir", "+/mirror/res;+/mirror/absent",
                        "mirror.write.retry.interval", String.valueOf(RETRY_S),
                        "switchover.file.monitor.health.check.interval", String.valueOf(HEALTH_INTERVAL_S),
                        "switchover.file.monitor.health.check.timeout", "1")));
    }

    /** Runs a command that must succeed within {@code bound}. */
    private static void run(Duration bound, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + bound.toSeconds() + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "; this test needs "
                    + "root to mount a tmpfs): " + out);
        }
    }
}
