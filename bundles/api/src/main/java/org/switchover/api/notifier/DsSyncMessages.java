package org.switchover.api.notifier;

/**
 * Stream name and request event ids of configuration-tree replication (bundle {@code org.switchover.dssync}): the
 * primary publishes every change of its directory store on {@link #STREAM} and answers the backup's compare
 * requests.
 */
public final class DsSyncMessages {
    private DsSyncMessages() {
    }

    /** Stream of every change of the primary's directory store (replication id = the primary's epoch). */
    public static final String STREAM = "dssync";
    /** Request: one node's own hash and its children's subtree hashes (body: path). */
    public static final String NODE = "dssync.node";
    /** Request: whole entries by path (body: count, paths; reply: per path a present flag and the entry). */
    public static final String ENTRIES = "dssync.entries";
    /** Request: several nodes, listed or bucketed, in one round trip (body: count, per node path and buckets). */
    public static final String NODES = "dssync.nodes";
    /** Request: a page of a subtree's entries, for a subtree the backup lacks (body: path, after, limit). */
    public static final String SCAN = "dssync.scan";
}
