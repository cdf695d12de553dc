package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
        a.start();
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));

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
        assertEquals(List.of("top.txt=" + sha("top of a flat root")), tree(flatB, false),
                "a root without + does not descend");
        SwitchoverNode.CtlResult status = b.shell("switchover:mirror-status");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("backup (following)"), status.out());
        await("health check answered").atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .until(() -> b.shell("switchover:mirror-status").out().contains("Health: ok"));

        // kill -9 of the backup in the middle of a large transfer, files changing while it is away
        Path part = resB.resolve(".huge.bin.mirror-part");
        writeLarge(resA.resolve("huge.bin"), 48);
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

    /** Writes {@code mib} MiB of varied bytes without holding them in memory. */
    private static void writeLarge(Path file, int mib) throws IOException {
        byte[] block = new byte[1024 * 1024];
        new Random(9).nextBytes(block);
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                block[0] = (byte) i;
                out.write(block);
            }
        }
    }

    private SwitchoverNode node(Path dir, String letter, int[] ports, Path tree) {
        SwitchoverNode n = SwitchoverNode.create(dir, letter, ports, Map.of(
                "org.switchover.node", Map.of("mirror.base.dir", tree.toString()),
                "org.switchover.core", Map.of("manual.switch.only", "true"),
                "org.switchover.mirror", Map.of(
                        "custom.mirror.dir", "+/mirror/res;/mirror/flat",
                        "mirror.exceptions", "tmp",
                        "switchover.file.monitor.health.check.interval", "2",
                        "switchover.file.monitor.health.check.timeout", "2")));
        nodes.add(n);
        return n;
    }

    private static void awaitSame(String what, Path primary, Path backup) {
        await(what + " mirrored").atMost(MIRROR_BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    try {
                        return tree(primary, true).equals(tree(backup, true));
                    } catch (UncheckedIOException e) {
                        return false; // a file went while the tree was listed (a rename finishing): look again
                    }
                });
    }

    /** @return every directory and file under {@code root} (files with digest and mtime), excepted .tmp left out */
    private static List<String> tree(Path root, boolean recursive) {
        try (Stream<Path> s = recursive ? Files.walk(root) : Files.list(root)) {
            return s.filter(p -> !p.equals(root) && !p.toString().endsWith(".tmp"))
                    .filter(p -> recursive || Files.isRegularFile(p)).sorted().map(p -> {
                        String rel = root.relativize(p).toString();
                        try {
                            return Files.isDirectory(p) ? rel + "/" : rel + "=" + sha(Files.readAllBytes(p))
                                    + (recursive ? "@" + Files.getLastModifiedTime(p).toMillis() : "");
                        } catch (IOException e) {
                            return rel + "=?";
                        }
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha(String text) {
        return sha(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
