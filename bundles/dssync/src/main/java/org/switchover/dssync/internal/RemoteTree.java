package org.switchover.dssync.internal;

import java.util.List;
import java.util.Optional;

import org.switchover.api.ds.DirectoryEntry;

/** The primary's tree as the backup's compare sees it: one call per DS request. */
interface RemoteTree {

    /**
     * One node asked for.
     *
     * @param path a path, "" for the root
     * @param buckets 0 for the whole node; otherwise the bucket count of an earlier bucketed answer for this node
     * @param indexes with {@code buckets > 0}, the buckets whose children are wanted; otherwise empty
     */
    record NodeRequest(String path, int buckets, int[] indexes) {
        /** @return a request for the whole node at {@code path} */
        static NodeRequest whole(String path) {
            return new NodeRequest(path, 0, new int[0]);
        }
    }

    /**
     * @param requests the nodes wanted, answered in one round trip
     * @return the answers in the same order (see {@link NodeView})
     * @throws Exception when the request failed or timed out
     */
    List<NodeView> nodes(List<NodeRequest> requests) throws Exception;

    /**
     * One page of the entries at or below a path, in path order.
     *
     * @param entries the entries, at most the limit asked for
     * @param more whether entries follow the last one
     */
    record Page(List<DirectoryEntry> entries, boolean more) {
    }

    /**
     * @param path a path, "" for the whole tree
     * @param after the last path of the previous page, "" for the first page
     * @param limit most entries in the page
     * @return the entries at or below {@code path} after {@code after}, in path order
     * @throws Exception when the request failed or timed out
     */
    Page scan(String path, String after, int limit) throws Exception;

    /**
     * @param paths entry paths
     * @return the entries at those paths, in the same order, empty where there is none
     * @throws Exception when the request failed or timed out
     */
    List<Optional<DirectoryEntry>> entries(List<String> paths) throws Exception;
}
