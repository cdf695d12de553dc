package org.switchover.mirror.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup's side: makes a root, or a part of it, equal to the primary's by comparing manifests and moving only
 * what differs. Callers serialise the calls (the component holds one lock around them). Counts what it did for
 * the status command.
 */
final class Follower {

    private static final Logger LOG = LoggerFactory.getLogger(Follower.class);

    /** Asks the primary. */
    interface Remote {
        /**
         * @return the reply body
         * @throws TransferBroken when the request timed out or the connection was lost (retry later)
         * @throws IOException when the primary refused (the message says why)
         */
        byte[] ask(String eventId, byte[] body) throws IOException;
    }

    /** The connection to the primary failed during a request: the work must be retried once it is back. */
    static final class TransferBroken extends IOException {
        private static final long serialVersionUID = 1L;

        TransferBroken(String message) {
            super(message);
        }
    }

    private final VfsFiles files;
    private final Remote remote;
    private final Supplier<Settings> settings;

    final AtomicLong pending = new AtomicLong();
    final AtomicLong filesFetched = new AtomicLong();
    final AtomicLong bytesFetched = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    volatile String lastApplied = "none";
    volatile long lastAppliedMillis;
    volatile long lastLagMillis = -1;

    Follower(VfsFiles files, Remote remote, Supplier<Settings> settings) {
        this.files = files;
        this.remote = remote;
        this.settings = settings;
    }

    /**
     * Brings {@code scope} of {@code root} in line with the primary.
     *
     * @param exceptions extensions left out on both sides
     * @return what was done, for the log; empty when the root does not exist on this node
     */
    String sync(MirrorRoot root, String scope, Extensions exceptions) throws IOException {
        Settings s = settings.get();
        Path dir = s.mapper().local(root.path());
        if (dir == null) {
            return "";
        }
        if (scope.isEmpty()) {
            int left = files.removeLeftovers(dir, root.recursive());
            if (left > 0) {
                LOG.info("Removed {} unfinished transfer(s) left under {}", left, dir);
            }
        }
        SortedMap<String, Entry> theirs = Wire.manifest(remote.ask(Wire.MANIFEST,
                Wire.manifestRequest(new Wire.ManifestRequest(root.path(), root.recursive(), scope, exceptions.toString()))));
        if (scope.isEmpty() && !java.nio.file.Files.isDirectory(dir)) {
            files.mkdirs(dir, "");
        }
        SortedMap<String, Entry> mine = files.manifest(dir, root.recursive(), scope, exceptions);
        ManifestDiff diff = ManifestDiff.between(theirs, mine);
        if (diff.isEmpty()) {
            return "in step";
        }
        apply(root, dir, diff);
        return diff.toString();
    }

    private void apply(MirrorRoot root, Path dir, ManifestDiff diff) throws IOException {
        pending.set(diff.mkdirs().size() + diff.fetch().size() + diff.touch().size() + diff.delete().size());
        try {
            for (Entry e : diff.delete()) {
                int n = files.delete(dir, e.path());
                deleted.addAndGet(n);
                done(root, e.path(), "deleted");
            }
            for (String d : diff.mkdirs()) {
                files.mkdirs(dir, d);
                done(root, d, "directory created");
            }
            for (Entry e : diff.fetch()) {
                try {
                    files.write(dir, e, offset -> Wire.chunk(remote.ask(Wire.CHUNK, Wire.chunkRequest(
                            new Wire.ChunkRequest(root.path(), e.path(), offset, VfsFiles.CHUNK_BYTES)))));
                    filesFetched.incrementAndGet();
                    bytesFetched.addAndGet(e.size());
                    done(root, e.path(), "copied");
                } catch (TransferBroken broken) {
                    throw broken;
                } catch (IOException changed) {
                    // the file changed (or went) on the primary while it was copied: its next change message or
                    // the next full comparison brings it over; the old copy stays in place meanwhile
                    LOG.info("Mirror: {} not copied now: {}", e.path(), changed.getMessage());
                    pending.decrementAndGet();
                }
            }
            for (Entry e : diff.touch()) {
                files.setMtime(dir, e.path(), e.mtime());
                done(root, e.path(), "mtime set");
            }
        } finally {
            pending.set(0);
        }
    }

    private void done(MirrorRoot root, String path, String what) {
        pending.decrementAndGet();
        lastApplied = root.path() + "/" + path + " (" + what + ")";
        lastAppliedMillis = System.currentTimeMillis();
        LOG.debug("Mirror: {}", lastApplied);
    }
}
