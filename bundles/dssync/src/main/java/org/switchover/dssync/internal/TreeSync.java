package org.switchover.dssync.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryPaths;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.ds.DirectoryWrite;

/**
 * The backup's recursive compare-and-update (reference: DS synchronisation at every backup start and after a
 * reconnect). Walks both trees top-down from the root: where the subtree hashes of a node agree the whole subtree is
 * skipped; where they differ, the node's children are compared by hash, differing inner nodes are queued, differing
 * leaves are fetched in batches, and local subtrees the primary does not have are deleted. A wide node (more than
 * {@link NodeView#WIDE} children) first comes as bucket hashes; only the children of differing buckets are listed.
 * Only entries that differ are fetched and written.
 *
 * <p>A subtree the backup lacks entirely (empty local hash) is copied page by page ({@link RemoteTree#scan}),
 * {@value #BATCH} entries per round trip, without listing its nodes: at a first start that is the whole tree.
 *
 * <p>Round trips: the queued nodes are asked for {@value #NODES_PER_REQUEST} at a time in one request, and entries
 * {@value #BATCH} at a time; every fetched batch (and the deletes a wave of nodes found) is written with one batch
 * write, one durable commit.
 *
 * <p>Bounded: every queued node is a distinct path (or bucket set) of the primary's tree, and the walk stops after
 * {@link #MAX_NODES} nodes in any case.
 */
final class TreeSync {

    /** Most nodes one run visits (a guard against a primary whose tree keeps growing under the walk). */
    static final long MAX_NODES = 50_000_000L;
    /** Most entries fetched in one request. */
    static final int BATCH = 2000;
    /** Most nodes asked for in one request. */
    static final int NODES_PER_REQUEST = 32;
    /** Most buckets asked for in one node request (keeps one answer near {@value #BATCH} children). */
    static final int BUCKETS_PER_REQUEST = BATCH / NodeView.PER_BUCKET;

    private final RemoteTree remote;
    private final DirectoryStore local;
    private final SyncProgress progress;
    private final Runnable onStep;
    private final ReplicationFilter filter;

    /**
     * @param remote the primary's tree
     * @param local the backup's store
     * @param progress counters updated as the walk goes
     * @param onStep called after every wave of nodes (progress logging); may be a no-op
     */
    TreeSync(RemoteTree remote, DirectoryStore local, SyncProgress progress, Runnable onStep) {
        this(remote, local, progress, onStep, ReplicationFilter.FULL);
    }

    /**
     * As above, taking only what {@code filter} lets through (upgrade states). With a filter that leaves something
     * out the two trees never become hash-equal where it does, so the walk descends there every time.
     */
    TreeSync(RemoteTree remote, DirectoryStore local, SyncProgress progress, Runnable onStep,
            ReplicationFilter filter) {
        this.filter = filter;
        this.remote = remote;
        this.local = local;
        this.progress = progress;
        this.onStep = onStep;
    }

    /**
     * A node to compare: the whole node (buckets 0; skipped when its remote hash matches), or the children of some
     * buckets of a wide node whose bucket hashes differed.
     */
    private record Task(String path, byte[] remoteHash, int buckets, int[] indexes) {
        RemoteTree.NodeRequest request() {
            return new RemoteTree.NodeRequest(path, buckets, indexes);
        }
    }

    /**
     * Runs the walk to its end.
     *
     * @throws Exception the first failed request; what was applied before stays applied (each write is whole)
     */
    void run() throws Exception {
        Deque<Task> queue = new ArrayDeque<>();
        queue.add(new Task(DirectoryPaths.ROOT, null, 0, new int[0]));
        long visited = 0;
        while (!queue.isEmpty()) {
            List<Task> wave = new ArrayList<>(NODES_PER_REQUEST);
            while (!queue.isEmpty() && wave.size() < NODES_PER_REQUEST) {
                if (++visited > MAX_NODES) {
                    throw new IllegalStateException("DS compare stopped after " + MAX_NODES + " nodes");
                }
                Task t = queue.poll();
                if (t.buckets() == 0) {
                    progress.compared.incrementAndGet();
                    byte[] mine = local.subtreeHash(t.path());
                    if (t.remoteHash() != null && NodeView.matches(t.remoteHash(), mine)) {
                        continue;
                    }
                    if (Arrays.equals(mine, DirectoryStore.EMPTY_HASH) && filter.mayContain(t.path())) {
                        // nothing here locally: every entry below differs, so copy them page by page instead of
                        // listing nodes and asking for each path
                        copySubtree(t.path());
                        continue;
                    }
                }
                wave.add(t);
            }
            progress.remaining.set(queue.size());
            if (wave.isEmpty()) {
                continue;
            }
            List<NodeView> views = remote.nodes(wave.stream().map(Task::request).toList());
            if (views.size() != wave.size()) {
                throw new java.io.IOException("nodes reply has " + views.size() + " nodes for " + wave.size());
            }
            List<DirectoryWrite> deletes = new ArrayList<>();
            List<String> fetch = new ArrayList<>();
            for (int i = 0; i < wave.size(); i++) {
                visit(wave.get(i), views.get(i), queue, deletes, fetch);
            }
            write(deletes);
            for (int i = 0; i < fetch.size(); i += BATCH) {
                fetch(fetch.subList(i, Math.min(fetch.size(), i + BATCH)));
            }
            progress.remaining.set(queue.size());
            onStep.run();
        }
    }

