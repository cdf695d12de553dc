package org.switchover.monitor.module.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.log.Journal;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.ServerParameters;
import org.switchover.api.monitor.ModuleMonitor;
import org.switchover.api.monitor.ModuleMonitorListener;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.api.time.SystemScheduler;

/**
 * The backup's module monitor (spec section 4): pings the monitored module (TsServer or IP) on the primary through
 * the notifier and reports SYSTEM_OK / MODULE_DOWN to the {@link ModuleMonitorListener} services.
 *
 * <p>All monitoring state lives on one scheduler thread ({@code switchover-module-monitor-1}); the public methods
 * only post work to it. Rules (see DECISIONS.md): a reply resets the error count and the next ping follows one
 * module timeout later; a rejected ping is an error and is re-issued after the regular period; a timeout, a lost
 * connection or a reply without an incarnation id is an error and is retried after the retry delay; reaching the
 * maximum on the first connection moves to the other one when it is up, otherwise (or on the second connection)
 * the module is reported down. A module restarting more often than allowed is reported down too.
 */
@Component(name = ModuleMonitorImpl.PID, configurationPid = {ModuleMonitorImpl.NODE_PID, ModuleMonitorImpl.PID},
        service = ModuleMonitor.class)
// The metatype of this PID is designated by ModulePingHandler: bnd accepts @Designate only on a single-PID component.
public final class ModuleMonitorImpl implements ModuleMonitor {

    /** Configuration PID (and component name). */
    public static final String PID = "org.switchover.monitor.module";
    /** Node-local identity PID shared by several components. */
    public static final String NODE_PID = "org.switchover.node";

    /** Extra wait after a ping's timeout before the monitor stops waiting for the notifier's outcome. */
    static final long GUARD_MILLIS = 1000L;

    private static final Logger LOG = LoggerFactory.getLogger(ModuleMonitorImpl.class);

