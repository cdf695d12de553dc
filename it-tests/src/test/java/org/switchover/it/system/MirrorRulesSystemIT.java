package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.FileTrees;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * The mirror's rules that need two real nodes and restarts (spec section 8; each node keeps its trees under its own
 * {@code mirror.base.dir}): the Handler Path is copied once when the backup starts and not followed afterwards while
 * the Resource Path is; a backup stopped while 1,000 files change moves exactly those files when it comes back; a
 * backup killed (-9) during a 500 MiB transfer shows nothing under the real name and completes the file, identical,
 * after its restart.
 */
class MirrorRulesSystemIT {

    private static final Duration MIRROR_BOUND = Duration.ofSeconds(30);
    private static final Duration START_BOUND = Duration.ofSeconds(90);

    private final List<SwitchoverNode> nodes = new ArrayList<>();
    private final List<Path> bulky = new ArrayList<>();

    @AfterEach
    void stopNodesAndRemoveBulkyFiles() throws IOException {
        nodes.forEach(SwitchoverNode::close);
        for (Path p : bulky) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void handlerPathIsCopiedOnceAtStartWhileResourcePathIsFollowed() throws IOException {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("mirror-handlers");
        Path treeA = dir.resolve("A-tree");
        Path treeB = dir.resolve("B-tree");
        Path handlersA = treeA.resolve("ic/Handlers");
        Path handlersB = treeB.resolve("ic/Handlers");
        Path resourcesA = treeA.resolve("ic/Resources");
        Path resourcesB = treeB.resolve("ic/Resources");
        Files.createDirectories(handlersA);
        Files.createDirectories(resourcesA);
        Files.writeString(handlersA.resolve("Main.ihd"), "handler v1");
        Files.writeString(resourcesA.resolve("WhitePages.txt"), "pages v1");
        Map<String, String> mirror = Map.of(
                "handler.path", "/ic/Handlers",
                "resource.path", "+/ic/Resources",
                "custom.mirror.dir", "",
                "switchover.file.monitor.health.check.interval", "0");
        SwitchoverNode a = node(dir, "A", ports, treeA, mirror);
        SwitchoverNode b = node(dir, "B", ports, treeB, mirror);
        a.start();
        a.awaitState("PRIMARY", START_BOUND);
        b.start();
        b.awaitState("BACKUP", START_BOUND);
        awaitSame("handlers copied at the backup's start", handlersA, handlersB);
        awaitSame("resources at the backup's start", resourcesA, resourcesB);

        // handler changes first, then a resource change: the stream is ordered, so once the resource change is on
        // the backup a followed handler change would be there too
        Files.writeString(handlersA.resolve("Main.ihd"), "handler v2, published after the backup started");
        Files.writeString(handlersA.resolve("New.ihd"), "new handler");
        Files.writeString(resourcesA.resolve("WhitePages.txt"), "pages v2");
        Files.writeString(resourcesA.resolve("prompt.wav"), "new prompt");
        awaitSame("resource changes followed", resourcesA, resourcesB);
        await("handler changes stay unfollowed").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(handlersB.resolve("Main.ihd")).equals("handler v1")
                        && !Files.exists(handlersB.resolve("New.ihd")));

        // the once-only copy runs again at the next start of the backup
        b.stop();
        b.start();
        b.awaitState("BACKUP", START_BOUND);
        awaitSame("handlers copied at the backup's next start", handlersA, handlersB);
    }

    @Test
    void aBackupStoppedWhileAThousandFilesChangeMovesExactlyThoseFiles() throws IOException {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("mirror-thousand");
        Path treeA = dir.resolve("A-tree");
        Path treeB = dir.resolve("B-tree");
        Path resA = treeA.resolve("mirror/res");
        Path resB = treeB.resolve("mirror/res");
        Random random = new Random(21);
        List<Path> existing = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            Path p = resA.resolve("d" + (i % 10) + "/e" + (i % 3) + "/file-" + i + ".dat");
            Files.createDirectories(p.getParent());
            Files.write(p, bytes(random, 200 + random.nextInt(8000)));
            existing.add(p);
        }
        SwitchoverNode a = node(dir, "A", ports, treeA, Map.of("custom.mirror.dir", "+/mirror/res",
                "switchover.file.monitor.health.check.interval", "0"));
        SwitchoverNode b = node(dir, "B", ports, treeB, Map.of("custom.mirror.dir", "+/mirror/res",
                "switchover.file.monitor.health.check.interval", "0"));
        a.start();
        a.awaitState("PRIMARY", START_BOUND);
        b.start();
        b.awaitState("BACKUP", START_BOUND);
        awaitSame("initial copy of 1,500 files", resA, resB);

