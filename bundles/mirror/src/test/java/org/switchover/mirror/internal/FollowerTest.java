package org.switchover.mirror.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A backup's copy made equal to a primary's tree, both on this machine (each node's directories under its own base
 * directory, as two nodes sharing one machine do), with the requests answered in-process by {@link Server}.
 */
class FollowerTest {

    @TempDir
    Path tmp;
    Path a;
    Path b;
    VfsFiles files;
    Settings primary;
    Settings backup;
    Server server;
    /** Chunk requests answered before the "connection" breaks; negative = never. */
    final AtomicInteger chunksBeforeBreak = new AtomicInteger(-1);
    final List<String> asked = new ArrayList<>();
    Follower follower;

    @BeforeEach
    void setUp() throws IOException {
        a = tmp.resolve("A");
        b = tmp.resolve("B");
        Files.createDirectories(a.resolve("srv/res"));
        Files.createDirectories(a.resolve("srv/flat"));
        files = new VfsFiles();
        primary = settings(a);
        backup = settings(b);
        server = new Server(files);
        follower = new Follower(files, (eventId, body) -> {
            asked.add(eventId);
            if (Wire.CHUNK.equals(eventId) && chunksBeforeBreak.getAndDecrement() == 0) {
                throw new Follower.TransferBroken("connection lost");
            }
            return server.answer(eventId, body, primary);
        }, () -> backup);
    }

    @AfterEach
    void tearDown() {
        files.close();
    }

    private Settings settings(Path base) {
        return MirrorComponent.readSettings(Map.of("custom.mirror.dir", "+/srv/res;/srv/flat",
                "mirror.exceptions", "tmp; bak", "mirror.base.dir", base.toString()), Settings.NONE,
                LoggerFactory.getLogger(FollowerTest.class));
    }

    private String sync(MirrorRoot root, String scope) throws IOException {
        return follower.sync(root, scope, backup.exceptions());
    }

    private static MirrorRoot res() {
        return new MirrorRoot("/srv/res", true);
    }

    private static void write(Path p, String text, long mtime) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
    }

    /** @return every file and directory under {@code root}, relative, with content for files */
    private static List<String> tree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).sorted().map(p -> {
                try {
                    String rel = root.relativize(p).toString();
                    return Files.isDirectory(p) ? rel + "/"
                            : rel + "=" + Files.readString(p) + "@" + Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void aFullSyncCopiesTheTreeWithMtimesAndLeavesExceptionsOut() throws IOException {
        write(a.resolve("srv/res/top.wav"), "top", 1_000_000L);
        write(a.resolve("srv/res/x/y/deep.txt"), "deep", 2_000_000L);
        write(a.resolve("srv/res/x/skip.tmp"), "never", 3_000_000L);
        Files.createDirectories(a.resolve("srv/res/empty"));

        sync(res(), "");

        List<String> expected = new ArrayList<>(tree(a.resolve("srv/res")));
        expected.remove("x/skip.tmp=never@3000000");
        assertEquals(expected, tree(b.resolve("srv/res")));
        assertFalse(Files.exists(b.resolve("srv/res/x/skip.tmp")), "excepted extension never copied");
    }

    @Test
    void onlyWhatChangedMovesAndDeletesFollow() throws IOException {
        write(a.resolve("srv/res/keep"), "same", 1_000L);
        write(a.resolve("srv/res/edit"), "v1", 1_000L);
        write(a.resolve("srv/res/d/gone"), "x", 1_000L);
        sync(res(), "");
        asked.clear();

        write(a.resolve("srv/res/edit"), "v2", 2_000L);
        Files.delete(a.resolve("srv/res/d/gone"));
        Files.delete(a.resolve("srv/res/d"));
        String what = sync(res(), "");

        assertEquals(tree(a.resolve("srv/res")), tree(b.resolve("srv/res")));
        assertEquals(List.of(Wire.MANIFEST, Wire.CHUNK), asked, "one manifest, one chunk for the edited file");
        assertTrue(what.contains("1 files to fetch"), what);
    }

    @Test
    void aChangeMessageSyncsJustItsPath() throws IOException {
        write(a.resolve("srv/res/one"), "1", 1_000L);
        sync(res(), "");
        write(a.resolve("srv/res/n/e/w"), "new", 5_000L);
        Files.move(a.resolve("srv/res/one"), a.resolve("srv/res/renamed"));

        sync(res(), "n");
        sync(res(), "one");
        sync(res(), "renamed");

        assertEquals(tree(a.resolve("srv/res")), tree(b.resolve("srv/res")));
    }

    @Test
    void aNonRecursiveRootDoesNotDescend() throws IOException {
        write(a.resolve("srv/flat/file"), "f", 1_000L);
        write(a.resolve("srv/flat/sub/inner"), "i", 1_000L);

        sync(new MirrorRoot("/srv/flat", false), "");
        sync(new MirrorRoot("/srv/flat", false), "sub");

        assertEquals(List.of("file=f@1000"), tree(b.resolve("srv/flat")));
    }

    @Test
    void largeFilesMoveInChunksAndAreByteIdentical() throws IOException {
        byte[] big = new byte[VfsFiles.CHUNK_BYTES * 2 + 12345];
        new Random(7).nextBytes(big);
        Files.write(a.resolve("srv/res/big.bin"), big);

        sync(res(), "");

        assertArrayEquals(big, Files.readAllBytes(b.resolve("srv/res/big.bin")));
        assertEquals(3, asked.stream().filter(Wire.CHUNK::equals).count());
    }

    @Test
    void aTransferBrokenMidwayLeavesNoPartialFileAndRestartsCleanly() throws IOException {
        byte[] big = new byte[VfsFiles.CHUNK_BYTES * 3];
        new Random(8).nextBytes(big);
        Files.write(a.resolve("srv/res/big.bin"), big);
        write(b.resolve("srv/res/big.bin"), "old copy", 1_000L);
        chunksBeforeBreak.set(1);

        assertThrows(Follower.TransferBroken.class, () -> sync(res(), ""));
        assertEquals(List.of("big.bin=old copy@1000"), tree(b.resolve("srv/res")),
                "the old copy untouched, no temporary file left");

        sync(res(), "");
        assertArrayEquals(big, Files.readAllBytes(b.resolve("srv/res/big.bin")));
    }

    @Test
    void leftOverTemporaryFilesAreRemovedAtTheNextFullSync() throws IOException {
        write(b.resolve("srv/res/d/.x" + VfsFiles.PART_SUFFIX), "half", 1_000L);
        Files.createDirectories(a.resolve("srv/res/d"));
        sync(res(), "");
        assertEquals(List.of("d/"), tree(b.resolve("srv/res")));
    }

    @Test
    void theServerRefusesPathsOutsideItsRoots() throws IOException {
        write(a.resolve("srv/secret"), "s", 1_000L);
        IOException e = assertThrows(IOException.class, () -> server.answer(Wire.MANIFEST,
                Wire.manifestRequest(new Wire.ManifestRequest("/srv", true, "", "")), primary));
        assertTrue(e.getMessage().contains("not a mirrored root"), e.getMessage());
        assertThrows(IOException.class, () -> server.answer(Wire.CHUNK,
                Wire.chunkRequest(new Wire.ChunkRequest("/srv/res", "../secret", 0, 10)), primary));
        assertThrows(IOException.class, () -> server.answer(Wire.CHUNK,
                Wire.chunkRequest(new Wire.ChunkRequest("/srv/res", "missing.txt", 0, 10)), primary));
    }
}
