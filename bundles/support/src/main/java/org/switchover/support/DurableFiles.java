package org.switchover.support;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that survive a kill -9 or a power cut whole or not at all: the content goes to a temporary sibling, is forced
 * to disk, renamed over the target atomically, and the directory entry is forced too. A reader sees the old content
 * or the new, never a mix; a crash leaves at most a stray {@code .tmp} sibling, which the next write replaces.
 */
public final class DurableFiles {

    /** Writes a file's content; called once per {@link #write(Path, Content)}. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole content to {@code out} (buffered; do not close it). */
        void writeTo(OutputStream out) throws IOException;
    }

    private DurableFiles() {
    }

    /** Replaces {@code target} with {@code bytes}, durably and atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Replaces {@code target} with what {@code content} writes, durably and atomically. */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
            content.writeTo(out);
            out.flush();
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + target + " atomically (file system without atomic rename)", e);
        }
        syncDirectory(dir);
    }

    /**
     * Forces a directory's entries (a rename or a new file in it) to disk. File systems and platforms that cannot
     * open a directory for syncing are skipped: the rename is still atomic there, only its durability is the OS's.
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported here (e.g. Windows); the data itself was forced before the rename
        }
    }
}
