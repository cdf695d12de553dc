package org.switchover.dssync.internal;

import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.HandOverParticipant;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.status.ReplicationFigures;
import org.switchover.api.time.SystemScheduler;
import org.switchover.support.RoleBinding;
import org.switchover.support.Threads;
import org.switchover.support.replication.SyncReplication;

/**
 * Starts and stops the primary and backup parts of DS sync as the core's role conditions come and go
 * ({@link RoleBinding}); every change is handled on this component's one thread, {@code switchover-dssync-1}, which
 * is the only code that starts or stops a part. A primary part whose role ended keeps its stream open until the
 * backup has it ({@link LeavingPrimary}); as a {@link HandOverParticipant} the controlled hand-over's acknowledgement
 * waits for that.
 */
@Component(name = "org.switchover.dssync.roles", service = HandOverParticipant.class, immediate = true)
public final class DsSyncRolesComponent implements HandOverParticipant {

    private static final Logger LOG = LoggerFactory.getLogger(DsSyncRolesComponent.class);

    private final BundleContext context;
    private final DirectoryStore store;
    private final Notifier notifier;
    private final SwitchoverStatus status;
    private final DsSyncComponent settings;
    private final Clock clock = Clock.systemUTC();
    private final ExecutorService control = Threads.single("switchover-dssync");
    private final RoleBinding roles = new RoleBinding(control, this::roleChanged);
    /** What synchronous replication's warning and audit lines name. */
    static final SyncReplication.Subject SUBJECT = new SyncReplication.Subject("DS sync", "DS", "DS change message");
    /** Synchronous replication's actor thread: its timers and state ({@link SyncReplication}). */
    private final SystemScheduler syncScheduler = new SystemScheduler("switchover-dssync-sync");
    /** The backup part's checks of its tree against the primary's (they may block this thread for a compare). */
    private final SystemScheduler checks = new SystemScheduler("switchover-dssync-check");
    private final Journal journal = new Journal(syncScheduler, LoggerFactory.getLogger(SyncReplication.class),
            LoggerFactory.getLogger(Journal.AUDIT_LOGGER));
    // set on the control thread; volatile: the take-over gap reads it on the host's writing threads
    private volatile DsSyncPrimary primary;
    /** Writes committed while this node takes over, before the primary part publishes (sync mode degrades). */
    private final TakeOverGap gap = new TakeOverGap(roles::primary, () -> primary != null, this::newSync);
    private final AutoCloseable gapListener;
    private ServiceRegistration<RequestHandler> primaryHandler;
    // volatile: the replication figures read it from any thread
    private volatile DsSyncBackup backup;
    private final ServiceRegistration<ReplicationFigures> figures;
    /** The primary part after its role ended, until the backup has its stream (control thread). */
    private final LeavingPrimary leaving = new LeavingPrimary(syncScheduler, control);

    @Activate
    public DsSyncRolesComponent(BundleContext context, @Reference DirectoryStore store, @Reference Notifier notifier,
            @Reference SwitchoverStatus status, @Reference DsSyncComponent settings) {
        this.context = context;
        this.store = store;
        this.notifier = notifier;
        this.status = status;
        this.settings = settings;
        // the backup's lag and the messages it holds but has not made durable; not applicable on other roles
        figures = context.registerService(ReplicationFigures.class, ReplicationFigures.of("dssync", () -> {
            DsSyncBackup b = backup;
            return b == null ? -1 : b.lagMillis();
        }, () -> {
            DsSyncBackup b = backup;
            return b == null ? -1 : b.backlog();
        }), null);
        gapListener = store.addListener(gap);
        roles.track(context);
    }

    private SyncReplication newSync() {
        return new SyncReplication(syncScheduler, journal, SUBJECT, settings::replicationMode,
                settings::syncTimeoutMillis, settings::syncResumeMillis);
    }

    private void roleChanged(RoleBinding.Role role) {
        try {
            if (role != RoleBinding.Role.PRIMARY && primary != null) {
                leavePrimary();
            }
            if (role != RoleBinding.Role.NONE) {
                // a new role: the backup part's writes must not go out on the old stream, a new primary part
                // publishes under its own id
                leaving.close("this node is " + role + " now");
            }
            if (role != RoleBinding.Role.BACKUP && backup != null) {
                backup.close();
                backup = null;
            }
            if (role != RoleBinding.Role.PRIMARY) {
                gap.discard();
            }
            if (role == RoleBinding.Role.PRIMARY && primary == null) {
                SyncReplication sync = gap.take();
                // from now on this store takes the host's own changes: a later backup part must not resume the stream
                // it followed before over them (its tree would keep them for good); it compares the whole tree instead
                new PositionFile(settings.stateDir()).clear();
                primary = new DsSyncPrimary(store, notifier, status, settings, clock, sync);
                settings.warningSource(sync::warning);
                Dictionary<String, Object> props = new Hashtable<>();
                props.put(RequestHandler.EVENT_ID, new String[] {EventIds.DSSYNC_NODE, EventIds.DSSYNC_NODES,
                        EventIds.DSSYNC_ENTRIES, EventIds.DSSYNC_SCAN, Wire.CHECK});
                primaryHandler = context.registerService(RequestHandler.class, primary, props);
            }
            if (role == RoleBinding.Role.BACKUP && backup == null) {
                backup = new DsSyncBackup(store, notifier, settings, () -> settings.filterFor(status.state()), clock,
                        checks);
            }
        } catch (RuntimeException e) {
            LOG.error("DS sync: could not change part (now {})", role, e);
        }
    }

    /**
     * A controlled hand-over on the old primary, once its host stopped taking work (the role change is queued on the
     * control thread before this): the acknowledgement waits until the backup acknowledged the stream's head, bounded
     * by the budget ({@link LeavingPrimary#handOver}).
     */
    @Override
    public CompletionStage<String> beforeAcknowledge(long budgetMillis) {
        CompletableFuture<String> line = new CompletableFuture<>();
        try {
            control.execute(() -> leaving.handOver(budgetMillis).whenComplete((l, e) -> {
                if (e != null) {
                    line.completeExceptionally(e);
                } else {
                    line.complete(l);
                }
            }));
        } catch (RejectedExecutionException e) {
            line.complete("DS sync: stopped, no stream to hand over");
        }
        return line;
    }

    /** The primary role ended: the part stops answering and keeps publishing until the backup has its stream. */
    private void leavePrimary() {
        unregisterPrimaryHandler();
        leaving.add(primary);
        primary = null;
    }

    private void unregisterPrimaryHandler() {
        try {
            primaryHandler.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
        primaryHandler = null;
        settings.warningSource(null);
    }

    private void stopPrimary() {
        unregisterPrimaryHandler();
        primary.close();
        primary = null;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        try {
            figures.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
        roles.close();
        try {
            gapListener.close();
        } catch (Exception e) {
            LOG.debug("DS sync: removing the take-over listener: {}", e.toString());
        }
        control.execute(() -> {
            leaving.close("DS sync stops");
            if (primary != null) {
                stopPrimary();
            }
            if (backup != null) {
                backup.close();
                backup = null;
            }
        });
        control.shutdown();
        if (!control.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("DS sync: control thread did not stop within 10 s");
            control.shutdownNow();
        }
        syncScheduler.shutdown();
        checks.shutdown();
    }
}
