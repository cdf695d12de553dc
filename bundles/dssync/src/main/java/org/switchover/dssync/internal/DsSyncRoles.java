package org.switchover.dssync.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.condition.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.RoleConditions;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.RequestHandler;

/**
 * Starts and stops the primary and backup parts of DS sync as the core's role conditions come and go. The
 * conditions are optional dynamic references (the core registers them at run time, so no bundle declares them as a
 * capability and a mandatory reference would not resolve in Karaf); every change is handled on this component's one
 * thread, {@code switchover-dssync-1}, which is the only code that starts or stops a part.
 */
@Component(name = "org.switchover.dssync.roles", service = {}, immediate = true)
public final class DsSyncRoles {

    private static final Logger LOG = LoggerFactory.getLogger(DsSyncRoles.class);

    private final BundleContext context;
    private final DirectoryStore store;
    private final Notifier notifier;
    private final SwitchoverStatus status;
    private final DsSyncSettings settings;
    private final ExecutorService control = Threads.single("switchover-dssync-");
    private volatile boolean primaryCondition;
    private volatile boolean backupCondition;
    // owned by the control thread
    private DsSyncPrimary primary;
    private ServiceRegistration<RequestHandler> primaryHandler;
    private DsSyncBackup backup;
    private boolean stopped;

    @Activate
    public DsSyncRoles(BundleContext context, @Reference DirectoryStore store, @Reference Notifier notifier,
            @Reference SwitchoverStatus status, @Reference DsSyncSettings settings) {
        this.context = context;
        this.store = store;
        this.notifier = notifier;
        this.status = status;
        this.settings = settings;
        control.execute(this::roleChanged);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = RoleConditions.PRIMARY_FILTER)
    void bindPrimary(Condition c) {
        primaryCondition = true;
        post();
    }

    void unbindPrimary(Condition c) {
        primaryCondition = false;
        post();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = RoleConditions.BACKUP_FILTER)
    void bindBackup(Condition c) {
        backupCondition = true;
        post();
    }

    void unbindBackup(Condition c) {
        backupCondition = false;
        post();
    }

    private void post() {
        // bind methods may run before the constructor has finished: the constructor posts once more
        if (control != null && !control.isShutdown()) {
            control.execute(this::roleChanged);
        }
    }

    private void roleChanged() {
        if (stopped || store == null) {
            return;
        }
        boolean wantPrimary = primaryCondition;
        boolean wantBackup = !wantPrimary && backupCondition;
        try {
            if (!wantPrimary && primary != null) {
                stopPrimary();
            }
            if (!wantBackup && backup != null) {
                backup.close();
                backup = null;
            }
            if (wantPrimary && primary == null) {
                primary = new DsSyncPrimary(store, notifier, status, settings);
                Dictionary<String, Object> props = new Hashtable<>();
                props.put(RequestHandler.EVENT_ID, new String[] {Wire.NODE, Wire.NODES, Wire.ENTRIES, Wire.SCAN});
                primaryHandler = context.registerService(RequestHandler.class, primary, props);
            }
            if (wantBackup && backup == null) {
                backup = new DsSyncBackup(store, notifier, settings, () -> settings.filterFor(status.state()));
            }
        } catch (RuntimeException e) {
            LOG.error("DS sync: could not change part (primary wanted {}, backup wanted {})", wantPrimary,
                    wantBackup, e);
        }
    }

    private void stopPrimary() {
        try {
            primaryHandler.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
        primaryHandler = null;
        primary.close();
        primary = null;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        control.execute(() -> {
            stopped = true;
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
    }
}