    /** Parameters of the module monitor; the attribute names are the documented server-parameter names. */
    @ObjectClassDefinition(id = PID, name = "Switchover module monitor",
            description = "Pings of the monitored module (TsServer or IP) on the primary, made by the backup.")
    public @interface Config {

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_TS_TIMEOUT,
                description = "TS timeout (s), 5-60: how long a module ping may take before it fails, and the "
                        + "pause after a reply before the next ping.")
        int switchover_ts_timeout() default 10;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_TS_FAILURE_RETRY_DELAY,
                description = "TS failure retry delay (s), 1-300: pause after a timed-out, lost or empty ping "
                        + "before the next one.")
        int switchover_ts_failure_retry_delay() default 1;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MAX_TS_FAILURES,
                description = "Max TS failures (count), 1-100: failed pings per connection; reaching it on the "
                        + "first connection moves to the other one, reaching it there reports the module down.")
        int switchover_max_ts_failures() default 2;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PING_ON_AUX_CONNECTION,
                description = "Ping on aux connection (Yes/No, 1/0): Yes pings over the auxiliary connection "
                        + "first and falls back to the main one.")
        String switchover_ping_on_aux_connection() default "0";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MAX_RESTARTS,
                description = "Max restarts (count), 0-100: module restarts tolerated inside the restart period; "
                        + "one more reports the module down.")
        int switchover_max_restarts() default 2;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MAX_RESTARTS_PERIOD,
                description = "Max restarts period (s), 1-86400: the sliding window for Max Restarts.")
        int switchover_max_restarts_period() default 300;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MAX_SEQUENTIAL_RESTARTS,
                description = "Max sequential restarts (count), 0-100: consecutive replies with a new incarnation "
                        + "id tolerated; one more reports the module down.")
        int switchover_max_sequential_restarts() default 2;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MONITORING,
                description = "Monitored module name (TsServer or IP).",
                options = {@Option(label = "TsServer", value = "TsServer"), @Option(label = "IP", value = "IP")})
        String switchover_monitoring() default "TsServer";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_IP_TIMEOUT,
                description = "IP timeout (s), 5-60: TS timeout's counterpart when the module is IP.")
        int switchover_ip_timeout() default 10;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_IP_RETRY_DELAY,
                description = "IP retry delay (s), 1-300: TS failure retry delay's counterpart when the module is IP.")
        int switchover_ip_retry_delay() default 1;
    }

    /** Reads the module-monitor parameters, keeping {@code previous} values where the new ones are malformed. */
    static Settings readSettings(Map<String, ?> props, Settings previous, Logger log) {
        ConfigReader p = new ConfigReader(Config.class, props, log::warn);
        String name = Settings.moduleName(p.text("switchover_monitoring"));
        if (name == null) {
            log.warn("Parameter '{}' ({}): '{}' is neither TsServer nor IP; keeping {}",
                    ServerParameters.SWITCHOVER_MONITORING, "switchover.monitoring",
                    p.text("switchover_monitoring"), previous.moduleName());
            name = previous.moduleName();
        }
        return new Settings(name,
                p.integer("switchover_ts_timeout", ServerParameters.SWITCHOVER_TS_TIMEOUT,
                        previous.tsTimeoutS(), 5, 60),
                p.integer("switchover_ts_failure_retry_delay", ServerParameters.SWITCHOVER_TS_FAILURE_RETRY_DELAY,
                        previous.tsRetryDelayS(), 1, 300),
                p.integer("switchover_ip_timeout", ServerParameters.SWITCHOVER_IP_TIMEOUT,
                        previous.ipTimeoutS(), 5, 60),
                p.integer("switchover_ip_retry_delay", ServerParameters.SWITCHOVER_IP_RETRY_DELAY,
                        previous.ipRetryDelayS(), 1, 300),
                p.integer("switchover_max_ts_failures", ServerParameters.SWITCHOVER_MAX_TS_FAILURES,
                        previous.maxFailures(), 1, 100),
                p.bool("switchover_ping_on_aux_connection", ServerParameters.SWITCHOVER_PING_ON_AUX_CONNECTION,
                        previous.pingOnAux()),
                p.integer("switchover_max_restarts", ServerParameters.SWITCHOVER_MAX_RESTARTS,
                        previous.maxRestarts(), 0, 100),
                p.integer("switchover_max_restarts_period", ServerParameters.SWITCHOVER_MAX_RESTARTS_PERIOD,
                        previous.restartsPeriodS(), 1, 86400),
                p.integer("switchover_max_sequential_restarts", ServerParameters.SWITCHOVER_MAX_SEQUENTIAL_RESTARTS,
                        previous.maxSequentialRestarts(), 0, 100));
    }

    /** A ping in flight. */
    private static final class Inflight {
        final long id;
        final Link link;
        final PendingRequest request;
        Cancellable guard = () -> { };

        Inflight(long id, Link link, PendingRequest request) {
            this.id = id;
            this.link = link;
            this.request = request;
        }
    }

    private final Scheduler injected;
    private volatile Scheduler scheduler;
    private SystemScheduler own;
    private volatile Journal journal;
    private volatile Settings settings = Settings.DEFAULTS;
    private volatile Notifier notifier;
    private final List<ModuleMonitorListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean wanted;
    private volatile String status = "module monitor not started";

    // --- state below is touched only on the scheduler thread ---
    private boolean running;
    private long generation;
    private Link link = Link.MAIN;
    private int errors;
    private final RestartTracker restarts = new RestartTracker();
    private Cancellable nextPing;
    private long nextPingBase;
    private boolean nextPingIsRetry;
    private Inflight inflight;
    private long pingSeq;
    private boolean warnedNoNotifier;

    /** Used by Declarative Services: the component creates its own scheduler thread on activation. */
    public ModuleMonitorImpl() {
        this(null);
    }

    /** @param scheduler the scheduler to run on (tests pass a VirtualScheduler); null to own a system one */
    public ModuleMonitorImpl(Scheduler scheduler) {
        this.injected = scheduler;
    }

    @Activate
    public void activate(Map<String, Object> properties) {
        Scheduler s = injected;
        if (s == null) {
            own = new SystemScheduler("switchover-module-monitor-1");
            s = own;
        }
        journal = new Journal(s, LOG);
        scheduler = s;
        configure(properties);
    }

    @Modified
    public void modified(Map<String, Object> properties) {
        configure(properties);
    }

    @Deactivate
    public void deactivate() {
        wanted = false;
        Scheduler s = scheduler;
        if (s == null) {
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        s.execute(() -> {
            halt("component deactivated");
            stopped.countDown();
        });
        if (own != null) {
            try {
                // Lets the stop cancel the ping in flight; bounded so a stuck thread never blocks SCR.
                stopped.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            own.shutdown();
            own = null;
        }
    }

    /** @Activate and @Modified both come here. */
    void configure(Map<String, ?> properties) {
        Settings old = settings;
        Settings now = readSettings(properties, old, LOG);
        settings = now;
        if (!now.equals(old)) {
            LOG.info("Module monitor parameters: module {}, timeout {} s, retry delay {} s, max failures {}, "
                    + "first connection {}, max restarts {} in {} s, max sequential restarts {}",
                    now.moduleName(), now.timeoutMillis() / 1000, now.retryDelayMillis() / 1000,
                    now.maxFailures(), now.preferred(), now.maxRestarts(), now.restartsPeriodS(),
                    now.maxSequentialRestarts());
        }
        Scheduler s = scheduler;
        if (s != null) {
            s.execute(() -> applySettings(old, now));
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setNotifier(Notifier n) {
        notifier = n;
    }

    public void unsetNotifier(Notifier n) {
        if (notifier == n) {
            notifier = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            service = ModuleMonitorListener.class)
    public void addListener(ModuleMonitorListener l) {
        listeners.add(l);
    }

    public void removeListener(ModuleMonitorListener l) {
        listeners.remove(l);
    }

    @Override
    public void start() {
        wanted = true;
        scheduler.execute(() -> {
            if (running) {
                return;
            }
            running = true;
            generation++;
            Settings s = settings;
            errors = 0;
            link = s.preferred();
            journal.info("Module monitor started: pinging the {} module over {} every {} ms", s.moduleName(), link,
                    s.timeoutMillis());
            ping();
            refreshStatus();
        });
    }

    @Override
    public void stop() {
        wanted = false;
        scheduler.execute(() -> halt("stopped"));
    }

    @Override
    public boolean isRunning() {
        return wanted;
    }

    @Override
    public String statusLine() {
        return status;
    }

    /** @return the monitor's recent decisions, oldest first. */
    public List<Journal.Entry> journal() {
        return journal.entries();
    }

    /** @return the parameters in force. */
    Settings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ scheduler thread only

    private void halt(String why) {
        if (!running) {
            return;
        }
        running = false;
        generation++;
        if (nextPing != null) {
            nextPing.cancel();
            nextPing = null;
        }
        if (inflight != null) {
            inflight.guard.cancel();
            inflight.request.cancel();
            inflight = null;
        }
        journal.info("Module monitor {}", why);
        refreshStatus();
    }

    private void applySettings(Settings old, Settings now) {
        if (!running) {
            refreshStatus();
            return;
        }
        if (errors == 0 && link == old.preferred()) {
            link = now.preferred();
        }
        if (nextPing != null) {
            long oldDelay = nextPingIsRetry ? old.retryDelayMillis() : old.timeoutMillis();
            long newDelay = nextPingIsRetry ? now.retryDelayMillis() : now.timeoutMillis();
            if (oldDelay != newDelay) {
                nextPing.cancel();
                long due = nextPingBase + newDelay;
                nextPing = scheduler.schedule(this::ping, due - scheduler.nowMillis());
                journal.info("Ping {} changed from {} ms to {} ms; next ping due in {} ms",
                        nextPingIsRetry ? "retry delay" : "period", oldDelay, newDelay,
                        Math.max(0L, due - scheduler.nowMillis()));
            }
        }
        refreshStatus();
    }

    private void ping() {
        nextPing = null;
        if (!running) {
            return;
        }
        Settings s = settings;
        Notifier n = notifier;
        if (n == null) {
            // No local notifier is a problem of this node, not evidence against the primary: do not count it.
            if (!warnedNoNotifier) {
                journal.warn("No notifier service: cannot ping the {} module; trying again every {} ms",
                        s.moduleName(), s.timeoutMillis());
                warnedNoNotifier = true;
            }
            scheduleNext(s.timeoutMillis(), false);
            return;
        }
        warnedNoNotifier = false;
        long id = ++pingSeq;
        long gen = generation;
        Link l = link;
        PendingRequest request;
        try {
            request = n.send(l, "*", EventIds.MODULE_PING, new byte[0], Duration.ofMillis(s.timeoutMillis()));
        } catch (RuntimeException e) {
            LOG.warn("Sending the {} module ping over {} failed", s.moduleName(), l, e);
            inflight = new Inflight(id, l, new DonePending());
            onOutcome(gen, id, Response.of(ResponseOutcome.CONNECTION_LOST, "send failed: " + e), false);
            return;
        }
        Inflight f = new Inflight(id, l, request);
        inflight = f;
        f.guard = scheduler.schedule(() -> onOutcome(gen, id, Response.of(ResponseOutcome.TIMEOUT,
                "the notifier reported no outcome within the timeout"), true), s.timeoutMillis() + GUARD_MILLIS);
        request.response().whenComplete((r, ex) -> {
            Response resp = r != null ? r : Response.of(ResponseOutcome.CONNECTION_LOST, String.valueOf(ex));
            scheduler.execute(() -> onOutcome(gen, id, resp, false));
        });
    }

    private void onOutcome(long gen, long id, Response response, boolean guardFired) {
        Inflight f = inflight;
        if (gen != generation || f == null || f.id != id) {
            return; // a stale answer: the monitor was stopped or has moved on
        }
        inflight = null;
        f.guard.cancel();
        if (guardFired) {
            f.request.cancel();
        }
        Settings s = settings;
        String detail = response.detail() == null || response.detail().isEmpty() ? "" : " (" + response.detail() + ")";
        switch (response.outcome()) {
            case REPLY -> {
                byte[] body = response.payload();
                if (body == null || body.length != Long.BYTES) {
                    failure(s, f.link, "got a reply without a valid incarnation id ("
                            + (body == null ? 0 : body.length) + " bytes, 8 expected)", false);
                } else {
                    success(s, f.link, ByteBuffer.wrap(body).getLong());
                }
            }
            case REJECTED -> failure(s, f.link, "was rejected" + detail, true);
            case TIMEOUT -> failure(s, f.link, "got no reply within " + s.timeoutMillis() + " ms" + detail, false);
            case CONNECTION_LOST -> failure(s, f.link, "lost its connection" + detail, false);
            case CANCELLED -> {
                // Not ours (we cancel only when stopping): keep the loop alive without counting it.
                journal.info("Ping of the {} module over {} was cancelled by the notifier{}; next ping in {} ms",
                        s.moduleName(), f.link, detail, s.timeoutMillis());
                scheduleNext(s.timeoutMillis(), false);
            }
            default -> throw new IllegalStateException("unknown outcome " + response.outcome());
        }
        refreshStatus();
    }

    private void success(Settings s, Link used, long incarnation) {
        int hadErrors = errors;
        errors = 0;
        link = s.preferred();
        RestartTracker.Observation o = restarts.observe(incarnation, scheduler.nowMillis(),
                s.restartsPeriodMillis());
        if (hadErrors > 0 || used != s.preferred()) {
            journal.info("Reply from the {} module over {} (incarnation {}): error count reset, back on {}",
                    s.moduleName(), used, incarnation, link);
        } else {
            journal.debug("Reply from the {} module over {} (incarnation {}); next ping in {} ms",
                    s.moduleName(), used, incarnation, s.timeoutMillis());
        }
        scheduleNext(s.timeoutMillis(), false);
        if (o.restarted()) {
            boolean tooManyInARow = o.sequential() > s.maxSequentialRestarts();
            boolean tooManyInWindow = o.inWindow() > s.maxRestarts();
            if (tooManyInARow || tooManyInWindow) {
                String why = tooManyInARow
                        ? String.format("the %s module restarted on %d consecutive replies (%s = %d)",
                                s.moduleName(), o.sequential(), ServerParameters.SWITCHOVER_MAX_SEQUENTIAL_RESTARTS,
                                s.maxSequentialRestarts())
                        : String.format("the %s module restarted %d times within %d s (%s = %d)",
                                s.moduleName(), o.inWindow(), s.restartsPeriodS(),
                                ServerParameters.SWITCHOVER_MAX_RESTARTS, s.maxRestarts());
                restarts.resetSequential();
                journal.warn("Module restarting too often: {}; signalling that the module is down", why);
                fireRestartingTooOften(why);
                return;
            }
            journal.info("The {} module restarted (new incarnation {}): {} restart(s) within {} s, {} in a row",
                    s.moduleName(), incarnation, o.inWindow(), s.restartsPeriodS(), o.sequential());
        }
        fireSystemOk(incarnation);
    }

    private void failure(Settings s, Link used, String what, boolean rejected) {
        errors++;
        int max = s.maxFailures();
        long delay = rejected ? s.timeoutMillis() : s.retryDelayMillis();
        String next = rejected ? "next ping after the regular period of " + delay + " ms"
                : "retry in " + delay + " ms";
        if (errors < max) {
            journal.warn("Ping of the {} module over {} {}: error count {} within maximum {}; {}",
                    s.moduleName(), used, what, errors, max, next);
            scheduleNext(delay, !rejected);
            return;
        }
        Link alternate = s.alternate();
        if (link == s.preferred() && linkActive(alternate)) {
            journal.warn("Ping of the {} module over {} {}: maximum error count {} reached on {}; error count "
                    + "reset, trying the alternate connection {}; {}", s.moduleName(), used, what, max, link,
                    alternate, next);
            errors = 0;
            link = alternate;
            scheduleNext(delay, !rejected);
            return;
        }
        String why = link == s.preferred()
                ? String.format("%d pings of the %s module failed on %s and the alternate connection %s is not up",
                        max, s.moduleName(), link, alternate)
                : String.format("%d pings of the %s module failed on %s and %d more on the alternate %s",
                        max, s.moduleName(), s.preferred(), max, link);
        journal.warn("Ping of the {} module over {} {}: maximum error count {} reached; signalling that the "
                + "module is down ({})", s.moduleName(), used, what, max, why);
        errors = 0;
        link = s.preferred();
        scheduleNext(delay, !rejected);
        fireModuleDown(why);
    }

    private boolean linkActive(Link l) {
        Notifier n = notifier;
        try {
            return n != null && n.status(l).isActive();
        } catch (RuntimeException e) {
            LOG.warn("Could not read the status of the {} connection", l, e);
            return false;
        }
    }

    private void scheduleNext(long delayMillis, boolean retry) {
        if (nextPing != null) {
            nextPing.cancel();
        }
        nextPingBase = scheduler.nowMillis();
        nextPingIsRetry = retry;
        nextPing = scheduler.schedule(this::ping, delayMillis);
    }

    private void fireSystemOk(long incarnation) {
        for (ModuleMonitorListener l : listeners) {
            try {
                l.systemOk(incarnation);
            } catch (RuntimeException e) {
                LOG.error("A module monitor listener failed on SYSTEM_OK", e);
            }
        }
    }

    private void fireModuleDown(String why) {
        for (ModuleMonitorListener l : listeners) {
            try {
                l.moduleDown(why);
            } catch (RuntimeException e) {
                LOG.error("A module monitor listener failed on MODULE_DOWN", e);
            }
        }
    }

    private void fireRestartingTooOften(String why) {
        for (ModuleMonitorListener l : listeners) {
            try {
                l.moduleRestartingTooOften(why);
            } catch (RuntimeException e) {
                LOG.error("A module monitor listener failed on MODULE_DOWN (restarts)", e);
            }
        }
    }

    private void refreshStatus() {
        Settings s = settings;
        long now = scheduler.nowMillis();
        Long last = restarts.lastIncarnation();
        status = String.format("%s monitor %s: connection %s, errors %d/%d, incarnation %s, restarts %d in %d s",
                s.moduleName(), running ? "running" : "stopped", link, errors, s.maxFailures(),
                last == null ? "none yet" : last.toString(), restarts.inWindow(now, s.restartsPeriodMillis()),
                s.restartsPeriodS());
    }

    /** Stand-in for a request that could not be sent. */
    private static final class DonePending implements PendingRequest {
        @Override
        public long requestId() {
            return -1L;
        }

        @Override
        public java.util.concurrent.CompletionStage<Response> response() {
            return java.util.concurrent.CompletableFuture.completedFuture(
                    Response.of(ResponseOutcome.CONNECTION_LOST, "not sent"));
        }

        @Override
        public void cancel() {
        }
    }
}
