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

/**
 * The backup's recursive compare-and-update (reference: DS synchronisation at every backup start and after a
 * reconnect). Walks both trees top-down from the root: where the subtree hashes of a node agree the whole subtree is
 * skipped; where they differ, the node's children are compared by hash, differing inner nodes are queued, differing
 * leaves are fetched in one batch, and local subtrees the primary does not have are deleted. Only entries that
 * differ are fetched and written; each write is one atomic put or delete on the local store.
 *
 * <p>Bounded: every queued node is a distinct path of the primary's tree, and the walk stops after
 * {@link #MAX_NODES} nodes in any case.
 */
final class TreeSync {

    /** Most nodes one run visits (a guard against a primary whose tree keeps growing under the walk). */
    static final long MAX_NODES = 50_000_000L;
    /** Most entries fetched in one request. */
    static final int BATCH = 500;

    private final RemoteTree remote;
    private final DirectoryStore local;
    private final SyncProgress progress;
    private final Runnable onStep;
    private final ReplicationFilter filter;

    /**
     * @param remote the primary's tree
     * @param local the backup's store
     * @param progress counters updated as the walk goes
     * @param onStep called after every node (progress logging); may be a no-op
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

    private record Task(String path, byte[] remoteHash) {
    }

    /**
     * Runs the walk to its end.
     *
     * @throws Exception the first failed request; what was applied before stays applied (each write is whole)
     */
    void run() throws Exception {
        Deque<Task> queue = new ArrayDeque<>();
        queue.add(new Task(DirectoryPaths.ROOT, null));
        long visited = 0;
        while (!queue.isEmpty()) {
            if (++visited > MAX_NODES) {
                throw new IllegalStateException("DS compare stopped after " + MAX_NODES + " nodes");
            }
            Task t = queue.poll();
            progress.remaining.set(queue.size());
            progress.compared.incrementAndGet();
            if (t.remoteHash() != null && Arrays.equals(t.remoteHash(), local.subtreeHash(t.path()))) {
                continue;
            }
            NodeView view = remote.node(t.path());
            List<String> fetch = new ArrayList<>();
            if (!t.path().isEmpty() && filter.replicates(t.path())) {
                byte[] localOwn = local.get(t.path()).map(DirectoryEntry::contentHash).orElse(null);
                if (view.ownHash() == null) {
                    if (localOwn != null) {
                        local.delete(t.path());
                        progress.transferred.incrementAndGet();
                    }
                } else if (!Arrays.equals(localOwn, view.ownHash())) {
                    fetch.add(t.path());
                }
            }
            Map<String, DirectoryStore.ChildNode> localChildren = new LinkedHashMap<>();
            for (DirectoryStore.ChildNode c : local.children(t.path())) {
                localChildren.put(c.name(), c);
            }
            for (DirectoryStore.ChildNode rc : view.children()) {
                DirectoryStore.ChildNode lc = localChildren.remove(rc.name());
                String childPath = DirectoryPaths.child(t.path(), rc.name());
                if (!filter.mayContain(childPath)) {
                    continue;
                }
                if (lc != null && Arrays.equals(lc.subtreeHash(), rc.subtreeHash())) {
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
                    queue.add(new Task(childPath, rc.subtreeHash()));
                }
            }
            for (String gone : localChildren.keySet()) {
                String gonePath = DirectoryPaths.child(t.path(), gone);
                if (filter.mayContain(gonePath)) {
                    deleteSubtree(gonePath);
                }
            }
            for (int i = 0; i < fetch.size(); i += BATCH) {
                List<String> batch = fetch.subList(i, Math.min(fetch.size(), i + BATCH));
                List<Optional<DirectoryEntry>> got = remote.entries(batch);
                if (got.size() != batch.size()) {
                    throw new java.io.IOException("entries reply has " + got.size() + " entries for "
                            + batch.size() + " paths");
                }
                for (int j = 0; j < batch.size(); j++) {
                    Optional<DirectoryEntry> e = got.get(j);
                    Optional<DirectoryEntry> mine = local.get(batch.get(j));
                    if (e.isPresent()) {
                        if (!e.get().path().equals(batch.get(j))) {
                            throw new java.io.IOException("entries reply gives " + e.get().path() + " for "
                                    + batch.get(j));
                        }
                        if (!filter.admits(e.get())) {
                            continue;
                        }
                        DirectoryEntry wanted = filter.adapt(e.get(), mine);
                        if (!mine.equals(Optional.of(wanted))) {
                            local.put(wanted);
                            progress.transferred.incrementAndGet();
                        }
                    } else if (mine.isPresent()) {
                        // deleted on the primary since its node answer; the stream carries the delete too
                        local.delete(batch.get(j));
                        progress.transferred.incrementAndGet();
                    }
                }
            }
            progress.remaining.set(queue.size());
            onStep.run();
        }
    }

    private void deleteSubtree(String path) {
        List<DirectoryEntry> doomed = local.entries(path);
        for (int i = doomed.size() - 1; i >= 0; i--) {
            if (!filter.replicates(doomed.get(i).path())) {
                continue;
            }
            local.delete(doomed.get(i).path());
            progress.transferred.incrementAndGet();
        }
    }
}
