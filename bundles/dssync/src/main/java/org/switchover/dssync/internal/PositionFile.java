package org.switchover.dssync.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.support.DurableFiles;

/**
 * The backup's persisted stream position, {@code ${data.dir}/dssync/position}: two lines, the replication id and the
 * last applied sequence number. Written with {@link DurableFiles} (temporary name, fsync, atomic rename,
 * fsync of the directory), so a crash leaves the old or the new position, never half of one. An unreadable or malformed file counts as no position (the backup then runs a full
 * compare, which is always safe) and is reported naming the file and the problem.
 */
final class PositionFile {

    private static final Logger LOG = LoggerFactory.getLogger(PositionFile.class);
    private final Path file;

    PositionFile(Path dir) {
        this.file = dir.resolve("position");
    }

    Path path() {
        return file;
    }

    StreamPosition load() {
        if (!Files.exists(file)) {
            return StreamPosition.NONE;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2) {
                throw new IOException("expected 2 lines (replication id, sequence), found " + lines.size());
            }
            long seq = Long.parseLong(lines.get(1).trim());
            if (seq < 0) {
                throw new IOException("negative sequence " + seq);
            }
            return new StreamPosition(lines.get(0).trim(), seq);
        } catch (IOException | NumberFormatException e) {
            LOG.error("DS sync position file {} is unreadable ({}); starting with a full compare", file,
                    e.getMessage());
            return StreamPosition.NONE;
        }
    }

    /**
     * Forgets the position (this node's store is about to take changes of its own): the next backup part starts with
     * a full compare. A file that cannot be removed is reported; it is overwritten at the next save anyway.
     */
    void clear() {
        try {
            if (Files.deleteIfExists(file)) {
                LOG.info("DS sync: position file {} removed: this node's store takes its own changes now, so the next"
                        + " backup part compares the whole tree", file);
            }
        } catch (IOException e) {
            LOG.error("DS sync: could not remove the position file {} ({}); a later backup part may resume a stream"
                    + " over changes of this node's own", file, e.getMessage());
        }
    }

    void save(StreamPosition p) throws IOException {
        DurableFiles.write(file, (p.replicationId() + "\n" + p.sequence() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
