package org.switchover.it.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Directory trees for the mirror tests and benchmark: listings that compare byte for byte, large files, clean-up. */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * @param root a directory
     * @param skippedExtensions file extensions left out (without the dot), e.g. MirrorExceptions
     * @return every directory ({@code rel/}) and file ({@code rel=size@mtimeMillis#sha256}) below {@code root}, sorted
     * @throws UncheckedIOException when the tree changes while it is listed (a rename finishing): list again
     */
    public static List<String> listing(Path root, String... skippedExtensions) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root) && !skipped(p, skippedExtensions)).sorted(Comparator.naturalOrder())
                    .map(p -> {
                        String rel = root.relativize(p).toString();
                        try {
                            return Files.isDirectory(p) ? rel + "/" : rel + "=" + Files.size(p) + "@"
                                    + Files.getLastModifiedTime(p).toMillis() + "#" + sha(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the files directly in {@code dir} as {@code name#sha256}, sorted (no subdirectories) */
    public static List<String> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().map(p -> {
                try {
                    return dir.relativize(p) + "#" + sha(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean skipped(Path p, String... extensions) {
        String name = p.getFileName().toString();
        for (String x : extensions) {
            if (name.endsWith("." + x)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until {@code backup} lists exactly as {@code primary} (sizes, mtimes, contents, directories).
     *
     * @param skippedExtensions extensions left out of both listings
     */
    public static void awaitSame(String what, Path primary, Path backup, Duration bound,
            String... skippedExtensions) {
        await(what + " mirrored").atMost(bound).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                return Files.isDirectory(backup)
                        && listing(primary, skippedExtensions).equals(listing(backup, skippedExtensions));
            } catch (UncheckedIOException e) {
                return false; // a file went while the tree was listed: look again
            }
        });
    }

    /** @return the SHA-256 of the file's content, in hex */
    public static String sha(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** @return the SHA-256 of {@code bytes}, in hex */
    public static String sha(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code mib} MiB quickly but not trivially: one random MiB repeated, each copy stamped with its number,
     * never all in memory.
     *
     * @return the file's SHA-256
     */
    public static String writeLarge(Path file, int mib) throws IOException {
        byte[] block = new byte[1024 * 1024];
        new Random(9).nextBytes(block);
        MessageDigest md = sha256();
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                block[0] = (byte) i;
                block[1] = (byte) (i >> 8);
                out.write(block);
                md.update(block);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** @return the file's size, -1 when it is not there (a part file goes at any moment) */
    public static long sizeOrMinusOne(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Deletes {@code root} and everything below it; nothing when it is not there. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
