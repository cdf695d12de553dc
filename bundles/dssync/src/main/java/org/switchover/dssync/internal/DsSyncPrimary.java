package org.switchover.dssync.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryListener;
import org.switchover.api.ds.DirectoryPaths;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;
import org.switchover.support.replication.SyncReplication;

/**
 * The primary's side of DS sync, started by {@link DsSyncRolesComponent} while the primary role condition is registered (and
 * then registered by it as the {@link RequestHandler} of {@value EventIds#DSSYNC_NODE} and {@value EventIds#DSSYNC_ENTRIES}): publishes every
 * change of the host's {@link DirectoryStore} on stream {@value EventIds#DSSYNC_STREAM} and answers the backup's compare
 * requests ({@value EventIds#DSSYNC_NODE}, {@value EventIds#DSSYNC_ENTRIES}) from the live store.
 *
 * <p>The replication id is this node's epoch plus a random suffix drawn for each publisher ({@link #replicationId}):
 * every publisher numbers its messages from 1, and a backup resumes a stream whose id equals the one in its position
 * file. With the bare epoch, two publishers could share an id: both nodes hold the same epoch when a node that was
 * restarted takes over fail-safe before it learnt the peer's epoch (epochs seen are kept in memory only), and a
 * restarted DS sync part of a primary publishes again under its unchanged epoch. A backup whose position came from the
 * other publisher then resumed in the middle of the new stream and never applied its first messages (found by the
 * fault harness, seed 6976519249440599390).
 */
