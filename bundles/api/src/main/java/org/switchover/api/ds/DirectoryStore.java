package org.switchover.api.ds;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The host's configuration tree. Entries are addressed by path ({@link DirectoryPaths}); an entry may exist without
 * an entry at its parent path (the parent is then a plain node of the tree with no content of its own). Every write
 * is atomic per entry and durable once the method returns (a durable implementation commits before returning); a
 * {@linkplain #write(List) batch write} is atomic as a whole and costs one durable commit.
 *
 * <p>Each successful write gets the next local change number (1, 2, …; never reused, survives restarts in a
 * durable store) and is announced to the {@link DirectoryListener}s in change-number order.
 *
 * <p>Subtree hashes form a Merkle tree: the hash of a path covers the content of the entry at the path (if any) and
 * the names and subtree hashes of its child nodes. Two stores whose hashes at a path agree hold identical subtrees
 * below it, so a compare can walk both trees top-down and descend only where the hashes differ.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface DirectoryStore {

    /** @return the entry at {@code path}, empty when there is none */
    Optional<DirectoryEntry> get(String path);

    /**
     * Creates or replaces one entry. A put of content equal to what is stored changes nothing and returns the current
     * change number.
     *
     * @param entry the entry
     * @return the change number of this write
     * @throws IllegalStateException when the store could not write (nothing changed)
     */
    long put(DirectoryEntry entry);

    /**
     * Deletes the entry at {@code path} (not its descendants). Deleting an absent entry changes nothing.
     *
     * @return the change number of this write, or the current one when nothing was deleted
     * @throws IllegalStateException when the store could not write (nothing changed)
     */
    long delete(String path);

    /**
     * Applies several writes atomically: all of them or none, in one durable commit (a durable store makes the whole
     * batch survive a crash, or none of it). The writes are applied in list order; a write that changes nothing (a
     * put of the content already there, counting the earlier writes of the batch, or a delete of an absent entry) is
     * skipped and gets no change number. Every other write gets the next change number, and after the commit the
     * listeners hear of each change once, in change-number order. Paths may repeat; the last write of a path wins.
     *
     * @param writes the writes, in order; may be empty
     * @return the change number of the last change of the batch, or the current one when nothing changed
     * @throws IllegalStateException when the store could not commit (nothing changed)
     */
    long write(List<DirectoryWrite> writes);

    /** @return the number of the newest change, 0 for a store never written */
    long changeNumber();

    /** @return the number of entries */
    int size();

    /**
     * @param path a path, {@link DirectoryPaths#ROOT} for the top
     * @return the child nodes directly below {@code path} (entries or plain nodes with entries further down), sorted
     *     by name, each with its subtree hash
     */
    List<ChildNode> children(String path);

    /**
     * @param path a path, {@link DirectoryPaths#ROOT} for the whole tree
     * @return the Merkle hash of the subtree at {@code path} (32 bytes, SHA-256); {@link #EMPTY_HASH} when nothing
     *     is stored at or below it
     */
    byte[] subtreeHash(String path);

    /** @return the number of entries at or below {@code path} */
    int count(String path);

    /** @return every entry at or below {@code path}, in path order; a snapshot */
    List<DirectoryEntry> entries(String path);

    /**
     * One page of {@link #entries(String)}: reads a big subtree in pieces without copying all of it each time.
     *
     * @param path a path, {@link DirectoryPaths#ROOT} for the whole tree
     * @param after only entries whose path sorts after this one ("" for the first page)
     * @param limit most entries returned
     * @return the entries at or below {@code path} after {@code after}, in path order, at most {@code limit}
     */
    default List<DirectoryEntry> entries(String path, String after, int limit) {
        List<DirectoryEntry> all = entries(path);
        int from = 0;
        while (from < all.size() && all.get(from).path().compareTo(after) <= 0) {
            from++;
        }
        return List.copyOf(all.subList(from, Math.min(all.size(), from + limit)));
    }

    /**
     * Registers a change listener. It is called synchronously on the writing thread, after the change is durable, in
     * change-number order; it must be quick and must not write to this store.
     *
     * @return closing it removes the listener
     */
    AutoCloseable addListener(DirectoryListener listener);

    /** The subtree hash of an empty subtree: 32 zero bytes. */
    byte[] EMPTY_HASH = new byte[32];

    /**
     * A node directly below a path.
     *
     * @param name the node's last segment
     * @param subtreeHash the node's subtree hash
     * @param hasEntry whether an entry is stored at the node's own path
     * @param hasChildren whether the node has child nodes
     */
    record ChildNode(String name, byte[] subtreeHash, boolean hasEntry, boolean hasChildren) {
    }
}
