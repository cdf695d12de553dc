package org.switchover.host.reference.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryCodec;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.ds.MemoryDirectoryStore;

/**
 * A durable {@link DirectoryStore} on one H2 MVStore file. Every write is committed to the file before the call
 * returns (entry map and change number in one MVStore commit), so an acknowledged write survives kill -9; the
 * tree, its Merkle hashes and the listeners are those of the {@link MemoryDirectoryStore} it extends, loaded from
 * the file at open and given the file as its {@link MemoryDirectoryStore.Persistence}.
 *
 * <p>Why MVStore: it is embedded (no server), one OSGi bundle (h2), its commits are atomic and its file is
 * append-only with a fallback to the last good chunk, so a process killed mid-write reopens at the last commit.
 */
class MvDirectoryStore extends MemoryDirectoryStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MvDirectoryStore.class);
    static final String FILE_NAME = "directory.mv.db";

    private final MvFile file;

    /**
     * Opens (or creates) the store in {@code dir}.
     *
     * @throws IOException when the directory or file cannot be opened, or an entry in it is malformed
     */
    MvDirectoryStore(Path dir) throws IOException {
        this(MvFile.open(dir, ""));
    }

    /** With an H2 file-system prefix before the file name (tests: a file system that can fill up). */
    MvDirectoryStore(Path dir, String fileSystemPrefix) throws IOException {
        this(MvFile.open(dir, fileSystemPrefix));
    }

    private MvDirectoryStore(MvFile file) {
        super(file.loaded, file.change, file);
        this.file = file;
        file.loaded = null; // the tree holds them now
    }

    /** @return the MVStore version, which every commit advances by one (tests count commits with it) */
    long version() {
        return file.store.getCurrentVersion();
    }

    @Override
    public void close() {
        file.store.close();
    }

    /** The open file: the entries it held at open, and the commit of each write or batch. */
    private static final class MvFile implements MemoryDirectoryStore.Persistence {
        final String fileName;
        MVStore store;
        MVMap<String, byte[]> entries;
        MVMap<String, Long> meta;
        final long change;
        List<DirectoryEntry> loaded;

        private MvFile(String fileName, MVStore store) {
            this.fileName = fileName;
            attach(store);
            this.change = meta.getOrDefault("change", 0L);
        }

        private void attach(MVStore s) {
            this.store = s;
            this.entries = s.openMap("entries");
            this.meta = s.openMap("meta");
        }

        static MvFile open(Path dir, String prefix) throws IOException {
            Files.createDirectories(dir);
            Path path = dir.resolve(FILE_NAME);
            String fileName = prefix + path;
            MVStore store;
            try {
                store = new MVStore.Builder().fileName(fileName).autoCommitDisabled().open();
            } catch (RuntimeException e) {
                throw new IOException("cannot open directory store " + path + ": " + e.getMessage(), e);
            }
            try {
                MvFile f = new MvFile(fileName, store);
                f.loaded = new ArrayList<>(f.entries.size());
                for (Map.Entry<String, byte[]> e : f.entries.entrySet()) {
                    f.loaded.add(DirectoryCodec.fromBytes(e.getValue()));
                }
                LOG.info("Directory store {} opened: {} entries, change number {}", path, f.loaded.size(), f.change);
                return f;
            } catch (IOException | RuntimeException e) {
                store.closeImmediately();
                throw e instanceof IOException io ? io : new IOException("cannot read directory store " + path, e);
            }
        }

        /**
         * One MVStore commit for the whole list: the file holds all of the changes after it, or none. A commit
         * whose write failed (a full disk) makes MVStore close the file for good; the next commit opens it again
         * (at its last good commit, which is what the memory copy holds: a failed commit never changes it), so the
         * store works again once the disk has room, without a restart of the node.
         */
        @Override
        public void commit(List<DirectoryChange> changes) {
            if (store.isClosed()) {
                reopen();
            }
            try {
                for (DirectoryChange c : changes) {
                    if (c.entry() == null) {
                        entries.remove(c.path());
                    } else {
                        entries.put(c.path(), DirectoryCodec.toBytes(c.entry()));
                    }
                }
                meta.put("change", changes.get(changes.size() - 1).changeNumber());
                store.commit();
            } catch (RuntimeException e) {
                if (!store.isClosed()) {
                    try {
                        store.rollback();
                    } catch (RuntimeException r) {
                        e.addSuppressed(r);
                    }
                }
                throw e;
            }
        }

        /** @throws IllegalStateException naming the file when it cannot be opened (the caller's write fails) */
        private void reopen() {
            MVStore s;
            try {
                s = new MVStore.Builder().fileName(fileName).autoCommitDisabled().open();
            } catch (RuntimeException e) {
                throw new IllegalStateException("directory store " + fileName + " was closed by a failed write and"
                        + " cannot be opened again yet: " + e.getMessage(), e);
            }
            attach(s);
            LOG.warn("Directory store {} opened again after a failed write (at change number {})", fileName,
                    meta.getOrDefault("change", 0L));
        }
    }
}
