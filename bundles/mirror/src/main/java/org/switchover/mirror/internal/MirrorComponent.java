package org.switchover.mirror.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchoverState;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.status.ReplicationFigures;
import org.switchover.api.time.SystemScheduler;
import org.switchover.api.warning.SwitchWarning;
import org.switchover.support.RoleBinding;
import org.switchover.support.Threads;

/**
 * Directory mirroring (spec section 8), the DS component: configuration, the role and the services. The role comes
 * from the core's role conditions and may change at any time; this component starts and stops the sides: on the
 * primary {@link MirrorPrimary} (the {@link FileMonitor} and the change stream) with {@link Server} answering the
 * manifest and chunk requests, on the backup {@link MirrorBackup} (follows the stream, copies what differs, runs the
 * {@link FileMonitorHealthCheck}). {@link MirrorStatus} renders {@code switchover:mirror-status}.
 *
 * <p>Threads: {@code switchover-mirror-1} (role changes, start-up copies, health checks; the only code that starts
 * or stops a side), {@code switchover-mirror-serve-<n>} (answers requests, off the notifier's threads),
 * {@code switchover-mirror-watch-<n>} (the file monitor, primary only) with {@code switchover-mirror-events-<n>}
 * (blocks on the watch service and wakes the monitor), {@code switchover-mirror-fetch-<n>} (the
 * backup's copies); changes are applied on the notifier's subscription thread.
 */
// The request handler is registered from the constructor, not as this component's DS service: the notifier's
// whiteboard reference to handlers and this component's reference to the notifier would otherwise form a cycle.
@Component(name = MirrorComponent.PID, configurationPid = MirrorComponent.PID, service = {}, immediate = true)
@Designate(ocd = MirrorComponent.Config.class)
public final class MirrorComponent implements RequestHandler {

    /** Configuration PID (and component name). */
    public static final String PID = "org.switchover.mirror";
    /** Node-local key: configured=local directory pairs, see {@link PathMapper}. */
    public static final String ROOT_MAP = "mirror.root.map";
    /** Node-local key: directory the configured paths are placed under. */
    public static final String BASE_DIR = "mirror.base.dir";

    private static final Logger LOG = LoggerFactory.getLogger(MirrorComponent.class);
    /** When the primary's epoch is read again after it started serving. */
    static final long EPOCH_RECHECK_MILLIS = 1000;

    /** Parameters of directory mirroring; the attribute names are the documented server-parameter names. */
    @ObjectClassDefinition(id = PID, name = "Switchover directory mirror",
            description = "Directories of the primary copied to the backup. Path lists are ';'-separated; a leading "
                    + "'+' mirrors a directory recursively. Where a node keeps the trees elsewhere, the node-local "
                    + "keys mirror.root.map and mirror.base.dir say where.")
    public @interface Config {

        @AttributeDefinition(name = ServerParameters.CUSTOMMIRRORDIR, description = "Directories mirrored continuously (path list); a change takes effect at once.")
        String custom_mirror_dir() default "+D:\\I3\\IC\\Resources;+D:\\I3\\IC\\HostTools;+D:\\I3\\IC\\Server\\LRA;"
                + "+D:\\I3\\IC\\ClientSettings;+C:\\I3\\IC\\Flows;+C:\\I3\\IC\\TFTPRoot;+C:\\I3\\IC\\Provision;"
                + "+C:\\I3\\IC\\Certificates\\LinesAuthority;+C:\\I3\\IC\\Certificates\\Email;"
                + "+C:\\I3\\IC\\Server\\I3RxDocs;+C:\\I3\\IC\\Server\\Reports";

        @AttributeDefinition(name = ServerParameters.INITIALMIRRORDIR, description = "Directories copied (changed files only) once, when this node starts as backup (path list).")
        String initial_mirror_dir() default "";

        @AttributeDefinition(name = ServerParameters.MIRROREXCEPTIONS, description = "File extensions never mirrored, ';'-separated (e.g. 'txt; gif').")
        String mirror_exceptions() default "";

