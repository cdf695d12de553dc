package org.switchover.mirror.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.notifier.EventIds;

/**
 * A backup's copy made equal to a primary's tree, both on this machine (each node's directories under its own base
 * directory, as two nodes sharing one machine do), with the requests answered in-process by {@link Server}.
 */
class FollowerTest {

    /** The follower's clock: only its status and log read it. */
    static final Clock CLOCK = Clock.fixed(java.time.Instant.ofEpochSecond(1_700_000_000L), java.time.ZoneOffset.UTC);

    @TempDir
    Path tmp;
    Path a;
    Path b;
    VfsFiles files;
    MirrorSettings primary;
    MirrorSettings backup;
    Server server;
    /** Chunk requests answered before the "connection" breaks; negative = never. */
    final AtomicInteger chunksBeforeBreak = new AtomicInteger(-1);
    final List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
    Follower follower;

    @BeforeEach
    void setUp() throws IOException {
        a = primaryBase(tmp, "srv/res", "srv/flat");
        b = tmp.resolve("B");
        files = new VfsFiles();
        primary = settings(a);
        backup = settings(b);
        server = new Server(files);
        follower = new Follower(files, (eventId, body) -> {
            asked.add(eventId);
            boolean content = EventIds.MIRROR_CHUNK.equals(eventId) || EventIds.MIRROR_BATCH.equals(eventId);
            if (content && chunksBeforeBreak.getAndDecrement() == 0) {
                throw new Follower.TransferBroken("connection lost");
            }
            return server.answer(eventId, body, primary);
        }, () -> backup, CLOCK, new WriteFailures(() -> 0L, 10));
    }

    /** @return the primary's base directory under {@code tmp} ("A"), with the directories {@code roots} made */
    static Path primaryBase(Path tmp, String... roots) throws IOException {
        Path base = tmp.resolve("A");
        for (String r : roots) {
            Files.createDirectories(base.resolve(r));
        }
        return base;
    }

    @AfterEach
    void tearDown() {
        follower.close();
        files.close();
        answering.shutdownNow();
    }

    /** Answers chunk requests on other threads, like the notifier does, so that several are really in flight. */
    final ExecutorService answering = Executors.newFixedThreadPool(4);
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    /** Opens once two requests were in flight at the same time. */
    final CountDownLatch pipelined = new CountDownLatch(1);

    /** Replaces the follower by one whose asynchronous requests {@code async} answers (the others the server). */
    private Follower followerAnswering(BiFunction<String, byte[], CompletableFuture<byte[]>> async) {
        follower.close();
        follower = new Follower(files, new Follower.Remote() {
            @Override
            public byte[] ask(String eventId, byte[] body) throws IOException {
                return server.answer(eventId, body, primary);
            }

            @Override
            public CompletableFuture<byte[]> askAsync(String eventId, byte[] body) {
                return async.apply(eventId, body);
            }
        }, () -> backup, CLOCK, new WriteFailures(() -> 0L, 10));
        return follower;
    }

