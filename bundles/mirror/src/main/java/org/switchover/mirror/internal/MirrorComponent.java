package org.switchover.mirror.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.RoleConditions;
import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchoverState;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.SystemScheduler;
import org.switchover.api.warning.SwitchWarning;

/**
 * Directory mirroring (spec section 8). On the primary it watches the continuously mirrored roots, publishes every
 * changed path on stream {@value Wire#STREAM} (replication id = the primary's epoch) and answers manifest, chunk
 * and File Monitor health-check requests. On the backup it follows that stream, compares manifests at start,
 * reconnect and resynchronisation, copies only what differs, and checks the primary's file monitor periodically.
 * The role comes from the core's role conditions and may change at any time.
 *
 * <p>Threads: {@code switchover-mirror-1} (role changes, start-up copies, health checks), {@code
 * switchover-mirror-serve-<n>} (answers requests, off the notifier's threads), {@code switchover-mirror-watch-<n>}
 * (the file monitor, primary only); changes are applied on the notifier's subscription thread. Every write to the
 * local tree happens under one lock.
 */
// The request handler is registered from the constructor, not as this component's DS service: the notifier's
// whiteboard reference to handlers and this component's reference to the notifier would otherwise form a cycle.
@Component(name = MirrorComponent.PID, configurationPid = {MirrorComponent.NODE_PID, MirrorComponent.PID},
        service = {}, immediate = true)
public final class MirrorComponent implements RequestHandler {

    /** Configuration PID (and component name). */
    public static final String PID = "org.switchover.mirror";
    /** Node-local identity PID shared by several components. */
    public static final String NODE_PID = "org.switchover.node";

    private static final Logger LOG = LoggerFactory.getLogger(MirrorComponent.class);
    /** How long one manifest or chunk request may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** When the primary's epoch is read again after it started serving. */
    static final long EPOCH_RECHECK_MILLIS = 1000;
    /** Pause before the start-up copy is tried again when the primary could not be asked. */
    static final long START_RETRY_MILLIS = 5000;
    /** How much longer than the health-check timeout one health request may live before the notifier drops it. */
    static final long HEALTH_REQUEST_GRACE_MILLIS = 1000;

    /** Parameters of directory mirroring; the attribute names are the documented server-parameter names. */
    @ObjectClassDefinition(id = PID, name = "Switchover directory mirror",
            description = "Directories of the primary copied to the backup. Path lists are ';'-separated; a leading "
                    + "'+' mirrors a directory recursively. Where a node keeps the trees elsewhere, the node-local "
                    + "keys mirror.root.map and mirror.base.dir of org.switchover.node say where.")
    public @interface Config {

        @AttributeDefinition(name = ServerParameters.CUSTOMMIRRORDIR, description = "Directories mirrored "
                + "continuously (path list); a change takes effect at once.")
        String custom_mirror_dir() default "+D:\\I3\\IC\\Resources;+D:\\I3\\IC\\HostTools;+D:\\I3\\IC\\Server\\LRA;"
                + "+D:\\I3\\IC\\ClientSettings;+C:\\I3\\IC\\Flows;+C:\\I3\\IC\\TFTPRoot;+C:\\I3\\IC\\Provision;"
                + "+C:\\I3\\IC\\Certificates\\LinesAuthority;+C:\\I3\\IC\\Certificates\\Email;"
                + "+C:\\I3\\IC\\Server\\I3RxDocs;+C:\\I3\\IC\\Server\\Reports";

        @AttributeDefinition(name = ServerParameters.INITIALMIRRORDIR, description = "Directories copied (changed "
                + "files only) once, when this node starts as backup (path list).")
        String initial_mirror_dir() default "";

        @AttributeDefinition(name = ServerParameters.MIRROREXCEPTIONS, description = "File extensions never "
                + "mirrored, ';'-separated (e.g. 'txt; gif').")
        String mirror_exceptions() default "";

        @AttributeDefinition(name = ServerParameters.HANDLER_PATH, description = "Handler directory, copied once "
                + "when the backup starts (not recursive unless written with '+'); empty = none.")
        String handler_path() default "";