public final class DsSyncPrimary implements RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DsSyncPrimary.class);
    /** Refusals a peer can repeat at will: one WARN per kind a minute, the rest counted. */
    private final RateLimitedLog refusals = RateLimitedLog.perPeriod(LOG::warn, 60_000L);

    private final DirectoryStore store;
    private final Notifier notifier;
    private final SwitchoverStatus status;
    private final DsSyncComponent settings;
    private final Clock clock;
    private final Object lock = new Object();
    private StreamPublisher publisher;
    private AutoCloseable listener;
    private final java.util.function.Supplier<String> describer = this::describe;
    private final SyncReplication sync;
    /** The stream message of the writing thread's last change, until its write call ends ({@link #written}). */
    private final ThreadLocal<Published> lastPublished = new ThreadLocal<>();
    /** The primary role ended ({@link LeavingPrimary}): keep the replication id until closed. Guarded by lock. */
    private boolean leaving;
    /** The change number of the last change published; -1 before the first. Guarded by lock. */
    private long lastPublishedChange = -1;
    /** The store's change number once this part listened: every later change is published. */
    private final long firstChange;

    private record Published(StreamPublisher publisher, long seq) {
    }

    /** @param clock stamps each change with its commit time (the backup's lag figure) */
    DsSyncPrimary(DirectoryStore store, Notifier notifier, SwitchoverStatus status, DsSyncComponent settings,
            Clock clock, SyncReplication sync) {
        this.clock = clock;
        this.sync = sync;
        this.store = store;
        this.notifier = notifier;
        this.status = status;
        this.settings = settings;
        synchronized (lock) {
            publisher = notifier.publish(EventIds.DSSYNC_STREAM, replicationId(status.epoch()));
        }
        listener = store.addListener(new DirectoryListener() {
            @Override
            public void changed(DirectoryChange change) {
                DsSyncPrimary.this.changed(change);
            }

            @Override
            public void written(long lastChangeNumber) {
                DsSyncPrimary.this.written();
            }
        });
        firstChange = store.changeNumber();
        settings.activity(describer);
        LOG.info("DS sync primary: publishing changes of {} entries on stream '{}' under replication id {}",
                store.size(), EventIds.DSSYNC_STREAM, publisher.replicationId());
    }

    /** @return a replication id no other publisher uses: {@code <epoch>-<8 random hex digits>} */
    static String replicationId(long epoch) {
        return epoch + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** @return the epoch a replication id of {@link #replicationId} was made for */
    static String epochOf(String replicationId) {
        int dash = replicationId.indexOf('-');
        return dash < 0 ? replicationId : replicationId.substring(0, dash);
    }

    private void changed(DirectoryChange c) {
        // the listener runs right after the commit: its time is the commit time the backup measures its lag against
        byte[] payload = Wire.change(c, Wire.micros(clock));
        synchronized (lock) {
            if (publisher == null) {
                return;
            }
            long epoch = status.epoch();
            if (!leaving && !Long.toString(epoch).equals(epochOf(publisher.replicationId()))) {
                // the epoch moved while this node stayed primary: followers must resynchronise under the new id
                publisher.close();
                publisher = notifier.publish(EventIds.DSSYNC_STREAM, replicationId(epoch));
                LOG.info("DS sync primary: epoch is now {}; publishing under the new replication id {}", epoch,
                        publisher.replicationId());
            }
            long seq = publisher.publish(payload);
            lastPublishedChange = c.changeNumber();
            lastPublished.set(new Published(publisher, seq));
        }
    }

    /**
     * The writing thread's write call ends: in sync mode it waits here until the backup acknowledged the call's
     * last message or {@link SyncReplication} released it (its bound, a degrade, the publisher closing).
     */
    private void written() {
        Published p = lastPublished.get();
        lastPublished.remove();
        if (p != null) {
            sync.awaitConfirmed(p.publisher(), p.seq());
        }
    }

    private String describe() {
        synchronized (lock) {
            if (publisher == null) {
                return "primary, stopped";
            }
            return (leaving ? "former primary, still publishing (until the backup has it) stream '"
                    : "primary, publishing stream '") + EventIds.DSSYNC_STREAM + "' under replication id "
                    + publisher.replicationId() + ": head " + publisher.headSequence() + ", acknowledged "
                    + publisher.acknowledgedSequence() + "; " + store.size() + " entries, change "
                    + store.changeNumber() + "\n" + sync.describe();
        }
    }

    @Override
    public CompletionStage<byte[]> handle(Request request) {
        try {
            switch (request.eventId()) {
                case EventIds.DSSYNC_NODE: {
                    // the one-node request of earlier backups: a full listing with whole hashes
                    String path = Wire.path(request.payload());
                    checkPath(path);
                    byte[] own = store.get(path).map(DirectoryEntry::contentHash).orElse(null);
                    return CompletableFuture.completedFuture(Wire.node(new NodeView(own, store.children(path))));
                }
                case EventIds.DSSYNC_NODES: {
                    List<RemoteTree.NodeRequest> asked = Wire.nodeRequests(request.payload());
                    List<NodeView> out = new ArrayList<>(asked.size());
                    for (RemoteTree.NodeRequest r : asked) {
                        checkPath(r.path());
                        out.add(NodeView.of(store, r.path(), r.buckets(), r.indexes()));
                    }
                    return CompletableFuture.completedFuture(Wire.nodes(out));
                }
                case EventIds.DSSYNC_SCAN: {
                    Wire.Scan scan = Wire.scanRequest(request.payload());
                    checkPath(scan.path());
                    return CompletableFuture.completedFuture(Wire.page(page(scan)));
                }
                case EventIds.DSSYNC_ENTRIES: {
                    List<String> paths = Wire.paths(request.payload());
                    List<Optional<DirectoryEntry>> out = new ArrayList<>(paths.size());
                    for (String p : paths) {
                        checkPath(p);
                        out.add(store.get(p));
                    }
                    return CompletableFuture.completedFuture(Wire.entries(out));
                }
                case Wire.CHECK:
                    return CompletableFuture.completedFuture(Wire.check(check()));
                default:
                    throw new IOException("dssync has no request '" + request.eventId() + "'");
            }
        } catch (IOException | RuntimeException e) {
            refusals.log("request", "DS sync primary: refused request {} from {}: {}",
                    LogText.escape(request.eventId()), LogText.escape(request.senderId()),
                    LogText.escape(e.getMessage()));
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The stream's head and the root hash of the tree, and whether that hash is the tree's exactly after the head:
     * the store's change number did not move while the hash was taken and its last change is the last one published
     * (publishing holds the same lock, so the head cannot move meanwhile).
     */
    private Wire.Check check() throws IOException {
        synchronized (lock) {
            if (publisher == null) {
                throw new IOException("DS sync primary stopped");
            }
            long before = store.changeNumber();
            byte[] hash = store.subtreeHash("");
            long after = store.changeNumber();
            long published = lastPublishedChange < 0 ? firstChange : lastPublishedChange;
            return new Wire.Check(publisher.replicationId(), publisher.headSequence(),
                    before == after && published == after, hash);
        }
    }

    /** The entries below the scan's path after its {@code after}, at most its limit, and whether more follow. */
    private RemoteTree.Page page(Wire.Scan scan) {
        List<DirectoryEntry> got = store.entries(scan.path(), scan.after(), scan.limit() + 1);
        boolean more = got.size() > scan.limit();
        return new RemoteTree.Page(more ? got.subList(0, scan.limit()) : got, more);
    }

    private static void checkPath(String path) throws IOException {
        String problem = path.isEmpty() ? null : DirectoryPaths.problem(path);
        if (problem != null) {
            throw new IOException("bad DS path in request: " + problem);
        }
    }

    /**
     * The primary role ended: the stream stays open under its replication id (an epoch learnt from the peer does not
     * start a new one) until {@link #close}; changes the host still makes are published and, in sync mode, wait for
     * the backup as before.
     */
    void leaveRole() {
        synchronized (lock) {
            leaving = true;
        }
    }

    /** @return the stream's newest message number (0 once closed) */
    long head() {
        synchronized (lock) {
            return publisher == null ? 0 : publisher.headSequence();
        }
    }

    /** @return the newest message number the backup acknowledged (0 once closed) */
    long acknowledged() {
        synchronized (lock) {
            return publisher == null ? 0 : publisher.acknowledgedSequence();
        }
    }

    /** @return completes once the backup acknowledged {@code seq}; fails when the stream closes first */
    CompletionStage<Long> whenAcknowledged(long seq) {
        StreamPublisher p;
        synchronized (lock) {
            p = publisher;
        }
        return p == null ? CompletableFuture.failedFuture(new IllegalStateException("DS sync stream closed"))
                : p.whenAcknowledged(seq);
    }

    /** Stops publishing; the backup keeps its position. */
    void close() {
        try {
            listener.close();
        } catch (Exception e) {
            LOG.warn("DS sync primary: could not remove the store listener", e);
        }
        synchronized (lock) {
            publisher.close();
            publisher = null;
        }
        sync.close();
        settings.clearActivity(describer);
        LOG.info("DS sync primary stopped");
    }
}