    private void visit(Task t, NodeView view, Deque<Task> queue, List<DirectoryWrite> deletes, List<String> fetch) {
        if (t.buckets() == 0 && !t.path().isEmpty() && filter.replicates(t.path())) {
            byte[] localOwn = local.get(t.path()).map(DirectoryEntry::contentHash).orElse(null);
            if (view.ownHash() == null) {
                if (localOwn != null) {
                    deletes.add(DirectoryWrite.delete(t.path()));
                }
            } else if (!Arrays.equals(localOwn, view.ownHash())) {
                fetch.add(t.path());
            }
        }
        List<DirectoryStore.ChildNode> mine = local.children(t.path());
        if (view.bucketed()) {
            int b = view.bucketHashes().length;
            byte[][] localBuckets = NodeView.bucketHashes(mine, b);
            List<Integer> differing = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                if (!Arrays.equals(view.bucketHashes()[i], localBuckets[i])) {
                    differing.add(i);
                }
            }
            progress.compared.addAndGet(b - differing.size());
            for (int i = 0; i < differing.size(); i += BUCKETS_PER_REQUEST) {
                int[] idx = differing.subList(i, Math.min(differing.size(), i + BUCKETS_PER_REQUEST)).stream()
                        .mapToInt(Integer::intValue).toArray();
                queue.add(new Task(t.path(), null, b, idx));
            }
            return;
        }
        Map<String, DirectoryStore.ChildNode> localChildren = new LinkedHashMap<>();
        if (t.buckets() == 0) {
            for (DirectoryStore.ChildNode c : mine) {
                localChildren.put(c.name(), c);
            }
        } else {
            // only the children of the asked buckets are in the answer: compare those alone
            boolean[] asked = new boolean[t.buckets()];
            for (int i : t.indexes()) {
                asked[i] = true;
            }
            for (DirectoryStore.ChildNode c : mine) {
                if (asked[NodeView.bucketOf(c.name(), t.buckets())]) {
                    localChildren.put(c.name(), c);
                }
            }
        }
        for (DirectoryStore.ChildNode rc : view.children()) {
            DirectoryStore.ChildNode lc = localChildren.remove(rc.name());
            String childPath = DirectoryPaths.child(t.path(), rc.name());
            if (!filter.mayContain(childPath)) {
                continue;
            }
            if (lc != null && NodeView.matches(rc.subtreeHash(), lc.subtreeHash())) {
                progress.compared.incrementAndGet();
                continue;
            }
            if (!rc.hasChildren() && (lc == null || !lc.hasChildren())) {
                // a leaf on both sides: its own entry is all that differs
                progress.compared.incrementAndGet();
                if (filter.replicates(childPath)) {
                    fetch.add(childPath);
                }
            } else {
                queue.add(new Task(childPath, rc.subtreeHash(), 0, new int[0]));
            }
        }
        for (String gone : localChildren.keySet()) {
            String gonePath = DirectoryPaths.child(t.path(), gone);
            if (filter.mayContain(gonePath)) {
                List<DirectoryEntry> doomed = local.entries(gonePath);
                for (int i = doomed.size() - 1; i >= 0; i--) {
                    if (filter.replicates(doomed.get(i).path())) {
                        deletes.add(DirectoryWrite.delete(doomed.get(i).path()));
                    }
                }
            }
        }
    }

    private void copySubtree(String path) throws Exception {
        String after = "";
        for (long pages = 0; pages < MAX_NODES; pages++) {
            RemoteTree.Page page = remote.scan(path, after, BATCH);
            List<DirectoryWrite> writes = new ArrayList<>(page.entries().size());
            for (DirectoryEntry e : page.entries()) {
                if (e.path().compareTo(after) <= 0 || !DirectoryPaths.isWithin(e.path(), path)) {
                    throw new java.io.IOException("scan reply gives " + e.path() + " for the entries below '" + path
                            + "' after '" + after + "'");
                }
                after = e.path();
                progress.compared.incrementAndGet();
                if (filter.replicates(e.path()) && filter.admits(e)) {
                    writes.add(DirectoryWrite.put(filter.adapt(e, Optional.empty())));
                }
            }
            write(writes);
            onStep.run();
            if (!page.more() || page.entries().isEmpty()) {
                return;
            }
        }
        throw new IllegalStateException("DS compare stopped after " + MAX_NODES + " pages below " + path);
    }

    private void fetch(List<String> batch) throws Exception {
        List<Optional<DirectoryEntry>> got = remote.entries(batch);
        if (got.size() != batch.size()) {
            throw new java.io.IOException("entries reply has " + got.size() + " entries for " + batch.size()
                    + " paths");
        }
        List<DirectoryWrite> writes = new ArrayList<>(batch.size());
        for (int j = 0; j < batch.size(); j++) {
            Optional<DirectoryEntry> e = got.get(j);
            Optional<DirectoryEntry> mine = local.get(batch.get(j));
            if (e.isPresent()) {
                if (!e.get().path().equals(batch.get(j))) {
                    throw new java.io.IOException("entries reply gives " + e.get().path() + " for " + batch.get(j));
                }
                if (!filter.admits(e.get())) {
                    continue;
                }
                DirectoryEntry wanted = filter.adapt(e.get(), mine);
                if (!mine.equals(Optional.of(wanted))) {
                    writes.add(DirectoryWrite.put(wanted));
                }
            } else if (mine.isPresent()) {
                // deleted on the primary since its node answer; the stream carries the delete too
                writes.add(DirectoryWrite.delete(batch.get(j)));
            }
        }
        write(writes);
    }

    /** One batch write; every write in it changes the store (only differing entries get here). */
    private void write(List<DirectoryWrite> writes) {
        if (!writes.isEmpty()) {
            TakeOverGap.replicaWrite(() -> local.write(writes));
            progress.transferred.addAndGet(writes.size());
        }
    }
}
