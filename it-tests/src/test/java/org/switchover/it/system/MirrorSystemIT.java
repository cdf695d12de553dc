package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.FileTrees;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * Directory mirroring between two real nodes (two OS processes from the runtime jar, one machine): each node keeps
 * its trees under its own {@code mirror.base.dir}, both configure the same roots. Files and nested directories
 * created, modified, appended, renamed and deleted on the primary under a {@code +} root are byte-identical (with
 * their mtimes) on the backup within a bounded time; an excepted extension is never copied; a root without
 * {@code +} does not descend into subdirectories. A backup killed (-9) during a large transfer leaves nothing under
 * the real name, and after its restart only the files that changed meanwhile move.
 */
class MirrorSystemIT {

    private static final Duration MIRROR_BOUND = Duration.ofSeconds(20);

    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(SwitchoverNode::close);
    }

    @Test
    void changesUnderMirroredRootsReachTheBackup() throws IOException {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("mirror-pair");
        Path treeA = dir.resolve("A-tree");
        Path treeB = dir.resolve("B-tree");
        Path resA = treeA.resolve("mirror/res");
        Path flatA = treeA.resolve("mirror/flat");
        Path resB = treeB.resolve("mirror/res");
        Path flatB = treeB.resolve("mirror/flat");
        Files.createDirectories(resA);
        Files.createDirectories(flatA);
        Files.writeString(resA.resolve("before-start.txt"), "there before the backup started");
        Files.createDirectories(resB);
        Files.writeString(resB.resolve("stale-on-backup.txt"), "the primary does not have this");

        SwitchoverNode a = node(dir, "A", ports, treeA);
        SwitchoverNode b = node(dir, "B", ports, treeB);
        SwitchoverNode.startPair(a, b);

        awaitSame("start-up comparison", resA, resB);
        assertFalse(Files.exists(resB.resolve("stale-on-backup.txt")), "what the primary lacks is removed");

        // create, nested directories, modify, append, rename, delete, excepted extension
        Files.createDirectories(resA.resolve("x/y/z"));
        Files.writeString(resA.resolve("x/y/z/deep.cfg"), "deep");
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(big);
        Files.write(resA.resolve("x/big.bin"), big);
        Files.writeString(resA.resolve("before-start.txt"), "modified on the primary");
        Files.writeString(resA.resolve("log.csv"), "a,b\n");
        Files.writeString(resA.resolve("log.csv"), "c,d\n", StandardOpenOption.APPEND);
        Files.writeString(resA.resolve("old-name.txt"), "renamed");
        Files.writeString(resA.resolve("scratch.tmp"), "never mirrored");
        Files.writeString(resA.resolve("x/y/z/doomed.txt"), "deleted soon");
        Files.createDirectories(resA.resolve("gone/inner"));
        Files.writeString(resA.resolve("gone/inner/f.txt"), "f");
        Files.writeString(flatA.resolve("top.txt"), "top of a flat root");
        Files.createDirectories(flatA.resolve("sub"));
        Files.writeString(flatA.resolve("sub/inner.txt"), "below a flat root");
        awaitSame("first changes", resA, resB);

        Files.move(resA.resolve("old-name.txt"), resA.resolve("new-name.txt"));
        Files.move(resA.resolve("x/y"), resA.resolve("x/moved"));
        Files.delete(resA.resolve("x/moved/z/doomed.txt"));
        Files.writeString(resA.resolve("log.csv"), "e,f\n", StandardOpenOption.APPEND);
        Files.delete(resA.resolve("gone/inner/f.txt"));
        Files.delete(resA.resolve("gone/inner"));
        Files.delete(resA.resolve("gone"));
        awaitSame("renames and deletes", resA, resB);

        assertFalse(Files.exists(resB.resolve("scratch.tmp")), "MirrorExceptions extension never copied");
        assertEquals(List.of("top.txt#" + FileTrees.sha("top of a flat root".getBytes(StandardCharsets.UTF_8))),
                FileTrees.files(flatB),
                "a root without + does not descend");
        SwitchoverNode.CtlResult status = b.shell("switchover:mirror-status");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("backup (following)"), status.out());
        await("health check answered").atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .until(() -> b.shell("switchover:mirror-status").out().contains("Health: ok"));

        // kill -9 of the backup in the middle of a large transfer, files changing while it is away
        Path part = resB.resolve(".huge.bin.mirror-part");
        FileTrees.writeLarge(resA.resolve("huge.bin"), 48);
        await("huge.bin being received").atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5))
                .until(() -> Files.exists(part));
        b.kill();
        assertFalse(Files.exists(resB.resolve("huge.bin")), "nothing under the real name before the copy is whole");
        Files.writeString(resA.resolve("while-away.txt"), "written while the backup was down");
        Files.writeString(resA.resolve("log.csv"), "g,h\n", StandardOpenOption.APPEND);
        int mark = b.logMark();
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        awaitSame("catch-up after the restart", resA, resB);
        assertFalse(Files.exists(part), "the broken transfer's part file is gone");
        String log = b.logSince(mark);
        assertTrue(log.contains("+/mirror/res: 0 dirs to create, 3 files to fetch, 0 mtimes to set, 0 to delete"),
                "only the three changed files move at the restart:\n" + log);
    }

    @Test
    void aRootAddedToCustomMirrorDirOnThePrimaryIsFollowedAtOnceOnTheBackup() throws IOException {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("mirror-live-root");
        Path treeA = dir.resolve("A-tree");
        Path treeB = dir.resolve("B-tree");
        Files.createDirectories(treeA.resolve("mirror/res"));
        Path extraA = treeA.resolve("mirror/extra");
        Path extraB = treeB.resolve("mirror/extra");
        Files.createDirectories(extraA.resolve("deep"));
        Files.writeString(extraA.resolve("deep/table.csv"), "there before the root was added");
        SwitchoverNode a = node(dir, "A", ports, treeA);
        SwitchoverNode b = node(dir, "B", ports, treeB);
        SwitchoverNode.startPair(a, b);
        await("B following").atMost(MIRROR_BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> b.shell("switchover:mirror-status").out().contains("Stream: live"));
        assertFalse(Files.exists(extraB), "not a mirrored root yet");

        // changed on the primary only: the ConfigAdmin adapter carries the new list to the backup, live
        int mark = b.logMark();
        a.configure("org.switchover.mirror", Map.of("custom.mirror.dir", "+/mirror/res;/mirror/flat;+/mirror/extra"));
        awaitSame("the new root's existing files", extraA, extraB);
        Files.writeString(extraA.resolve("deep/later.txt"), "written after the root was added");
        awaitSame("a change under the new root", extraA, extraB);
        assertTrue(b.logSince(mark).contains("org.switchover.mirror updated from the primary"),
                "the backup took the list from the primary");
        assertTrue(b.shell("switchover:mirror-status").out().contains("/mirror/extra"));
        assertEquals("BACKUP", b.state(), "no restart, no role change");
    }

    private SwitchoverNode node(Path dir, String letter, int[] ports, Path tree) {
        SwitchoverNode n = SwitchoverNode.create(dir, letter, ports, Map.of(
                "org.switchover.core", Map.of("manual.switch.only", "true"),
                "org.switchover.mirror", Map.of("mirror.base.dir", tree.toString(),
                        "custom.mirror.dir", "+/mirror/res;/mirror/flat",
                        "mirror.exceptions", "tmp",
                        "switchover.file.monitor.health.check.interval", "2",
                        "switchover.file.monitor.health.check.timeout", "2")));
        nodes.add(n);
        return n;
    }

    private static void awaitSame(String what, Path primary, Path backup) {
        FileTrees.awaitSame(what, primary, backup, MIRROR_BOUND, "tmp");
    }
}
