package org.switchover.dssync.internal;

import java.util.List;
import java.util.Optional;

import org.switchover.api.ds.DirectoryEntry;

/** The primary's tree as the backup's compare sees it: one call per DS request. */
interface RemoteTree {

    /**
     * @param path a path, "" for the root
     * @return the node at {@code path}: its own content hash and its children with their subtree hashes
     * @throws Exception when the request failed or timed out
     */
    NodeView node(String path) throws Exception;

    /**
     * @param paths entry paths
     * @return the entries at those paths, in the same order, empty where there is none
     * @throws Exception when the request failed or timed out
     */
    List<Optional<DirectoryEntry>> entries(List<String> paths) throws Exception;
}
