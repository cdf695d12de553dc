package org.switchover.host.reference.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryCodec;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.ds.MemoryDirectoryStore;
import org.switchover.support.Threads;

/**
 * A durable {@link DirectoryStore} on one H2 MVStore file. Every write is committed to the file before the call
 * returns (entry map and change number in one MVStore commit), so an acknowledged write survives kill -9; the
 * tree, its Merkle hashes and the listeners are those of the {@link MemoryDirectoryStore} it extends, loaded from
 * the file at open and given the file as its {@link MemoryDirectoryStore.Persistence}.
 *
 * <p>The subtree hashes of the inner nodes are kept in the same file ({@link MemoryDirectoryStore.HashedPersistence}):
 * each commit removes those its changes make stale, hashes computed since are saved with the next commit or within
 * {@value #HASH_SAVE_MILLIS} ms (and at close). A store reopened after a restart - a kill -9 included - thus answers
 * a compare with the primary from its kept hashes and hashes only the subtrees that changed since, where it used to
 * hash all of its entries (5-9 s for 1,000,000) before the first answer.
 *
 * <p>Why MVStore: it is embedded (no server), one OSGi bundle (h2), its commits are atomic and its file is
 * append-only with a fallback to the last good chunk, so a process killed mid-write reopens at the last commit.
 */
class MvDirectoryStore extends MemoryDirectoryStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MvDirectoryStore.class);
    static final String FILE_NAME = "directory.mv.db";
    static final long HASH_SAVE_MILLIS = 1000;

    private final MvFile file;
    private final ScheduledExecutorService hashSaver = Threads.scheduled("switchover-ds-hash-saver");

    /**
     * Opens (or creates) the store in {@code dir}.
     *
     * @throws IOException when the directory or file cannot be opened, or an entry in it is malformed
     */
    MvDirectoryStore(Path dir) throws IOException {
        this(MvFile.open(dir));
    }

    private MvDirectoryStore(MvFile file) {
        super(file.loaded, file.change, file);
        this.file = file;
        file.loaded = null; // the tree holds them now
        hashSaver.scheduleWithFixedDelay(this::saveHashesLogged, HASH_SAVE_MILLIS, HASH_SAVE_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void saveHashesLogged() {
        try {
            saveHashes();
        } catch (RuntimeException e) {
            // the hashes are derived data: they stay in memory and the next save or commit tries again
            LOG.warn("Directory store {}: {}", file.path, e.getMessage());
        }
    }

    /** Test-only: stops as a kill -9 would, saving nothing more (what the last commit left is what the file holds). */
    void crash() {
        hashSaver.shutdownNow();
        file.store.closeImmediately();
    }

    /** @return how many inner nodes' subtree hashes the file holds */
    int keptHashes() {
        return file.hashes.size();
    }

    /** @return the MVStore version, which every commit advances by one (tests count commits with it) */
    long version() {
        return file.store.getCurrentVersion();
    }

    @Override
    public void close() {
        hashSaver.shutdownNow();
        try {
            hashSaver.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        saveHashesLogged();
        file.store.close();
    }

    /** The open file: the entries it held at open, the kept hashes, and the commit of each write or batch. */
    private static final class MvFile implements MemoryDirectoryStore.HashedPersistence {
        /** How the kept hashes are made; a file with other hashes (or none recorded) has them dropped at open. */
        static final long HASH_FORMAT = 1;
        final Path path;
        final MVStore store;
        final MVMap<String, byte[]> entries;
        final MVMap<String, byte[]> hashes;
        final MVMap<String, Long> meta;
        final long change;
        List<DirectoryEntry> loaded;

        private MvFile(Path path, MVStore store) {
            this.path = path;
            this.store = store;
            this.entries = store.openMap("entries");
            this.hashes = store.openMap("hashes");
            this.meta = store.openMap("meta");
            this.change = meta.getOrDefault("change", 0L);
            if (meta.getOrDefault("hashFormat", 0L) != HASH_FORMAT) {
                hashes.clear();
                meta.put("hashFormat", HASH_FORMAT);
                store.commit();
            }
        }

        static MvFile open(Path dir) throws IOException {
            Files.createDirectories(dir);
            Path path = dir.resolve(FILE_NAME);
            MVStore store;
            try {
                store = new MVStore.Builder().fileName(path.toString()).autoCommitDisabled().open();
            } catch (RuntimeException e) {
                throw new IOException("cannot open directory store " + path + ": " + e.getMessage(), e);
            }
            try {
                MvFile f = new MvFile(path, store);
                f.loaded = new ArrayList<>(f.entries.size());
                for (Map.Entry<String, byte[]> e : f.entries.entrySet()) {
                    f.loaded.add(DirectoryCodec.fromBytes(e.getValue()));
                }
                LOG.info("Directory store {} opened: {} entries, change number {}, {} subtree hashes kept", path,
                        f.loaded.size(), f.change, f.hashes.size());
                return f;
            } catch (IOException | RuntimeException e) {
                store.closeImmediately();
                throw e instanceof IOException io ? io : new IOException("cannot read directory store " + path, e);
            }
        }

        @Override
        public byte[] storedHash(String path) {
            return hashes.get(path);
        }

        /** One MVStore commit for the whole list and the hashes: the file holds all of it after it, or none. */
        @Override
        public void commit(List<DirectoryChange> changes, Map<String, byte[]> computed, Collection<String> stale) {
            try {
                hashes.putAll(computed);
                for (String p : stale) {
                    hashes.remove(p);
                }
                for (DirectoryChange c : changes) {
                    if (c.entry() == null) {
                        entries.remove(c.path());
                    } else {
                        entries.put(c.path(), DirectoryCodec.toBytes(c.entry()));
                    }
                }
                if (!changes.isEmpty()) {
                    meta.put("change", changes.get(changes.size() - 1).changeNumber());
                }
                store.commit();
            } catch (RuntimeException e) {
                store.rollback();
                throw e;
            }
        }
    }
}
