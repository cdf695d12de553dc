package org.switchover.dssync.internal;

import java.util.ArrayList;
import java.util.List;

import org.switchover.api.ds.DirectoryStore;

/**
 * One node of a tree as a compare request answers it.
 *
 * @param ownHash content hash of the entry at the node's path, null when there is no entry
 * @param children the child nodes with their subtree hashes, sorted by name
 */
record NodeView(byte[] ownHash, List<DirectoryStore.ChildNode> children) {

    /** @return the node at {@code path} of {@code store}. */
    static NodeView of(DirectoryStore store, String path) {
        byte[] own = store.get(path).map(e -> e.contentHash()).orElse(null);
        return new NodeView(own, new ArrayList<>(store.children(path)));
    }
}