        b.stop();
        // 600 modified in place (content and mtime), 400 new ones in existing directories
        for (int i = 0; i < 600; i++) {
            Path p = existing.get(i * 2);
            Files.write(p, bytes(random, 200 + random.nextInt(8000)));
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 1000L * i));
        }
        for (int i = 0; i < 400; i++) {
            Files.write(resA.resolve("d" + (i % 10) + "/e" + (i % 3) + "/added-" + i + ".dat"),
                    bytes(random, 100 + random.nextInt(4000)));
        }
        int mark = b.logMark();
        b.start();
        b.awaitState("BACKUP", START_BOUND);
        awaitSame("the 1,000 changes after the restart", resA, resB);

        String log = b.logSince(mark);
        Matcher m = Pattern.compile("\\+/mirror/res(/\\S*)?: \\d+ dirs to create, \\d+ files to fetch, \\d+ mtimes "
                + "to set, \\d+ to delete").matcher(log);
        List<String> moves = new ArrayList<>();
        while (m.find()) {
            moves.add(m.group());
        }
        assertEquals(List.of("+/mirror/res: 0 dirs to create, 1000 files to fetch, 0 mtimes to set, 0 to delete"),
                moves, "one comparison after the restart moves exactly the 1,000 changed files, nothing else");
        String status = b.shell("switchover:mirror-status").out();
        assertTrue(status.contains("Last full comparison: +/mirror/res: 1000 file(s) fetched of 1000 differing"),
                status);
    }

    @Test
    void aBackupKilledDuringA500MiBTransferCompletesTheFileAfterItsRestart() throws IOException {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("mirror-500mib");
        Path treeA = dir.resolve("A-tree");
        Path treeB = dir.resolve("B-tree");
        Path resA = treeA.resolve("mirror/res");
        Path resB = treeB.resolve("mirror/res");
        Files.createDirectories(resA);
        SwitchoverNode a = node(dir, "A", ports, treeA, Map.of("custom.mirror.dir", "+/mirror/res",
                "switchover.file.monitor.health.check.interval", "0"));
        SwitchoverNode b = node(dir, "B", ports, treeB, Map.of("custom.mirror.dir", "+/mirror/res",
                "switchover.file.monitor.health.check.interval", "0"));
        a.start();
        a.awaitState("PRIMARY", START_BOUND);
        b.start();
        b.awaitState("BACKUP", START_BOUND);
        awaitSame("empty root", resA, resB);

        Path source = resA.resolve("recording.bin");
        Path target = resB.resolve("recording.bin");
        Path part = resB.resolve(".recording.bin.mirror-part");
        bulky.add(source);
        bulky.add(target);
        bulky.add(part);
        String expected = FileTrees.writeLarge(source, 500);
        await("recording.bin being received").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5))
                .until(() -> Files.exists(part));
        await("some of it received").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    long received = FileTrees.sizeOrMinusOne(part);
                    return received < 0 || received > 32L << 20; // gone: finished (the next assertion says so)
                });
        b.kill();
        assertFalse(Files.exists(target), "nothing under the mirrored name before the copy is whole");

        b.start();
        b.awaitState("BACKUP", START_BOUND);
        await("recording.bin complete on the backup").atMost(180, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(500)).until(() -> Files.exists(target));
        assertEquals(500L << 20, Files.size(target));
        assertEquals(expected, FileTrees.sha(target), "byte-identical after the restart");
        assertEquals(Files.getLastModifiedTime(source).toMillis(), Files.getLastModifiedTime(target).toMillis(),
                "mtime preserved (to the millisecond, as the mirror carries it)");
        assertFalse(Files.exists(part), "the temporary name is gone");
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** @return the mirror parameters with this node's own (node-local) base directory added */
    private static Map<String, String> withBaseDir(Map<String, String> mirror, Path tree) {
        Map<String, String> all = new java.util.HashMap<>(mirror);
        all.put("mirror.base.dir", tree.toString());
        return all;
    }

    private SwitchoverNode node(Path dir, String letter, int[] ports, Path tree, Map<String, String> mirror) {
        SwitchoverNode n = SwitchoverNode.create(dir, letter, ports, Map.of(
                "org.switchover.core", Map.of("manual.switch.only", "true"),
                "org.switchover.mirror", withBaseDir(mirror, tree)));
        nodes.add(n);
        return n;
    }

    private static void awaitSame(String what, Path primary, Path backup) {
        FileTrees.awaitSame(what, primary, backup, MIRROR_BOUND);
    }
}