        @AttributeDefinition(name = ServerParameters.RESOURCE_PATH, description = "Resource directory, mirrored "
                + "continuously; empty = none.")
        String resource_path() default "";

        @AttributeDefinition(name = ServerParameters.I3TABLES_PATH, description = "Data-tables directory, mirrored "
                + "continuously; empty = none.")
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

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_INTERVAL,
                description = "File Monitor health check interval (s), 0-86400: how often the backup asks the "
                        + "primary's file monitor whether it runs; 0 = off.")
        int switchover_file_monitor_health_check_interval() default 60;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_TIMEOUT,
                description = "File Monitor health check timeout (s), 1-3600: how long the backup waits for the "
                        + "answer before the check counts as failed.")
        int switchover_file_monitor_health_check_timeout() default 10;
    }

    /** Node-local key (in {@code org.switchover.node}): configured=local directory pairs, see {@link PathMapper}. */
    public static final String ROOT_MAP = "mirror.root.map";
    /** Node-local key (in {@code org.switchover.node}): directory the configured paths are placed under. */
    public static final String BASE_DIR = "mirror.base.dir";

    /** A node-local path value, with {@code ${switchover.home}} and the like expanded (the demo pair uses it). */
    private static String nodeLocal(Map<String, ?> props, String key) {
        Object v = props == null ? null : props.get(key);
        return v == null ? "" : ConfigReader.expand(v.toString().trim(), ConfigReader::systemValue);
    }

    /** Reads the parameters, keeping {@code previous} numbers where the new ones are malformed. */
    static Settings readSettings(Map<String, ?> props, Settings previous, Logger log) {
        ConfigReader p = new ConfigReader(Config.class, props, log::warn);
        List<MirrorRoot> continuous = new ArrayList<>();
        continuous.addAll(MirrorRoot.parseSingle(p.text("resource_path")));
        continuous.addAll(MirrorRoot.parseSingle(p.text("i3tables_path")));
        for (MirrorRoot r : MirrorRoot.parseList(ServerParameters.CUSTOMMIRRORDIR, p.text("custom_mirror_dir"),
                log::warn)) {
            if (continuous.stream().noneMatch(c -> c.path().equals(r.path()))) {
                continuous.add(r);
            }
        }
        List<MirrorRoot> handler = new ArrayList<>(MirrorRoot.parseSingle(p.text("handler_path")));
        List<MirrorRoot> initial = new ArrayList<>(MirrorRoot.parseList(ServerParameters.INITIALMIRRORDIR,
                p.text("initial_mirror_dir"), log::warn));
        handler.removeIf(a -> continuous.stream().anyMatch(c -> c.path().equals(a.path())));
        initial.removeIf(a -> continuous.stream().anyMatch(c -> c.path().equals(a.path()))
                || handler.stream().anyMatch(h -> h.path().equals(a.path())));
        Extensions exceptions = Extensions.parse(p.text("mirror_exceptions"));
        String lowerExceptions = p.text("custom_upgrade_file_synchronization_exceptions");
        return new Settings(List.copyOf(continuous), List.copyOf(handler), List.copyOf(initial), exceptions,
                MirrorRoot.parseList(ServerParameters.CUSTOM_UPGRADE_FILE_SYNCHRONIZATION_DIRECTORIES,
                        p.text("custom_upgrade_file_synchronization_directories"), log::warn),
                lowerExceptions.isEmpty() ? exceptions : Extensions.parse(lowerExceptions),
                MirrorRoot.parseList(ServerParameters.SWITCHOVER_UPGRADE_HIGHER_FILE_EXCLUSIONS,
                        p.text("switchover_upgrade_higher_file_exclusions"), log::warn),
                PathMapper.of(nodeLocal(props, ROOT_MAP), nodeLocal(props, BASE_DIR), log::warn),
                p.integer("switchover_file_monitor_health_check_interval",
                        ServerParameters.SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_INTERVAL, previous.healthIntervalS(),
                        0, 86400),
                p.integer("switchover_file_monitor_health_check_timeout",
                        ServerParameters.SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_TIMEOUT, previous.healthTimeoutS(),
                        1, 3600));
    }

    private enum Mode { IDLE, SERVING, FOLLOWING }

    private final Notifier notifier;
    private final VfsFiles files;
    private final SystemScheduler control = new SystemScheduler("switchover-mirror-1");
    private final ExecutorService serve;
    private final ReentrantLock applyLock = new ReentrantLock();
    private final Follower follower;
    private final Server server;
    private final AtomicInteger watcherCount = new AtomicInteger();
    private ServiceRegistration<Object> commands;
    private ServiceRegistration<RequestHandler> handler;
    private ServiceRegistration<SwitchWarning> warning;

    private volatile Settings settings = Settings.NONE;
    private volatile SwitchoverStatus status;
    private volatile boolean primaryCondition;
    private volatile boolean backupCondition;
    private final HealthCheck health;

    // --- touched only on the control thread ---
    private Mode mode = Mode.IDLE;
    private StreamPublisher publisher;
    private volatile ChangeWatcher watcher; // written on the control thread; read by the health answer too
    private StreamSubscription subscription;
    private Cancellable startTask = () -> { };
    private boolean startCopyDone;

    @Activate
    public MirrorComponent(@Reference Notifier notifier, BundleContext context, Map<String, Object> properties)
            throws IOException {
        this.notifier = notifier;
        this.files = new VfsFiles();
        AtomicInteger n = new AtomicInteger();
        // four: the backup keeps up to 16 chunk requests in flight; reads overlap with the notifier's writes
        this.serve = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "switchover-mirror-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.follower = new Follower(files, new Follower.Remote() {
            @Override
            public byte[] ask(String eventId, byte[] body) throws IOException {
                return MirrorComponent.this.ask(eventId, body);
            }

            @Override
            public CompletableFuture<byte[]> askAsync(String eventId, byte[] body) {
                return MirrorComponent.this.askAsync(eventId, body);
            }
        }, () -> settings);
        this.server = new Server(files);
        this.health = new HealthCheck(control, this::askHealth,
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
        hp.put(RequestHandler.EVENT_ID, new String[] {Wire.MANIFEST, Wire.CHUNK, Wire.BATCH, Wire.HEALTH});
        handler = context.registerService(RequestHandler.class, this, hp);
        // Always registered, empty while replication is fine: the core collects it for status and manual switch.
        warning = context.registerService(SwitchWarning.class, this::replicationWarning, new Hashtable<>());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    private void configure(Map<String, Object> properties) {
        Settings before = settings;
        Settings now = readSettings(properties, before, LOG);
        settings = now;
        control.execute(() -> settingsChanged(before, now));
    }

    @Deactivate
    void deactivate() {
        warning.unregister();
        handler.unregister();
        commands.unregister();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        control.execute(() -> {
            stopRole();
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = RoleConditions.PRIMARY_FILTER)
    void bindPrimary(Condition c) {
        primaryCondition = true;
        control.execute(this::roleChanged);
    }

    void unbindPrimary(Condition c) {
        primaryCondition = false;
        control.execute(this::roleChanged);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = RoleConditions.BACKUP_FILTER)
    void bindBackup(Condition c) {
        backupCondition = true;
        control.execute(this::roleChanged);
    }

    void unbindBackup(Condition c) {
        backupCondition = false;
        control.execute(this::roleChanged);
    }

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

    private void roleChanged() {
        Mode wanted = primaryCondition ? Mode.SERVING : backupCondition ? Mode.FOLLOWING : Mode.IDLE;
        if (wanted == mode) {
            return;
        }
        stopRole();
        if (wanted == Mode.SERVING) {
            startServing();
        } else if (wanted == Mode.FOLLOWING) {
            startFollowing();
        }
    }

    private void stopRole() {
        startTask.cancel();
        health.stop();
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
        if (subscription != null) {
            subscription.close();
            subscription = null;
            LOG.info("Mirror: stopped following the primary");
        }
        mode = Mode.IDLE;
    }

    /**
     * The core's status service can arrive after its primary condition, and its epoch snapshot was seen to lag the
     * condition by a moment: number the stream under the real epoch (checked on bind and once shortly after start).
     */
    private void checkReplicationId() {
        SwitchoverStatus s = status;
        if (mode == Mode.SERVING && s != null && !publisher.replicationId().equals(String.valueOf(s.epoch()))) {
            stopRole();
            startServing();
        }
    }

    private void startServing() {
        SwitchoverStatus s = status;
        String replicationId = String.valueOf(s == null ? 0L : s.epoch());
        publisher = notifier.publish(Wire.STREAM, replicationId);
        mode = Mode.SERVING;
        startWatcher();
        startTask = control.schedule(this::checkReplicationId, EPOCH_RECHECK_MILLIS);
        LOG.info("Mirror: serving {} continuously mirrored root(s) under replication id {}",
                settings.continuous().size(), replicationId);
    }

    private void startWatcher() {
        List<ChangeWatcher.Watched> roots = new ArrayList<>();
        Settings s = settings;
        for (MirrorRoot r : s.continuous()) {
            Path dir = s.mapper().local(r.path());
            if (dir != null) {
                roots.add(new ChangeWatcher.Watched(r, dir)); // a missing directory is watched once it appears
            } else {
                LOG.info("Mirror root {} has no place on this node (map it with {} or {}); not watched", r,
                        ROOT_MAP, BASE_DIR);
            }
        }
        StreamPublisher p = publisher;
        watcher = new ChangeWatcher(roots, c -> p.publish(Wire.change(c)), files, watcherCount.incrementAndGet());
    }

    private void startFollowing() {
        mode = Mode.FOLLOWING;
        startCopyDone = false;
        subscription = notifier.follow(Wire.STREAM, StreamPosition.NONE, new Listener());
        startTask = control.schedule(this::startCopy, 0);
        health.start(settings.healthIntervalS(), settings.healthTimeoutS());
        LOG.info("Mirror: following the primary's changes");
    }

    /** Handler Path and InitialMirrorDir: copied once when this node starts as backup, retried until done. */
    private void startCopy() {
        if (mode != Mode.FOLLOWING || startCopyDone) {
            return;
        }
        try {
            Settings.Plan plan = plan();
            for (MirrorRoot r : plan.atStart()) {
                syncLogged(r, "", plan.exceptions());
            }
            startCopyDone = true;
        } catch (IOException e) {
            LOG.warn("Mirror: the start-up copy could not finish ({}); trying again in {} s", e.getMessage(),
                    START_RETRY_MILLIS / 1000);
            startTask = control.schedule(this::startCopy, START_RETRY_MILLIS);
        }
    }

    private void settingsChanged(Settings before, Settings now) {
        boolean rootsChanged = !before.continuous().equals(now.continuous())
                || !Objects.equals(before.exceptions().toString(), now.exceptions().toString())
                || before.mapper() != now.mapper();
        if (mode == Mode.SERVING && rootsChanged) {
            watcher.close();
            startWatcher();
            for (MirrorRoot r : now.continuous()) {
                if (!before.continuous().contains(r)) {
                    publisher.publish(Wire.change(new Wire.Change(r.path(), r.recursive(), "",
                            System.currentTimeMillis())));
                }
            }
        } else if (mode == Mode.FOLLOWING) {
            SwitchoverStatus st = status;
            SwitchoverState state = st == null ? SwitchoverState.BACKUP : st.state();
            Settings.Plan was = before.plan(state);
            Settings.Plan plan = now.plan(state);
            for (MirrorRoot r : plan.continuous()) {
                if (!was.continuous().contains(r)) {
                    try {
                        syncLogged(r, "", plan.exceptions());
                    } catch (IOException e) {
                        LOG.warn("Mirror: new root {} not copied yet: {}", r, e.getMessage());
                    }
                }
            }
            if (before.healthIntervalS() != now.healthIntervalS() || before.healthTimeoutS() != now.healthTimeoutS()) {
                health.start(now.healthIntervalS(), now.healthTimeoutS());
            }
        }
    }

    // ---------------------------------------------------------------- backup

    /** @return what this backup mirrors in its current state (all of it when the state is not known yet). */
    private Settings.Plan plan() {
        SwitchoverStatus s = status;
        return settings.plan(s == null ? SwitchoverState.BACKUP : s.state());
    }

    private void syncLogged(MirrorRoot root, String scope, Extensions exceptions) throws IOException {
        applyLock.lock();
        try {
            String what = follower.sync(root, scope, exceptions);
            if (!what.isEmpty() && !"in step".equals(what)) {
                LOG.info("Mirror: {}{}: {}", root, scope.isEmpty() ? "" : "/" + scope, what);
            }
        } catch (Follower.TransferBroken e) {
            throw e;
        } catch (IOException e) {
            if (scope.isEmpty()) {
                LOG.warn("Mirror: root {} not mirrored: {}", root, e.getMessage());
                return;
            }
            throw e;
        } finally {
            applyLock.unlock();
        }
    }

    /** Applies the primary's stream on the notifier's subscription thread. */
    private final class Listener implements StreamListener {
        @Override
        public void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
            Wire.Change c;
            try {
                c = Wire.change(payload);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Mirror: change message {} is malformed and ignored: {}", sequence, e.getMessage());
                return;
            }
            Settings.Plan plan = plan();
            MirrorRoot root = plan.find(c.root());
            if (root == null) {
                LOG.debug("Mirror: change under {} ignored: not mirrored continuously here in this state",
                        c.root());
                return;
            }
            try {
                syncLogged(root, c.scope(), plan.exceptions());
            } catch (Follower.TransferBroken e) {
                throw e;
            } catch (IOException e) {
                LOG.info("Mirror: {} under {} not applied now: {}", c.scope(), c.root(), e.getMessage());
            }
            if (c.seenMillis() > 0) {
                follower.lastLagMillis = System.currentTimeMillis() - c.seenMillis();
            }
        }

        @Override
        public void onResync(String replicationId, long headSequence) throws Exception {
            LOG.info("Mirror: comparing every continuously mirrored root with the primary (replication id {})",
                    replicationId);
            Settings.Plan plan = plan();
            for (MirrorRoot r : plan.continuous()) {
                syncLogged(r, "", plan.exceptions());
            }
        }
    }

    /** Like {@link #ask}, without blocking: the follower keeps several chunk requests in flight. */
    private CompletableFuture<byte[]> askAsync(String eventId, byte[] body) {
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        notifier.send(Link.MAIN, "*", eventId, body, REQUEST_TIMEOUT).response().whenComplete((r, e) -> {
            if (e != null) {
                out.completeExceptionally(new Follower.TransferBroken(eventId + " failed: " + e));
            } else if (r.isReply()) {
                out.complete(r.payload());
            } else if (r.outcome() == ResponseOutcome.REJECTED) {
                out.completeExceptionally(new IOException("the primary refused " + eventId + ": " + r.detail()));
            } else {
                out.completeExceptionally(new Follower.TransferBroken(eventId + " ended " + r.outcome() + " "
                        + r.detail()));
            }
        });
        return out;
    }

    private byte[] ask(String eventId, byte[] body) throws IOException {
        CompletionStage<Response> stage = notifier.send(Link.MAIN, "*", eventId, body, REQUEST_TIMEOUT).response();
        Response r;
        try {
            r = stage.toCompletableFuture().get(REQUEST_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Follower.TransferBroken(eventId + " interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new Follower.TransferBroken(eventId + " failed: " + e);
        }
        if (r.isReply()) {
            return r.payload();
        }
        if (r.outcome() == ResponseOutcome.REJECTED) {
            throw new IOException("the primary refused " + eventId + ": " + r.detail());
        }
        throw new Follower.TransferBroken(eventId + " ended " + r.outcome() + " " + r.detail());
    }

    /** One File Monitor health request to the primary; fails with the primary's reason or the outcome. */
    private CompletionStage<?> askHealth(long timeoutMillis) {
        if (mode != Mode.FOLLOWING) {
            return CompletableFuture.completedFuture(null); // stale tick racing a role change; stop() follows
        }
        // The check's own timer decides "no answer"; the request lives a little longer only to be cleaned up.
        Duration requestTimeout = Duration.ofMillis(timeoutMillis + HEALTH_REQUEST_GRACE_MILLIS);
        return notifier.send(Link.MAIN, "*", Wire.HEALTH, new byte[0], requestTimeout).response()
                .thenApply(r -> {
                    if (r.outcome() == ResponseOutcome.REJECTED && !r.detail().isEmpty()) {
                        throw new IllegalStateException(r.detail()); // the primary's own reason
                    }
                    if (!r.isReply()) {
                        throw new IllegalStateException(r.outcome().name().toLowerCase(Locale.ROOT)
                                + (r.detail().isEmpty() ? "" : ": " + r.detail()));
                    }
                    return r;
                });
    }

    /** @return the replication warning while this backup's health check fails (the registered {@link SwitchWarning}). */
    java.util.Optional<String> replicationWarning() {
        return backupCondition ? health.warning() : java.util.Optional.empty();
    }

    // ---------------------------------------------------------------- primary: requests

    @Override
    public CompletionStage<byte[]> handle(Request request) {
        if (Wire.HEALTH.equals(request.eventId())) {
            return answerHealth();
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return answer(request);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }, serve);
    }

    private byte[] answer(Request request) throws IOException {
        if (!primaryCondition) {
            throw new IOException("this node is not the primary");
        }
        Settings s = settings;
        switch (request.eventId()) {
            default:
                return server.answer(request.eventId(), request.payload(), s);
        }
    }

    /**
     * The File Monitor health answer: the monitor thread itself must take a turn (see {@link ChangeWatcher#ping()}),
     * so a stopped monitor fails at once and a hung one does not answer (the backup's timeout decides). Bounded here
     * too, so that a hung monitor does not pile up open answers.
     */
    private CompletionStage<byte[]> answerHealth() {
        ChangeWatcher w = watcher;
        if (!primaryCondition) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("this node is not the primary"));
        }
        if (w == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the file monitor is not running"));
        }
        int roots = settings.continuous().size();
        return w.ping().orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((ok, e) -> {
                    if (e != null) {
                        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                ? e.getCause() : e;
                        throw new IllegalArgumentException(t instanceof TimeoutException
                                ? "the file monitor did not answer" : t.getMessage());
                    }
                    return ("file monitor running, watching " + roots + " root(s)")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                });
    }

    // ---------------------------------------------------------------- operator: the file monitor

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
        if (mode != Mode.SERVING) {
            return "This node is not the primary: it has no file monitor to " + action + ".";
        }
        switch (action) {
            case "stop" -> {
                if (watcher == null) {
                    return "The file monitor is already stopped.";
                }
                watcher.close();
                watcher = null;
                LOG.warn("Mirror: the file monitor was stopped by the operator; changes are not replicated and the "
                        + "backup's health check will report it");
                return "File monitor stopped. Changes are not replicated until switchover:mirror-monitor start.";
            }
            case "hang" -> {
                if (watcher == null) {
                    return "The file monitor is stopped; start it first.";
                }
                watcher.hang(true);
                LOG.warn("Mirror: the file monitor was stalled by the operator (hang); it reports nothing and "
                        + "answers no health check");
                return "File monitor stalled: it reports no change and answers no health check until "
                        + "switchover:mirror-monitor start.";
            }
            case "start" -> {
                if (watcher != null && watcher.isAlive()) {
                    if (!watcher.isHung()) {
                        return "The file monitor is already running.";
                    }
                    watcher.hang(false);
                    LOG.info("Mirror: the file monitor was released by the operator");
                    return "File monitor released; it reports the changes it saw meanwhile.";
                }
                if (watcher != null) {
                    watcher.close();
                }
                startWatcher();
                // What changed while nothing watched is unknown: the backup compares every continuous root.
                for (MirrorRoot r : settings.continuous()) {
                    publisher.publish(Wire.change(new Wire.Change(r.path(), r.recursive(), "",
                            System.currentTimeMillis())));
                }
                LOG.info("Mirror: the file monitor was restarted by the operator; the backup compares every root");
                return "File monitor started; the backup compares every continuously mirrored root.";
            }
            default -> {
                ChangeWatcher w = watcher;
                return "File monitor: " + (w == null || !w.isAlive() ? "stopped" : w.isHung() ? "hung (stalled)"
                        : "running");
            }
        }
    }

    // ---------------------------------------------------------------- status

    /** @return the text of {@code switchover:mirror-status}. */
    String statusText() {
        Settings s = settings;
        StringBuilder b = new StringBuilder();
        String role = primaryCondition ? "primary (serving)" : backupCondition ? "backup (following)" : "idle";
        b.append("Mirror: ").append(role).append('\n');
        appendRoots(b, "Continuous roots", s.continuous(), s);
        List<MirrorRoot> atStart = new ArrayList<>(s.handler());
        atStart.addAll(s.initial());
        appendRoots(b, "Copied at backup start", atStart, s);
        b.append("Exceptions: ").append(s.exceptions().toString().isEmpty() ? "none" : s.exceptions()).append('\n');
        if (backupCondition) {
            SwitchoverStatus st = status;
            if (st != null && st.state() != SwitchoverState.BACKUP && st.state() != SwitchoverState.RECONNECTING) {
                Settings.Plan plan = plan();
                b.append("State ").append(st.state()).append(": following ").append(plan.continuous())
                        .append(", exceptions ").append(plan.exceptions()).append('\n');
            }
            StreamSubscription sub = subscription;
            b.append("Stream: ").append(sub != null && sub.isLive() ? "live" : "not live");
            if (sub != null) {
                b.append(", position ").append(sub.position().sequence());
            }
            b.append('\n');
            b.append("Pending: ").append(follower.pending.get()).append('\n');
            b.append("Last change applied: ").append(follower.lastApplied);
            if (follower.lastAppliedMillis > 0) {
                b.append(" at ").append(Instant.ofEpochMilli(follower.lastAppliedMillis));
            }
            b.append('\n');
            b.append("Lag: ").append(follower.lastLagMillis < 0 ? "n/a" : follower.lastLagMillis + " ms").append('\n');
            b.append("Last full comparison: ").append(follower.lastCompare).append('\n');
            b.append("Copied: ").append(follower.filesFetched.get()).append(" file(s), ")
                    .append(follower.bytesFetched.get()).append(" bytes; deleted: ").append(follower.deleted.get())
                    .append('\n');
            b.append("Health: ").append(health.describe()).append('\n');
        } else if (primaryCondition) {
            ChangeWatcher w = watcher;
            b.append("File monitor: ").append(w == null || !w.isAlive() ? "stopped" : w.isHung() ? "hung (stalled)"
                    : "running").append('\n');
            StreamPublisher p = publisher;
            if (p != null) {
                b.append("Stream: head ").append(p.headSequence()).append(", acknowledged ")
                        .append(p.acknowledgedSequence()).append('\n');
            }
        }
        return b.toString();
    }

    private static void appendRoots(StringBuilder b, String title, List<MirrorRoot> roots, Settings s) {
        b.append(title).append(':');
        if (roots.isEmpty()) {
            b.append(" none");
        }
        b.append('\n');
        for (MirrorRoot r : roots) {
            Path local = s.mapper().local(r.path());
            b.append("  ").append(r).append(" -> ").append(local == null ? "(not on this node)" : local.toString())
                    .append(local != null && Files.isDirectory(local) ? "" : " (missing)").append('\n');
        }
    }
}