        @AttributeDefinition(name = ServerParameters.HANDLER_PATH, description = "Handler directory, copied once "
                + "when the backup starts (not recursive unless written with '+'); empty = none.")
        String handler_path() default "";

        @AttributeDefinition(name = ServerParameters.RESOURCE_PATH, description = "Resource directory, mirrored continuously; empty = none.")
        String resource_path() default "";

        @AttributeDefinition(name = ServerParameters.I3TABLES_PATH, description = "Data-tables directory, mirrored continuously; empty = none.")
        String i3tables_path() default "";

        @AttributeDefinition(name = ServerParameters.CUSTOM_UPGRADE_FILE_SYNCHRONIZATION_DIRECTORIES,
                description = "The only directories mirrored while the backup is in Upgrade Lower (path list).")
        String custom_upgrade_file_synchronization_directories() default "+C:\\I3\\IC\\Flows";

        @AttributeDefinition(name = ServerParameters.CUSTOM_UPGRADE_FILE_SYNCHRONIZATION_EXCEPTIONS,
                description = "Extensions left out in Upgrade Lower; empty = the MirrorExceptions value.")
        String custom_upgrade_file_synchronization_exceptions() default "";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_UPGRADE_HIGHER_FILE_EXCLUSIONS,
                description = "Directories not mirrored while the backup is in Upgrade Higher (path list); "
                        + "empty = none.")
        String switchover_upgrade_higher_file_exclusions() default "";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_INTERVAL, min = "0",
                max = "86400", description = "File Monitor health check interval (s): how often the backup asks the "
                        + "primary's file monitor whether it runs; 0 = off.")
        int switchover_file_monitor_health_check_interval() default 60;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_TIMEOUT, min = "1",
                max = "3600", description = "File Monitor health check timeout (s): how long the backup waits for the "
                        + "answer before the check counts as failed.")
        int switchover_file_monitor_health_check_timeout() default 10;

        @AttributeDefinition(name = "Mirror Write Retry Interval", min = "1", max = "3600", description = "Seconds,"
                + " 1-3600: how often the backup tries again to write the changes its own disk refused (full, no "
                + "permission, read-only); they stay pending and raise a warning until written. Also the least time "
                + "between two log lines about one file.")
        int mirror_write_retry_interval() default 10;

        @AttributeDefinition(name = "Mirror Root Map", required = false, description = "Node-local (never "
                + "replicated): configured=local directory pairs, ';'-separated, e.g. '/srv/ic=/data/b/ic'; the "
                + "longest configured prefix wins. Empty = none.")
        String mirror_root_map() default "";

        @AttributeDefinition(name = "Mirror Base Directory", required = false, description = "Node-local (never "
                + "replicated): directory every configured path without a mapping is placed under (D:\\x becomes "
                + "<base>/D/x); ${switchover.home} is the node directory. Empty = paths as configured.")
        String mirror_base_dir() default "";
    }


    private final Notifier notifier;
    private final VfsFiles files;
    private final SystemScheduler control = new SystemScheduler("switchover-mirror-1");
    private final RoleBinding roles = new RoleBinding(control, this::roleChanged);
    private final Clock wallClock = Clock.systemUTC();
    private final ExecutorService serve;
    private final Follower follower;
    private final Server server;
    private final PrimaryRequests requests;
    private final FileMonitorHealthCheck health;
    private final ServiceRegistration<Object> commands;
    private final ServiceRegistration<RequestHandler> handler;
    private final ServiceRegistration<SwitchWarning> warning;
    private final ServiceRegistration<SwitchWarning> writeWarning;
    private final ServiceRegistration<ReplicationFigures> figures;

    private volatile MirrorSettings settings = MirrorSettings.NONE;
    private volatile SwitchoverStatus status;
    // written on the control thread only; volatile for the request threads and the status command
    private volatile MirrorPrimary primary;
    private volatile MirrorBackup backup;

    @Activate
    public MirrorComponent(@Reference Notifier notifier, BundleContext context, Map<String, Object> properties)
            throws IOException {
        this.notifier = notifier;
        this.files = new VfsFiles();
        // four: the backup keeps up to 16 chunk requests in flight; reads overlap with the notifier's writes
        this.serve = Executors.newFixedThreadPool(4, Threads.factory("switchover-mirror-serve"));
        this.requests = new PrimaryRequests(notifier);
        this.follower = new Follower(files, requests, () -> settings, wallClock,
                new WriteFailures(control::nowMillis, MirrorSettings.NONE.writeRetryS()));
        this.server = new Server(files);
        this.health = new FileMonitorHealthCheck(control,
                timeout -> backup != null ? requests.askHealth(timeout)
                        : CompletableFuture.completedFuture(null), // a stale tick racing a role change
                why -> LOG.warn("File Monitor health check of the primary failed: {}; file replication from the "
                        + "primary has stopped", why),
                what -> LOG.info("File Monitor health check: {}; file replication from the primary runs again",
                        what));
        configure(properties);
        Dictionary<String, Object> cp = new Hashtable<>();
        cp.put("osgi.command.scope", "switchover");
        cp.put("osgi.command.function", new String[] {"mirror-status", "mirror-monitor"});
        commands = context.registerService(Object.class, new MirrorCommands(this), cp);
        Dictionary<String, Object> hp = new Hashtable<>();
        hp.put(RequestHandler.EVENT_ID, new String[] {EventIds.MIRROR_MANIFEST, EventIds.MIRROR_CHUNK,
                EventIds.MIRROR_BATCH, EventIds.MIRROR_FILE_MONITOR_HEALTH_CHECK});
        handler = context.registerService(RequestHandler.class, this, hp);
        // Always registered, empty while replication is fine: the core collects it for status and manual switch.
        warning = context.registerService(SwitchWarning.class, this::replicationWarning, new Hashtable<>());
        // the same for the changes this backup's disk refused (full, no permission): stale until they are written
        writeWarning = context.registerService(SwitchWarning.class, this::writeWarning, new Hashtable<>());
        figures = context.registerService(ReplicationFigures.class, ReplicationFigures.of("mirror",
                this::lagMillis, this::backlog), null);
        roles.track(context);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    private void configure(Map<String, Object> properties) {
        MirrorSettings before = settings;
        MirrorSettings now = MirrorSettings.from(new ConfigReader(Config.class, properties, LOG::warn), before,
                LOG::warn);
        settings = now;
        control.execute(() -> settingsChanged(before, now));
    }

    @Deactivate
    void deactivate() {
        figures.unregister();
        warning.unregister();
        writeWarning.unregister();
        handler.unregister();
        commands.unregister();
        roles.close();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        control.execute(() -> {
            stopSides();
            stopped.complete(null);
        });
        try {
            stopped.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Mirror did not stop within 10 s: {}", e.toString());
        }
        control.shutdown();
        follower.close();
        serve.shutdownNow();
        files.close();
    }

    // ---------------------------------------------------------------- role


    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindStatus(SwitchoverStatus s) {
        status = s;
        control.execute(this::checkReplicationId);
    }

    void unbindStatus(SwitchoverStatus s) {
        if (status == s) {
            status = null;
        }
    }

    /** On the control thread, each time the role the conditions give changes. */
    private void roleChanged(RoleBinding.Role role) {
        stopSides();
        if (role == RoleBinding.Role.PRIMARY) {
            startServing();
        } else if (role == RoleBinding.Role.BACKUP) {
            backup = new MirrorBackup(notifier, control, follower, this::plan, health, settings, wallClock);
        }
    }

    private void stopSides() {
        if (primary != null) {
            primary.close();
            primary = null;
        }
        if (backup != null) {
            backup.close();
            backup = null;
        }
    }

    private void startServing() {
        SwitchoverStatus s = status;
        primary = new MirrorPrimary(notifier, String.valueOf(s == null ? 0L : s.epoch()), settings, files, wallClock,
                n -> new SystemScheduler("switchover-mirror-watch-" + n));
        control.schedule(this::checkReplicationId, EPOCH_RECHECK_MILLIS);
    }

    /**
     * The core's status service can arrive after its primary condition, and its epoch snapshot was seen to lag the
     * condition by a moment: number the stream under the real epoch (checked on bind and once shortly after start).
     */
    private void checkReplicationId() {
        SwitchoverStatus s = status;
        MirrorPrimary p = primary;
        if (p != null && s != null && !p.replicationId().equals(String.valueOf(s.epoch()))) {
            stopSides();
            startServing();
        }
    }

    private void settingsChanged(MirrorSettings before, MirrorSettings now) {
        if (primary != null) {
            primary.settingsChanged(before, now);
        } else if (backup != null) {
            backup.settingsChanged(before, now, before.plan(state()));
        }
    }

    /** @return this node's state, Backup while it is not known yet */
    private SwitchoverState state() {
        SwitchoverStatus s = status;
        return s == null ? SwitchoverState.BACKUP : s.state();
    }

    /** @return what this backup mirrors in its current state (all of it when the state is not known yet). */
    private MirrorSettings.Plan plan() {
        return settings.plan(state());
    }

    /** @return on a following backup, the lag (ms) of the last change applied; -1 otherwise or before the first */
    long lagMillis() {
        return roles.backup() ? follower.lastLagMillis : -1;
    }

    /**
     * @return on a following backup, the changes in progress plus those this node's disk refused (kept until
     *     written), as {@code switchover:mirror-status} counts them; -1 otherwise
     */
    long backlog() {
        return roles.backup() ? follower.pending.get() + follower.failures.count() : -1;
    }

    /** @return the replication warning while this backup's health check fails (the registered {@link SwitchWarning}). */
    Optional<String> replicationWarning() {
        return roles.backup() ? health.warning() : Optional.empty();
    }

    /** @return the warning while changes this backup's disk refused are pending (the second {@link SwitchWarning}) */
    Optional<String> writeWarning() {
        return roles.backup() ? follower.failures.warning() : Optional.empty();
    }

    // ---------------------------------------------------------------- primary: requests

    @Override
    public CompletionStage<byte[]> handle(Request request) {
        if (EventIds.MIRROR_FILE_MONITOR_HEALTH_CHECK.equals(request.eventId())) {
            MirrorPrimary p = primary;
            if (!roles.primary()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("this node is not the primary"));
            }
            return p == null ? CompletableFuture.failedFuture(
                    new IllegalArgumentException("the file monitor is not running")) : p.answerHealth();
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (!roles.primary()) {
                    throw new IOException("this node is not the primary");
                }
                return server.answer(request.eventId(), request.payload(), settings);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }, serve);
    }

    // ---------------------------------------------------------------- operator

    /**
     * {@code switchover:mirror-monitor stop|start|hang|status} on the primary: stops, restarts or stalls the file
     * monitor (to exercise the backup's health check and the replication warning). Runs on the control thread.
     *
     * @return what happened, for the shell
     */
    String monitorCommand(String action) {
        CompletableFuture<String> done = new CompletableFuture<>();
        control.execute(() -> {
            try {
                done.complete(monitorAction(action));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            return done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException | TimeoutException e) {
            return "the file monitor command did not complete: " + e;
        }
    }

    private String monitorAction(String action) {
        if (!List.of("stop", "start", "hang", "status").contains(action)) {
            return "unknown action '" + action + "'. Usage: switchover:mirror-monitor stop|start|hang|status";
        }
        if (primary == null) {
            return "This node is not the primary: it has no file monitor to " + action + ".";
        }
        return primary.monitorAction(action);
    }

    /** @return the text of {@code switchover:mirror-status}. */
    String statusText() {
        return MirrorStatus.text(new MirrorStatus.View(settings, roles.primary(), roles.backup(), status, primary,
                backup, follower, health));
    }
}
