package org.switchover.host.reference.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryCodec;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryListener;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.ds.DirectoryWrite;
import org.switchover.api.ds.MemoryDirectoryStore;

/**
 * A durable {@link DirectoryStore} on one H2 MVStore file. Every write is committed to the file before the call
 * returns (entry map and change number in one MVStore commit), so an acknowledged write survives kill -9; the
 * tree, its Merkle hashes and the listeners live in a {@link MemoryDirectoryStore} loaded from the file at open.
 *
 * <p>Why MVStore: it is embedded (no server), one OSGi bundle (h2), its commits are atomic and its file is
 * append-only with a fallback to the last good chunk, so a process killed mid-write reopens at the last commit.
 */
final class MvDirectoryStore implements DirectoryStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MvDirectoryStore.class);
    static final String FILE_NAME = "directory.mv.db";

    private final MVStore store;
    private final MVMap<String, byte[]> entries;
    private final MVMap<String, Long> meta;
    private final MemoryDirectoryStore tree;

    /**
     * Opens (or creates) the store in {@code dir}.
     *
     * @throws IOException when the directory or file cannot be opened, or an entry in it is malformed
     */
    MvDirectoryStore(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        try {
            store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        } catch (RuntimeException e) {
            throw new IOException("cannot open directory store " + file + ": " + e.getMessage(), e);
        }
        try {
            entries = store.openMap("entries");
            meta = store.openMap("meta");
            List<DirectoryEntry> loaded = new ArrayList<>(entries.size());
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                loaded.add(DirectoryCodec.fromBytes(e.getValue()));
            }
            long change = meta.getOrDefault("change", 0L);
            tree = new MemoryDirectoryStore(loaded, change, this::commit);
            LOG.info("Directory store {} opened: {} entries, change number {}", file, loaded.size(), change);
        } catch (IOException | RuntimeException e) {
            store.closeImmediately();
            throw e instanceof IOException io ? io : new IOException("cannot read directory store " + file, e);
        }
    }

    /** One MVStore commit for the whole list: the file holds all of the changes after it, or none. */
    private void commit(List<DirectoryChange> changes) {
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
            store.rollback();
            throw e;
        }
    }

    @Override
    public Optional<DirectoryEntry> get(String path) {
        return tree.get(path);
    }

    @Override
    public long put(DirectoryEntry entry) {
        return tree.put(entry);
    }

    @Override
    public long delete(String path) {
        return tree.delete(path);
    }

    @Override
    public long write(List<DirectoryWrite> writes) {
        return tree.write(writes);
    }

    @Override
    public long changeNumber() {
        return tree.changeNumber();
    }

    @Override
    public int size() {
        return tree.size();
    }

    @Override
    public List<ChildNode> children(String path) {
        return tree.children(path);
    }

    @Override
    public byte[] subtreeHash(String path) {
        return tree.subtreeHash(path);
    }

    @Override
    public int count(String path) {
        return tree.count(path);
    }

    @Override
    public List<DirectoryEntry> entries(String path) {
        return tree.entries(path);
    }

    @Override
    public List<DirectoryEntry> entries(String path, String after, int limit) {
        return tree.entries(path, after, limit);
    }

    @Override
    public AutoCloseable addListener(DirectoryListener listener) {
        return tree.addListener(listener);
    }

    /** @return the MVStore version, which every commit advances by one (tests count commits with it) */
    long version() {
        return store.getCurrentVersion();
    }

    @Override
    public void close() {
        store.close();
    }
}
