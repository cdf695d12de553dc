package org.switchover.dssync.internal;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamSubscription;

/**
 * The backup's side of DS sync, started by {@link DsSyncRoles} while the backup role condition is registered. Follows stream
 * {@value Wire#STREAM} from the position persisted in {@code ${data.dir}/dssync/position}; each message is one
 * atomic put or delete on the local store. When the primary cannot resume it (new replication id, or the position
 * left its backlog: always so at the first start), runs the full compare-and-update ({@link TreeSync}) with each
 * request bounded by {@code Switchover DS Request Timeout}, then continues with the stream.
 */
public final class DsSyncBackup implements StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(DsSyncBackup.class);
    /** Position writes are throttled; re-applying a message is harmless (puts and deletes of whole entries). */
    private static final long SAVE_EVERY_MESSAGES = 500;
    private static final long SAVE_EVERY_MILLIS = 1000;
    private static final long LOG_EVERY_MILLIS = 2000;

    private final DirectoryStore store;
    private final Notifier notifier;
    private final DsSyncSettings settings;
    private final PositionFile positionFile;
    private final StreamSubscription subscription;
    private final Supplier<String> describer = this::describe;
    private final Supplier<ReplicationFilter> filter;
    private volatile boolean closed;
    private volatile SyncProgress lastResync;
    private volatile StreamPosition applied;
    private volatile long messages;
    private long savedSequence;
    private long savedAtMillis;
    private long loggedAtMillis;

    DsSyncBackup(DirectoryStore store, Notifier notifier, DsSyncSettings settings,
            Supplier<ReplicationFilter> filter) {
        this.filter = filter;
        this.store = store;
        this.notifier = notifier;
        this.settings = settings;
        this.positionFile = new PositionFile(settings.stateDir());
        this.applied = positionFile.load();
        this.savedSequence = applied.sequence();
        settings.activity(describer);
        LOG.info("DS sync backup: following stream '{}' after {} (position file {})", Wire.STREAM, applied,
                positionFile.path());
        this.subscription = notifier.follow(Wire.STREAM, applied, this);
    }

    @Override
    public void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
        Wire.Change c;
        try {
            c = Wire.change(payload);
        } catch (IOException e) {
            LOG.error("DS sync backup: message {} of replication {} is malformed ({}); nothing applied", sequence,
                    replicationId, e.getMessage());
            throw e;
        }
        ReplicationFilter f = filter.get();
        if (c.entry() == null) {
            if (f.replicates(c.path())) {
                store.delete(c.path());
            }
        } else if (f.admits(c.entry())) {
            store.put(f.adapt(c.entry(), store.get(c.path())));
        }
        messages++;
        applied = new StreamPosition(replicationId, sequence);
        long now = System.currentTimeMillis();
        if (sequence - savedSequence >= SAVE_EVERY_MESSAGES || now - savedAtMillis >= SAVE_EVERY_MILLIS) {
            save();
        }
    }

    @Override
    public void onResync(String replicationId, long headSequence) throws Exception {
        SyncProgress progress = new SyncProgress(System::currentTimeMillis);
        lastResync = progress;
        LOG.info("DS sync backup: full compare with the primary (replication id {}, head {}; was at {}; taking {})",
                replicationId, headSequence, applied, filter.get());
        try {
            new TreeSync(remote(), store, progress, () -> step(progress), filter.get()).run();
        } catch (CancellationException e) {
            progress.finish();
            LOG.info("DS sync backup: full compare stopped with the backup part after {}", progress.line());
            throw e;
        } catch (Exception e) {
            progress.finish();
            LOG.error("DS sync backup: full compare failed after {}: {}", progress.line(), e.toString());
            throw e;
        }
        progress.finish();
        applied = new StreamPosition(replicationId, headSequence);
        save();
        LOG.info("DS sync backup: full compare done in {} ms: {}; {} entries; continuing with the stream after {}",
                progress.elapsedMillis(), progress.line(), store.size(), headSequence);
    }

    private void step(SyncProgress progress) {
        if (closed) {
            throw new CancellationException("DS sync backup stopped");
        }
        long now = System.currentTimeMillis();
        if (now - loggedAtMillis >= LOG_EVERY_MILLIS) {
            loggedAtMillis = now;
            LOG.info("DS sync backup: full compare in progress: {}", progress.line());
        }
    }

    private synchronized void save() throws IOException {
        StreamPosition p = applied;
        positionFile.save(p);
        savedSequence = p.sequence();
        savedAtMillis = System.currentTimeMillis();
    }

    private RemoteTree remote() {
        return new RemoteTree() {
            @Override
            public NodeView node(String path) throws Exception {
                return Wire.node(call(Wire.NODE, Wire.path(path), path));
            }

            @Override
            public List<Optional<DirectoryEntry>> entries(List<String> paths) throws Exception {
                return Wire.entries(call(Wire.ENTRIES, Wire.paths(paths), paths.size() + " entries"));
            }
        };
    }

    private byte[] call(String eventId, byte[] payload, String what) throws Exception {
        java.time.Duration timeout = settings.requestTimeout();
        Response r;
        try {
            r = notifier.send(Link.MAIN, "*", eventId, payload, timeout).response().toCompletableFuture()
                    .get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("DS request " + eventId + " (" + what + ") got no answer within "
                    + timeout.toSeconds() + " s");
        }
        if (!r.isReply()) {
            throw new IOException("DS request " + eventId + " (" + what + ") ended " + r.outcome() + ": "
                    + r.detail());
        }
        return r.payload();
    }

    private String describe() {
        SyncProgress p = lastResync;
        String resync = p == null ? "none" : (p.finished() ? "done" : "running") + " (" + p.line() + ")";
        return "backup (" + filter.get() + "), following stream '" + Wire.STREAM + "' at " + applied.replicationId() + "/"
                + applied.sequence() + (subscription != null && subscription.isLive() ? " (live)" : " (not live)")
                + "; " + messages + " messages applied; last full compare: " + resync + "; " + store.size()
                + " entries";
    }

    /** Stops following (a running full compare stops at its next node) and saves the position. */
    void close() {
        closed = true;
        subscription.close();
        try {
            save();
        } catch (IOException e) {
            LOG.error("DS sync backup: could not save position {} to {}: {}", applied, positionFile.path(),
                    e.getMessage());
        }
        settings.clearActivity(describer);
        LOG.info("DS sync backup stopped at {}", applied);
    }
}