    private Follower asyncFollower() {
        return followerAnswering((eventId, body) -> {
            asked.add(eventId);
            if (maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max) > 1) {
                pipelined.countDown();
            }
            CompletableFuture<byte[]> out = new CompletableFuture<>();
            answering.execute(() -> {
                try {
                    // a round trip: a reply waits until a second request was sent (or, bounded, for nothing)
                    pipelined.await(5, TimeUnit.SECONDS);
                    if (chunksBeforeBreak.getAndDecrement() == 0) {
                        throw new Follower.TransferBroken("connection lost");
                    }
                    byte[] reply = server.answer(eventId, body, primary);
                    inFlight.decrementAndGet();
                    out.complete(reply);
                } catch (IOException | InterruptedException e) {
                    inFlight.decrementAndGet();
                    out.completeExceptionally(e);
                }
            });
            return out;
        });
    }

    private MirrorSettings settings(Path base) {
        return ParsingTest.settingsOf(Map.of("custom.mirror.dir", "+/srv/res;/srv/flat",
                "mirror.exceptions", "tmp; bak", "mirror.base.dir", base.toString()));
    }

    private String sync(MirrorRoot root, String scope) throws IOException {
        return follower.sync(root, scope, backup.exceptions());
    }

    private static MirrorRoot res() {
        return new MirrorRoot("/srv/res", true);
    }

    static void write(Path p, String text, long mtime) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
    }

    /** @return every file and directory under {@code root}, relative, with content for files */
    static List<String> tree(Path root) throws IOException {
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
        assertEquals(List.of(EventIds.MIRROR_MANIFEST, EventIds.MIRROR_BATCH), asked, "one manifest, one batch for the edited file");
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
        assertEquals(3, asked.stream().filter(EventIds.MIRROR_CHUNK::equals).count());
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
    void malformedOrRefusedBatchRepliesCannotFloodOrForgeTheLog() throws IOException {
        for (int i = 0; i < 3 * Wire.BATCH_FILES; i++) {
            write(a.resolve("srv/flat/f" + i), "x", 1_000L);
        }
        AtomicInteger batches = new AtomicInteger();
        String refusal = "disk full\n12:00:00 [main] INFO forged\u001b[2J";
        followerAnswering((eventId, body) -> {
            if (EventIds.MIRROR_BATCH.equals(eventId)) {
                return batches.incrementAndGet() % 2 == 0
                        ? CompletableFuture.failedFuture(new IOException(refusal))
                        : CompletableFuture.completedFuture("{\"garbage".getBytes(StandardCharsets.UTF_8));
            }
            try {
                return CompletableFuture.completedFuture(server.answer(eventId, body, primary));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
        try (org.switchover.testing.LogCapture log = new org.switchover.testing.LogCapture()) {
            sync(new MirrorRoot("/srv/flat", false), "");
            assertTrue(batches.get() >= 3, "batches asked: " + batches.get());
            assertEquals(1, log.lines("was malformed").size(), log.text());
            log.assertEscaped("not copied now", "disk full\\n12:00:00 [main] INFO forged\\u001b[2J");
        }
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
        IOException e = assertThrows(IOException.class, () -> server.answer(EventIds.MIRROR_MANIFEST,
                Wire.manifestRequest(new Wire.ManifestRequest("/srv", true, "", "")), primary));
        assertTrue(e.getMessage().contains("not a mirrored root"), e.getMessage());
        assertThrows(IOException.class, () -> server.answer(EventIds.MIRROR_CHUNK,
                Wire.chunkRequest(new Wire.ChunkRequest("/srv/res", "../secret", 0, 10)), primary));
        assertThrows(IOException.class, () -> server.answer(EventIds.MIRROR_CHUNK,
                Wire.chunkRequest(new Wire.ChunkRequest("/srv/res", "missing.txt", 0, 10)), primary));
    }

    @Test
    void manyFilesAndALargeOneMoveWithSeveralRequestsInFlightAndBoundedMemory() throws IOException {
        Random r = new Random(11);
        for (int i = 0; i < 300; i++) {
            byte[] small = new byte[r.nextInt(20_000)];
            r.nextBytes(small);
            Path p = a.resolve("srv/res/d" + (i % 7) + "/f" + i + ".dat");
            Files.createDirectories(p.getParent());
            Files.write(p, small);
        }
        byte[] big = new byte[VfsFiles.CHUNK_BYTES * 20 + 5];
        r.nextBytes(big);
        Files.write(a.resolve("srv/res/big.bin"), big);
        asyncFollower();

        String what = sync(res(), "");

        assertTrue(what.contains("301 files to fetch"), what);
        assertEquals(treeOfDigests(a.resolve("srv/res")), treeOfDigests(b.resolve("srv/res")));
        assertTrue(maxInFlight.get() > 1, "requests were pipelined: at most " + maxInFlight.get() + " in flight");
        assertTrue(maxInFlight.get() <= Follower.CHUNKS_IN_FLIGHT, "memory bound held: " + maxInFlight.get());
        assertTrue(follower.lastCompare.contains("301 file(s) fetched"), follower.lastCompare);
        long batches = asked.stream().filter(EventIds.MIRROR_BATCH::equals).count();
        assertTrue(batches >= 3 && batches <= 10, "300 small files (~3 MB) in a few batches, not one each: " + batches);
        assertEquals(21, asked.stream().filter(EventIds.MIRROR_CHUNK::equals).count(), "the large file in 1 MiB chunks");
    }

    @Test
    void aBrokenConnectionDuringConcurrentFetchesLeavesNoPartFilesAndTheNextSyncCompletes() throws IOException {
        Random r = new Random(12);
        for (int i = 0; i < 40; i++) {
            byte[] bytes = new byte[i % 5 == 0 ? VfsFiles.CHUNK_BYTES * 3 + i : 1000 + i];
            r.nextBytes(bytes);
            Files.write(a.resolve("srv/res/f" + i), bytes);
        }
        asyncFollower();
        chunksBeforeBreak.set(25);

        assertThrows(Follower.TransferBroken.class, () -> sync(res(), ""));
        try (Stream<Path> s = Files.walk(b.resolve("srv/res"))) {
            assertEquals(List.of(), s.filter(p -> VfsFiles.isPart(p.getFileName().toString())).toList(),
                    "no temporary file left");
        }
        for (String f : treeOfDigests(b.resolve("srv/res"))) {
            assertTrue(treeOfDigests(a.resolve("srv/res")).contains(f), "only whole files under real names: " + f);
        }

        chunksBeforeBreak.set(-1);
        sync(res(), "");
        assertEquals(treeOfDigests(a.resolve("srv/res")), treeOfDigests(b.resolve("srv/res")));
    }

    /** @return every file under {@code root} with its SHA-256 and mtime */
    private static List<String> treeOfDigests(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().map(p -> {
                try {
                    return root.relativize(p) + "=" + sha256(Files.readAllBytes(p)) + "@" + Files.getLastModifiedTime(p)
                            .toMillis();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBatchAnswersEachFileOnItsOwnAndRefusesOversizedRequests() throws IOException {
        write(a.resolve("srv/res/here.txt"), "here", 1_000L);
        List<Wire.BatchItem> items = Wire.batch(server.answer(EventIds.MIRROR_BATCH, Wire.batchRequest(new Wire.BatchRequest(
                "/srv/res", List.of(new Wire.ChunkRequest("/srv/res", "here.txt", 0, 4),
                        new Wire.ChunkRequest("/srv/res", "gone.txt", 0, 4)))), primary));

        assertEquals("here", new String(items.get(0).chunk().bytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(1_000L, items.get(0).chunk().mtime());
        assertTrue(items.get(1).chunk() == null && items.get(1).error().contains("gone.txt"), items.get(1).error());

        List<Wire.ChunkRequest> tooMany = new ArrayList<>();
        for (int i = 0; i <= Wire.BATCH_FILES; i++) {
            tooMany.add(new Wire.ChunkRequest("/srv/res", "here.txt", 0, 4));
        }
        IOException e = assertThrows(IOException.class, () -> server.answer(EventIds.MIRROR_BATCH,
                Wire.batchRequest(new Wire.BatchRequest("/srv/res", tooMany)), primary));
        assertTrue(e.getMessage().contains("at most " + Wire.BATCH_FILES), e.getMessage());
        List<Wire.ChunkRequest> tooLarge = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tooLarge.add(new Wire.ChunkRequest("/srv/res", "here.txt", 0, VfsFiles.CHUNK_BYTES));
        }
        e = assertThrows(IOException.class, () -> server.answer(EventIds.MIRROR_BATCH,
                Wire.batchRequest(new Wire.BatchRequest("/srv/res", tooLarge)), primary));
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
        assertThrows(IOException.class, () -> Wire.batch(new byte[] {0, 0, 0, 1, 1, 0}), "truncated reply");
    }

    @Test
    void aSmallFileGoneOnThePrimaryIsSkippedWhileTheRestOfItsBatchArrives() throws IOException {
        for (int i = 0; i < 5; i++) {
            write(a.resolve("srv/res/f" + i), "file " + i, 1_000L + i);
        }
        follower.close();
        follower = new Follower(files, (eventId, body) -> {
            if (EventIds.MIRROR_BATCH.equals(eventId)) {
                Files.deleteIfExists(a.resolve("srv/res/f2")); // deleted between the manifest and the copy
            }
            return server.answer(eventId, body, primary);
        }, () -> backup, CLOCK, new WriteFailures(() -> 0L, 10));

        sync(res(), "");

        assertEquals(List.of("f0=file 0@1000", "f1=file 1@1001", "f3=file 3@1003", "f4=file 4@1004"),
                tree(b.resolve("srv/res")));
        assertTrue(follower.lastCompare.contains("4 file(s) fetched of 5 differing"), follower.lastCompare);
    }

}
