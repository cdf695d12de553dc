package org.switchover.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.switchover.support.DurableFiles;

/**
 * The persisted epoch, {@code ${data.dir}/core/epoch}: one decimal number and a newline, written with
 * {@link DurableFiles} (temporary sibling {@code epoch.tmp}, forced to disk, renamed over the old file, directory
 * forced), so a kill -9 at any moment leaves either the old or the new value, never a torn one.
 */
final class EpochStore {

    /** The file exists but does not hold an epoch. The node must not guess: a wrong epoch breaks the pair's order. */
    static final class CorruptEpochException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptEpochException(String message) {
            super(message);
        }
    }

    private static final int MAX_BYTES = 64;

    private final Path file;

    /** @param dir the core's data directory ({@code ${data.dir}/core}); created on the first write */
    EpochStore(Path dir) {
        this.file = dir.resolve("epoch");
    }

    /** @return the file holding the epoch. */
    Path file() {
        return file;
    }

    /**
     * Reads the epoch.
     *
     * @return the stored epoch, or 0 when no epoch was ever stored
     * @throws CorruptEpochException when the file exists but does not hold a non-negative decimal number
     * @throws IOException when the file cannot be read
     */
    long load() throws IOException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CorruptEpochException("epoch file " + file + " is corrupt: " + Files.size(file)
                        + " bytes, expected one decimal number; check which node holds the newer epoch, then fix"
                        + " or remove the file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return 0L;
        }
        String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            String shown = text.length() > 20 ? text.substring(0, 20) + "..." : text;
            throw new CorruptEpochException("epoch file " + file + " is corrupt: expected a non-negative decimal"
                    + " number, found '" + shown.replaceAll("\\p{Cntrl}", "?") + "'; check which node holds the newer"
                    + " epoch, then fix or remove the file");
        }
        return Long.parseLong(text);
    }

    /**
     * Stores {@code epoch} durably.
     *
     * @throws IOException when it could not be written; the old value is then still in place
     */
    void store(long epoch) throws IOException {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative: " + epoch);
        }
        DurableFiles.write(file, (epoch + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
