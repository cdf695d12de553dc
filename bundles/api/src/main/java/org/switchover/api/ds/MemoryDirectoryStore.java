package org.switchover.api.ds;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link DirectoryStore} held in memory, with cached Merkle hashes (a write invalidates only the hashes of the
 * written path and its ancestors). A durable store wraps it: it loads its file into the constructor and passes a
 * {@link Persistence} that commits each write (or batch of writes) before the memory copy changes, so a failed commit
 * changes nothing.
 *
 * <p>Writes are serialised by one write lock, which is also held while listeners run (that is what keeps them in
 * change-number order); reads take only a short data lock, so a listener may read the store.
 * {@link DirectoryListener#written} runs after the write lock is released.
 */
public class MemoryDirectoryStore implements DirectoryStore {

    /**
     * Commits writes durably; called under the write lock before the memory copy changes, once per
     * {@link #put}/{@link #delete} (a list of one) and once per {@link #write(List)} batch (the whole list, to be
     * committed all or nothing).
     */
    @FunctionalInterface
    public interface Persistence {
        /**
         * @param changes the changes to commit, in change-number order (numbers consecutive), never empty; an entry of
         *     null is a delete
         * @throws Exception when the changes could not be committed; the store then stays unchanged, and the
         *     implementation must leave its durable copy as it was (none of the changes)
         */
        void commit(List<DirectoryChange> changes) throws Exception;
    }

    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object data = new Object();
    private final TreeMap<String, DirectoryEntry> entries = new TreeMap<>();
    /** Child names of every existing node (a node exists while it holds an entry or has children). */
    private final Map<String, TreeSet<String>> children = new HashMap<>();
    private final Map<String, byte[]> hashCache = new HashMap<>();
    private final List<DirectoryListener> listeners = new CopyOnWriteArrayList<>();
    private final Persistence persistence;
    private long changeNumber;

    /** An empty, non-durable store. */
    public MemoryDirectoryStore() {
        this(List.of(), 0L, changes -> { });
    }

    /**
     * @param initial entries loaded from durable storage
     * @param changeNumber the newest change number already used
     * @param persistence commits each write
     */
    public MemoryDirectoryStore(Collection<DirectoryEntry> initial, long changeNumber, Persistence persistence) {
        this.persistence = persistence;
        this.changeNumber = changeNumber;
        for (DirectoryEntry e : initial) {
            apply(e.path(), e);
        }
    }

    @Override
    public Optional<DirectoryEntry> get(String path) {
        synchronized (data) {
            return Optional.ofNullable(entries.get(path));
        }
    }

    @Override
    public long put(DirectoryEntry entry) {
        return write(List.of(DirectoryWrite.put(entry)));
    }

    @Override
    public long delete(String path) {
        return write(List.of(DirectoryWrite.delete(path)));
    }

    @Override
    public long write(List<DirectoryWrite> writes) {
        long written = 0;
        writeLock.lock();
        try {
            List<DirectoryChange> changes = new ArrayList<>(writes.size());
            synchronized (data) {
                long number = changeNumber;
                // what each path holds after the earlier writes of this batch (a path may repeat)
                Map<String, Optional<DirectoryEntry>> pending = new HashMap<>();
                for (DirectoryWrite w : writes) {
                    Optional<DirectoryEntry> before = pending.get(w.path());
                    DirectoryEntry old = before != null ? before.orElse(null) : entries.get(w.path());
                    if (old == null ? w.entry() == null : old.equals(w.entry())) {
                        continue;
                    }
                    pending.put(w.path(), Optional.ofNullable(w.entry()));
                    changes.add(new DirectoryChange(++number, w.path(), w.entry()));
                }
                if (changes.isEmpty()) {
                    return changeNumber;
                }
            }
            try {
                persistence.commit(Collections.unmodifiableList(changes));
            } catch (Exception e) {
                DirectoryChange first = changes.get(0);
                String what = changes.size() == 1 ? "the write of " + first.path()
                        : "a batch of " + changes.size() + " writes (first " + first.path() + ")";
                throw new IllegalStateException("could not commit " + what + ": " + e.getMessage(), e);
            }
            long last = changes.get(changes.size() - 1).changeNumber();
            synchronized (data) {
                for (DirectoryChange c : changes) {
                    apply(c.path(), c.entry());
                }
                changeNumber = last;
            }
            for (DirectoryChange change : changes) {
                for (DirectoryListener l : listeners) {
                    try {
                        l.changed(change);
                    } catch (RuntimeException e) {
                        // a faulty listener must not undo a committed write nor keep the others from hearing of it
                        System.getLogger(MemoryDirectoryStore.class.getName()).log(System.Logger.Level.ERROR,
                                "Directory listener failed on change " + change.changeNumber() + " ("
                                        + change.path() + ")", e);
                    }
                }
            }
            written = last;
            return last;
        } finally {
            writeLock.unlock();
            if (written > 0) {
                // outside the write lock: a listener holding the caller back (synchronous replication) holds no one else
                for (DirectoryListener l : listeners) {
                    try {
                        l.written(written);
                    } catch (RuntimeException e) {
                        System.getLogger(MemoryDirectoryStore.class.getName()).log(System.Logger.Level.ERROR,
                                "Directory listener failed after change " + written, e);
                    }
                }
            }
        }
    }

    /** Changes the memory copy; caller holds the data lock (or is the constructor). */
    private void apply(String path, DirectoryEntry entry) {
        if (entry != null) {
            entries.put(path, entry);
            String p = path;
            while (!p.isEmpty()) {
                String parent = DirectoryPaths.parent(p);
                boolean added = children.computeIfAbsent(parent, k -> new TreeSet<>()).add(DirectoryPaths.name(p));
                if (!added) {
                    break;
                }
                p = parent;
            }
        } else {
            entries.remove(path);
            String p = path;
            while (!p.isEmpty() && !entries.containsKey(p) && isEmpty(children.get(p))) {
                children.remove(p);
                String parent = DirectoryPaths.parent(p);
                TreeSet<String> siblings = children.get(parent);
                if (siblings != null) {
                    siblings.remove(DirectoryPaths.name(p));
                }
                p = parent;
            }
        }
        hashCache.remove(path);
        for (String a : DirectoryPaths.ancestors(path)) {
            hashCache.remove(a);
        }
    }

    private static boolean isEmpty(TreeSet<String> s) {
        return s == null || s.isEmpty();
    }

    @Override
    public long changeNumber() {
        synchronized (data) {
            return changeNumber;
        }
    }

    @Override
    public int size() {
        synchronized (data) {
            return entries.size();
        }
    }

    @Override
    public List<ChildNode> children(String path) {
        synchronized (data) {
            TreeSet<String> names = children.get(path);
            List<ChildNode> out = new ArrayList<>();
            if (names != null) {
                for (String n : names) {
                    String c = DirectoryPaths.child(path, n);
                    out.add(new ChildNode(n, hash(c), entries.containsKey(c), !isEmpty(children.get(c))));
                }
            }
            return out;
        }
    }

    @Override
    public byte[] subtreeHash(String path) {
        synchronized (data) {
            return hash(path).clone();
        }
    }

    private byte[] hash(String path) {
        byte[] cached = hashCache.get(path);
        if (cached != null) {
            return cached;
        }
        DirectoryEntry own = entries.get(path);
        TreeSet<String> names = children.get(path);
        byte[] h;
        if (own == null && isEmpty(names)) {
            h = EMPTY_HASH;
        } else {
            MessageDigest md = DirectoryEntry.DirectoryHashes.sha256();
            md.update(own == null ? new byte[32] : own.contentHash());
            if (names != null) {
                for (String n : names) {
                    DirectoryEntry.DirectoryHashes.update(md, n);
                    md.update(hash(DirectoryPaths.child(path, n)));
                }
            }
            h = md.digest();
        }
        hashCache.put(path, h);
        return h;
    }

    @Override
    public int count(String path) {
        synchronized (data) {
            return below(path).size();
        }
    }

    @Override
    public List<DirectoryEntry> entries(String path) {
        synchronized (data) {
            return new ArrayList<>(below(path).values());
        }
    }

    @Override
    public List<DirectoryEntry> entries(String path, String after, int limit) {
        synchronized (data) {
            NavigableMap<String, DirectoryEntry> range;
            if (path.isEmpty()) {
                range = entries.tailMap(after, false);
            } else if (after.compareTo(path) < 0) {
                range = entries.subMap(path, true, path + "0", false);
            } else if (after.compareTo(path + "0") < 0) {
                range = entries.subMap(after, false, path + "0", false);
            } else {
                return List.of();
            }
            List<DirectoryEntry> out = new ArrayList<>(Math.min(limit, 4096));
            for (DirectoryEntry e : range.values()) {
                if (out.size() >= limit) {
                    break;
                }
                // the range also holds siblings like path + "-x" (between path and path + "0"): skip them
                if (DirectoryPaths.isWithin(e.path(), path)) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    private Map<String, DirectoryEntry> below(String path) {
        if (path.isEmpty()) {
            return entries;
        }
        // '0' follows '/' in UTF-16 order: the range holds exactly the paths below path
        NavigableMap<String, DirectoryEntry> sub = entries.subMap(path + "/", true, path + "0", false);
        DirectoryEntry own = entries.get(path);
        if (own == null) {
            return sub;
        }
        TreeMap<String, DirectoryEntry> all = new TreeMap<>(sub);
        all.put(path, own);
        return all;
    }

    @Override
    public AutoCloseable addListener(DirectoryListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
