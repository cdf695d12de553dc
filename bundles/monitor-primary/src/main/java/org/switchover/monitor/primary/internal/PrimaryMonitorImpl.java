package org.switchover.monitor.primary.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.log.Journal;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.NodeId;
import org.switchover.api.ServerParameters;
import org.switchover.api.host.MonitoredModule;
import org.switchover.api.monitor.ModuleMonitor;
import org.switchover.api.monitor.ModuleMonitorListener;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.monitor.PrimaryMonitor;
import org.switchover.api.monitor.SwitchoverEventSink;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.api.time.SystemScheduler;

/**
 * The backup's primary monitor (spec section 5). Pings the notifier on the primary, handles the module monitor's
 * events, watches that the module monitor is alive, and when pings fail or the module is reported down works out
 * the state of the connections and of the network, then posts its determination to the state machine.
 *
 * <p>Everything happens on one scheduler thread ({@code switchover-primary-monitor-1}); public methods only post
 * work to it. ICMP probes run on the probe's own thread. The decisions where the reference is unclear are in
 * DECISIONS.md next to this bundle's POM.
 */
@Component(name = PrimaryMonitorImpl.PID,
        configurationPid = {PrimaryMonitorImpl.NODE_PID, PrimaryMonitorImpl.MODULE_PID, PrimaryMonitorImpl.PID},
        service = {PrimaryMonitor.class, ModuleMonitorListener.class})
// The metatype of this PID is designated by PrimaryMonitorMetatype: bnd accepts @Designate only on a single PID.
public final class PrimaryMonitorImpl implements PrimaryMonitor, ModuleMonitorListener {

    /** Configuration PID (and component name). */
    public static final String PID = "org.switchover.monitor.primary";
    /** Node identity PID. */
    public static final String NODE_PID = "org.switchover.node";
    /** Module monitor PID: the module timeout sets the defaults of the ping delay and timeout. */
    public static final String MODULE_PID = "org.switchover.monitor.module";

    /** Switch reason for the notifier, network and unreachable-primary determinations. */
    public static final String REASON_NOTIFIER = "Loss of Connection to Notifier";
    /** Switch reason for the module-down determination. */
    public static final String REASON_MODULE = "TS Ping Failure";

    /** Status vocabulary of the network checks, as operators know it from the logs. */
    public static final String GATEWAY_REACHED = "GatewayReached";
    public static final String GATEWAY_UNREACHABLE = "GatewayUnreachable";
    public static final String NETTEST_REACHED = "NetTestReached";
    public static final String NETTEST_UNREACHABLE = "NetTestUnreachable";
    public static final String NETTEST_UNAVAILABLE = "NetTestUnavailable";
    public static final String PRIMARY_REACHED = "PrimaryReached";
    public static final String PRIMARY_UNREACHABLE = "PrimaryUnreachable";
    /** Primary connection status of the module-down determination. */
    public static final String MONITORED_MODULE_DOWN = "monitored module down";

    /** Pings the module gets from this monitor before the module monitor's MODULE_DOWN is believed. */
    static final int MODULE_CONFIRMATION_PINGS = 2;
    /** ICMP echoes in one ping set to the primary's machine; the set stops at the first reply. */
    static final int ECHOES_PER_SET = 3;
    /** Extra wait after a request's or probe's own timeout before the monitor stops waiting for it. */
    static final long GUARD_MILLIS = 1000L;

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryMonitorImpl.class);

    /** Parameters of the primary monitor; the attribute names are the documented server-parameter names. */
    @ObjectClassDefinition(id = PID, name = "Switchover primary monitor",
            description = "The backup's pings of the primary's notifier and its network diagnosis.")
    public @interface Config {

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PRIMARY_MONITOR_PING_DELAY,
                description = "Ping delay (s), 0-300: pause after a reply before the next notifier ping; "
                        + "0 = half the module timeout (5 s with the default TS Timeout).")
        int switchover_primary_monitor_ping_delay() default 0;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PRIMARY_MONITOR_TIMEOUT,
                description = "Timeout (s), 0-300: how long a notifier ping may take; 0 = half the module timeout.")
        int switchover_primary_monitor_timeout() default 0;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PRIMARY_MONITOR_RETRY_COUNT,
                description = "Retry count, 1-50: retry pings after an unsuccessful one before the diagnosis.")
        int switchover_primary_monitor_retry_count() default 2;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PRIMARY_MONITOR_RETRY_PING_DELAY,
                description = "Retry ping delay (s), 0-300: pause before each retry ping.")
        int switchover_primary_monitor_retry_ping_delay() default 0;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_DISABLE_GATEWAY_PING,
                description = "Disable gateway ping (Yes/No, 1/0): No enables pinging this machine's gateways as "
                        + "the first network check. Disabled by default: many gateways do not answer pings.")
        String switchover_disable_gateway_ping() default "Yes";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_NETTEST_A,
                description = "NetTest A (host or address; several separated by ';' or ','): pinged by node A "
                        + "when it is the backup. Empty = none.")
        String switchover_nettest_a() default "";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_NETTEST_B,
                description = "NetTest B (host or address; several separated by ';' or ','): pinged by node B "
                        + "when it is the backup. Empty = none.")
        String switchover_nettest_b() default "";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_NETTEST_TIMEOUT,
                description = "NetTest timeout (s), 1-60: wait for each echo reply (NetTest, gateway, primary).")
        int switchover_nettest_timeout() default 1;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_COUNT,
                description = "Unreachable primary ping count (ping sets), -1-100: -1 = never switch because the "
                        + "primary's machine is unreachable; 0-3 = 3 additional ping sets; more = that many.")
        int switchover_unreachable_primary_ping_count() default 0;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_DELAY,
                description = "Unreachable primary ping delay (s), 1-300: pause between ping sets.")
        int switchover_unreachable_primary_ping_delay() default 10;
    }

    /** Keys this component reads from the node and module-monitor PIDs, with their defaults. */
    @interface Shared {
        String node() default "";

        String switchover_server_a() default "localhost";

        String switchover_server_b() default "localhost";

        String server_a_address() default "";

        String server_b_address() default "";

        String switchover_monitoring() default "TsServer";

        int switchover_ts_timeout() default 10;

        int switchover_ip_timeout() default 10;

        int switchover_ts_failure_retry_delay() default 1;

        int switchover_ip_retry_delay() default 1;

        int switchover_max_ts_failures() default 2;
    }

    private enum Mode {
        /** Not started. */
        STOPPED,
        /** Pinging normally. */
        WATCHING,
        /** Retry pings after an unsuccessful one. */
        RETRYING,
        /** Checking connections and network; the ping loop waits. */
        DIAGNOSING,
        /** A connection problem was posted: module monitor stopped, watchdog suspended, pinging until restored. */
        TROUBLE
    }

    /** Local network evidence from the gateway and NetTest checks. */
    private enum Local { GOOD, BAD, UNKNOWN }

    /** The result of the network checks. */
    private record Network(List<String> statuses, Local local, boolean primaryReachable, String primaryAddress) {
    }

    /** The two connections as the notifier reports them. */
    private record Connections(boolean main, boolean aux) {
        boolean both() {
            return main && aux;
        }

        String describe() {
            if (main && aux) {
                return "both connections are up";
            }
            if (main) {
                return "main connection up, auxiliary down";
            }
            if (aux) {
                return "auxiliary connection up, main down";
            }
            return "both connections are down";
        }
    }

    /** A notifier request in flight. */
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
    private final NetworkProbe injectedProbe;
    private final GatewaySource gatewaySource;
    private volatile Scheduler scheduler;
    private SystemScheduler own;
    private IcmpProbe ownProbe;
    private volatile NetworkProbe probe;
    private volatile Journal journal;
    private volatile PrimarySettings settings = PrimarySettings.DEFAULTS;
    private volatile Notifier notifier;
    private volatile ModuleMonitor moduleMonitor;
    private volatile SwitchoverEventSink sink;
    private volatile boolean wanted;
    private volatile String status = "primary monitor not started";

    // --- state below is touched only on the scheduler thread ---
    private Mode mode = Mode.STOPPED;
    private long generation;
    private int retries;
    private Cancellable tick;
    private Inflight inflight;
    private long requestSeq;
    /** Identifies the current diagnosis or ping-set sequence; continuations of older ones are dropped. */
    private long work;
    private boolean restartModuleMonitorRequested;
    private boolean trackingSuspended;
    private long lastModuleEventAt;
    private Cancellable setTimer;
    private int setsDone;
    private boolean warnedNoNotifier;
    private String connectionStatus = "unknown";
    private String networkStatus = "not checked yet";
    private String primaryConnectionStatus = "not determined yet";
    private String lastReport = "none";

    /** Used by Declarative Services: owns a scheduler thread, the ICMP probe and the Linux routing table. */
    public PrimaryMonitorImpl() {
        this(null, null, new ProcNetRoute());
    }

    /**
     * @param scheduler the scheduler to run on (tests pass a VirtualScheduler); null to own a system one
     * @param probe the reachability probe; null for ICMP
     * @param gateways the gateway source
     */
    public PrimaryMonitorImpl(Scheduler scheduler, NetworkProbe probe, GatewaySource gateways) {
        this.injected = scheduler;
        this.injectedProbe = probe;
        this.gatewaySource = gateways;
    }

    @Activate
    public void activate(Map<String, Object> properties) {
        Scheduler s = injected;
        if (s == null) {
            own = new SystemScheduler("switchover-primary-monitor-1");
            s = own;
        }
        NetworkProbe p = injectedProbe;
        if (p == null) {
            ownProbe = new IcmpProbe();
            p = ownProbe;
        }
        probe = p;
        journal = new Journal(s, LOG);
        scheduler = s;
        configure(properties);
        s.execute(this::refreshStatus);
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
                stopped.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            own.shutdown();
            own = null;
        }
        if (ownProbe != null) {
            ownProbe.close();
            ownProbe = null;
        }
    }

    /** Reads the parameters; @Activate and @Modified both come here. */
    void configure(Map<String, ?> props) {
        PrimarySettings old = settings;
        PrimarySettings now = readSettings(props, old);
        settings = now;
        if (!now.netTestA().equals(old.netTestA()) || !now.netTestB().equals(old.netTestB())
                || now.node() != old.node() || journalMissing()) {
            LOG.info("NetTest A={}, NetTest B={}; NetTest address(es) used by this node ({})={}",
                    now.netTestA(), now.netTestB(), now.node() == null ? "unknown" : now.node(),
                    now.netTests().isEmpty() ? "none" : String.join(", ", now.netTests()));
        }
        if (!now.equals(old)) {
            LOG.info("Primary monitor parameters: primary {}, ping delay {} ms, timeout {} ms, retry count {}, "
                    + "retry ping delay {} ms, gateway ping {}, NetTest timeout {} s, unreachable primary "
                    + "ping count {} (delay {} s)", now.primaryHost(), now.pingDelayMillis(), now.timeoutMillis(),
                    now.retryCount(), now.retryPingDelayMillis(), now.gatewayPing() ? "enabled" : "disabled",
                    now.netTestTimeoutS(), now.unreachableCount(), now.unreachableDelayS());
        }
        Scheduler s = scheduler;
        if (s != null) {
            s.execute(() -> applySettings(old, now));
        }
    }

    private boolean journalMissing() {
        return journal == null;
    }

    private static PrimarySettings readSettings(Map<String, ?> props, PrimarySettings previous) {
        ConfigReader p = new ConfigReader(Config.class, props, LOG::warn);
        // The owners of the node and module-monitor PIDs report malformed values there; here they are quiet.
        ConfigReader shared = new ConfigReader(Shared.class, props, w -> { });
        NodeId node = previous.node();
        String nodeText = shared.text("node");
        if (!nodeText.isEmpty()) {
            try {
                node = NodeId.parse(nodeText);
            } catch (IllegalArgumentException e) {
                LOG.warn("Property 'node': {}; keeping {}", e.getMessage(), node == null ? "none" : node);
            }
        }
        String primaryHost = previous.primaryHost();
        if (node == null) {
            LOG.warn("Property 'node' (A or B) is not set: the primary's address and this node's NetTest are "
                    + "unknown");
        } else {
            NodeId peer = node.peer();
            String lower = peer.name().toLowerCase();
            String address = shared.text("server_" + lower + "_address");
            primaryHost = address.isEmpty() ? shared.text("switchover_server_" + lower) : address;
        }
        String module = shared.text("switchover_monitoring").equalsIgnoreCase(MonitoredModule.IP)
                ? MonitoredModule.IP : MonitoredModule.TS_SERVER;
        boolean ip = MonitoredModule.IP.equals(module);
        long moduleTimeout = 1000L * shared.integer(ip ? "switchover_ip_timeout" : "switchover_ts_timeout", "",
                (int) (previous.moduleTimeoutMillis() / 1000), 5, 60);
        long moduleRetry = 1000L * shared.integer(ip ? "switchover_ip_retry_delay"
                : "switchover_ts_failure_retry_delay", "", (int) (previous.moduleRetryDelayMillis() / 1000), 1, 300);
        int moduleMax = shared.integer("switchover_max_ts_failures", "", previous.moduleMaxFailures(), 1, 100);

        boolean disableGateway = p.bool("switchover_disable_gateway_ping",
                ServerParameters.SWITCHOVER_DISABLE_GATEWAY_PING, !previous.gatewayPing());
        return new PrimarySettings(node, primaryHost, module, moduleTimeout, moduleRetry, moduleMax,
                p.integer("switchover_primary_monitor_ping_delay",
                        ServerParameters.SWITCHOVER_PRIMARY_MONITOR_PING_DELAY, previous.pingDelayS(), 0, 300),
                p.integer("switchover_primary_monitor_timeout", ServerParameters.SWITCHOVER_PRIMARY_MONITOR_TIMEOUT,
                        previous.timeoutS(), 0, 300),
                p.integer("switchover_primary_monitor_retry_count",
                        ServerParameters.SWITCHOVER_PRIMARY_MONITOR_RETRY_COUNT, previous.retryCount(), 1, 50),
                p.integer("switchover_primary_monitor_retry_ping_delay",
                        ServerParameters.SWITCHOVER_PRIMARY_MONITOR_RETRY_PING_DELAY, previous.retryPingDelayS(),
                        0, 300),
                !disableGateway,
                addresses(p.text("switchover_nettest_a")),
                addresses(p.text("switchover_nettest_b")),
                p.integer("switchover_nettest_timeout", ServerParameters.SWITCHOVER_NETTEST_TIMEOUT,
                        previous.netTestTimeoutS(), 1, 60),
                p.integer("switchover_unreachable_primary_ping_count",
                        ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_COUNT, previous.unreachableCount(),
                        -1, 100),
                p.integer("switchover_unreachable_primary_ping_delay",
                        ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_DELAY, previous.unreachableDelayS(),
                        1, 300));
    }

    private static List<String> addresses(String text) {
        return Arrays.stream(text.split("[;,\\s]+")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    // ------------------------------------------------------------------ references

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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setModuleMonitor(ModuleMonitor m) {
        moduleMonitor = m;
        Scheduler s = scheduler;
        if (s != null) {
            s.execute(this::serveModuleMonitorRestart);
        }
    }

    public void unsetModuleMonitor(ModuleMonitor m) {
        if (moduleMonitor == m) {
            moduleMonitor = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setSink(SwitchoverEventSink s) {
        sink = s;
    }

    public void unsetSink(SwitchoverEventSink s) {
        if (sink == s) {
            sink = null;
        }
    }

    // ------------------------------------------------------------------ API (any thread)

    @Override
    public void start() {
        wanted = true;
        scheduler.execute(() -> {
            if (mode != Mode.STOPPED) {
                return;
            }
            generation++;
            work++;
            mode = Mode.WATCHING;
            retries = 0;
            trackingSuspended = false;
            lastModuleEventAt = scheduler.nowMillis();
            PrimarySettings s = settings;
            journal.info("Primary monitor started: pinging the notifier on the primary ({}) every {} ms, "
                    + "timeout {} ms, {} retry ping(s)", s.primaryHost(), s.pingDelayMillis(), s.timeoutMillis(),
                    s.retryCount());
            startModuleMonitor();
            sendPing();
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
    public void watchdogPoll() {
        Scheduler s = scheduler;
        if (s != null) {
            s.execute(this::onWatchdogPoll);
        }
    }

    @Override
    public String statusLine() {
        return status;
    }

    @Override
    public void systemOk(long incarnation) {
        scheduler.execute(() -> {
            lastModuleEventAt = scheduler.nowMillis();
        });
    }

    @Override
    public void moduleDown(String why) {
        scheduler.execute(() -> onModuleDown(why, false));
    }

    /** The module answers but restarts too often: pinging it again proves nothing, so go to the checks directly. */
    @Override
    public void moduleRestartingTooOften(String why) {
        scheduler.execute(() -> onModuleDown(why, true));
    }

    /** @return the monitor's recent decisions, oldest first. */
    public List<Journal.Entry> journal() {
        return journal.entries();
    }

    /** @return the parameters in force. */
    PrimarySettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ scheduler thread only

    private void halt(String why) {
        if (mode == Mode.STOPPED) {
            return;
        }
        mode = Mode.STOPPED;
        generation++;
        work++;
        cancelTick();
        cancelSets();
        if (inflight != null) {
            inflight.guard.cancel();
            inflight.request.cancel();
            inflight = null;
        }
        stopModuleMonitor();
        journal.info("Primary monitor {}", why);
        refreshStatus();
    }

    private void applySettings(PrimarySettings old, PrimarySettings now) {
        if (mode != Mode.STOPPED && tick != null && old.pingDelayMillis() != now.pingDelayMillis()
                && (mode == Mode.WATCHING || mode == Mode.TROUBLE) && retries == 0) {
            scheduleTick(now.pingDelayMillis());
            journal.info("Primary monitor ping delay changed to {} ms", now.pingDelayMillis());
        }
        refreshStatus();
    }

    private void cancelTick() {
        if (tick != null) {
            tick.cancel();
            tick = null;
        }
    }

    private void scheduleTick(long delayMillis) {
        cancelTick();
        tick = scheduler.schedule(this::sendPing, delayMillis);
    }

    private void cancelSets() {
        if (setTimer != null) {
            setTimer.cancel();
            setTimer = null;
        }
    }

    // ---- notifier ping loop (section 5.3)

    private void sendPing() {
        tick = null;
        if (mode == Mode.STOPPED || mode == Mode.DIAGNOSING) {
            return;
        }
        // The ping scheduler also serves queued requests to restart the module monitor (section 5.3).
        serveModuleMonitorRestart();
        PrimarySettings s = settings;
        Notifier n = notifier;
        if (n == null) {
            // A missing local notifier says nothing about the primary: wait for it, count nothing.
            if (!warnedNoNotifier) {
                journal.warn("No notifier service: cannot ping the primary; trying again every {} ms",
                        s.pingDelayMillis());
                warnedNoNotifier = true;
            }
            scheduleTick(s.pingDelayMillis());
            return;
        }
        warnedNoNotifier = false;
        Connections c = connections();
        Link link = c.main() || !c.aux() ? Link.MAIN : Link.AUX;
        send(n, link, EventIds.NOTIFIER_PING, s.timeoutMillis(), this::onPingOutcome);
    }

    /** Sends one request; {@code then} gets exactly one outcome on this thread unless the monitor moved on. */
    private void send(Notifier n, Link link, String eventId, long timeoutMillis, OutcomeHandler then) {
        long id = ++requestSeq;
        long gen = generation;
        PendingRequest request;
        try {
            request = n.send(link, "*", eventId, new byte[0], Duration.ofMillis(timeoutMillis));
        } catch (RuntimeException e) {
            LOG.warn("Sending '{}' over {} failed", eventId, link, e);
            Response lost = Response.of(ResponseOutcome.CONNECTION_LOST, "send failed: " + e);
            inflight = new Inflight(id, link, new Unsent(lost));
            scheduler.execute(() -> deliver(gen, id, lost, false, then));
            return;
        }
        Inflight f = new Inflight(id, link, request);
        inflight = f;
        f.guard = scheduler.schedule(() -> deliver(gen, id, Response.of(ResponseOutcome.TIMEOUT,
                "the notifier reported no outcome within the timeout"), true, then), timeoutMillis + GUARD_MILLIS);
        request.response().whenComplete((r, ex) -> {
            Response resp = r != null ? r : Response.of(ResponseOutcome.CONNECTION_LOST, String.valueOf(ex));
            scheduler.execute(() -> deliver(gen, id, resp, false, then));
        });
    }

    @FunctionalInterface
    private interface OutcomeHandler {
        void handle(Link link, Response response);
    }

    private void deliver(long gen, long id, Response response, boolean guardFired, OutcomeHandler then) {
        Inflight f = inflight;
        if (gen != generation || f == null || f.id != id) {
            return;
        }
        inflight = null;
        f.guard.cancel();
        if (guardFired) {
            f.request.cancel();
        }
        then.handle(f.link, response);
        refreshStatus();
    }

    private void onPingOutcome(Link link, Response r) {
        if (mode == Mode.DIAGNOSING || mode == Mode.STOPPED) {
            return;
        }
        PrimarySettings s = settings;
        String detail = detail(r);
        switch (r.outcome()) {
            case REPLY -> onPingReply(link);
            case TIMEOUT -> onPingFailure(link, "got no reply within " + s.timeoutMillis() + " ms" + detail);
            case REJECTED -> onPingFailure(link, "was rejected" + detail);
            case CONNECTION_LOST -> {
                if (linkUp(Link.MAIN)) {
                    // Main is up: the auxiliary dropped or main blipped and is back. A normal ping follows.
                    journal.info("Notifier ping over {} lost its connection{} but the main connection is up; "
                            + "next ping in {} ms", link, detail, s.pingDelayMillis());
                    scheduleTick(s.pingDelayMillis());
                } else {
                    onPingFailure(link, "lost its connection" + detail);
                }
            }
            case CANCELLED -> {
                // Ours are ignored by generation; one the notifier cancelled must not end the loop.
                journal.info("Notifier ping over {} was cancelled by the notifier; next ping in {} ms", link,
                        s.pingDelayMillis());
                scheduleTick(s.pingDelayMillis());
            }
            default -> throw new IllegalStateException("unknown outcome " + r.outcome());
        }
    }

    private void onPingReply(Link link) {
        PrimarySettings s = settings;
        if (mode == Mode.TROUBLE) {
            Connections c = connections();
            if (c.both()) {
                journal.info("The notifier on the primary answers over {} and {}: connections restored", link,
                        c.describe());
                leaveTrouble();
                post(MonitorSignal.CONNECTIONS_RESTORED, "Connections restored",
                        "the notifier on the primary answers and " + c.describe());
            } else {
                journal.debug("The notifier on the primary answers over {} but {}; still waiting", link,
                        c.describe());
            }
            scheduleTick(s.pingDelayMillis());
            return;
        }
        if (retries > 0) {
            journal.info("The notifier on the primary answers again over {} after {} retry ping(s)", link,
                    retries);
        }
        retries = 0;
        mode = Mode.WATCHING;
        scheduleTick(s.pingDelayMillis());
    }

    private void onPingFailure(Link link, String what) {
        PrimarySettings s = settings;
        if (mode == Mode.TROUBLE) {
            journal.debug("Notifier ping over {} {} (connections not restored yet)", link, what);
            scheduleTick(s.pingDelayMillis());
            return;
        }
        if (retries < s.retryCount()) {
            retries++;
            mode = Mode.RETRYING;
            journal.warn("Notifier ping over {} {}; retry ping {} of {} in {} ms", link, what, retries,
                    s.retryCount(), s.retryPingDelayMillis());
            scheduleTick(s.retryPingDelayMillis());
            return;
        }
        journal.warn("Notifier ping over {} {}; no reply after {} retry ping(s): checking connections and "
                + "network", link, what, retries);
        retries = 0;
        // Section 5.5.7: no module-monitor verdict while the connections are being analysed.
        stopModuleMonitor();
        diagnose("the notifier on the primary did not answer");
    }

    // ---- module monitor events and watchdog (sections 5.4, 5.5.6)

    private void onModuleDown(String why, boolean restarting) {
        lastModuleEventAt = scheduler.nowMillis();
        if (mode != Mode.WATCHING) {
            journal.info("Module monitor reports the module down ({}) while the primary monitor is {}; {}", why,
                    mode.name().toLowerCase(), mode == Mode.STOPPED ? "ignored" : "the connection analysis decides");
            return;
        }
        PrimarySettings s = settings;
        Connections c = connections();
        journal.warn("Module monitor reports the {} module not responding ({}); {}", s.moduleName(), why,
                c.describe());
        mode = Mode.DIAGNOSING;
        cancelTick();
        if (inflight != null) {
            inflight.guard.cancel();
            inflight.request.cancel();
            inflight = null;
        }
        long token = ++work;
        if (restarting) {
            journal.info("The {} module restarts too often; its answers prove nothing: checking connections",
                    s.moduleName());
            moduleNotConfirmed(token, why);
        } else {
            journal.info("Sending up to {} ping(s) to the {} module over the main connection",
                    MODULE_CONFIRMATION_PINGS, s.moduleName());
            confirmModule(token, 1, why);
        }
        refreshStatus();
    }

    private void confirmModule(long token, int n, String why) {
        PrimarySettings s = settings;
        Notifier no = notifier;
        if (no == null) {
            journal.warn("No notifier service: cannot ping the {} module", s.moduleName());
            moduleNotConfirmed(token, why);
            return;
        }
        send(no, Link.MAIN, EventIds.MODULE_PING, s.timeoutMillis(), (link, r) -> {
            if (token != work) {
                return;
            }
            if (r.isReply() && r.payload() != null && r.payload().length == Long.BYTES) {
                long id = ByteBuffer.wrap(r.payload()).getLong();
                journal.info("The {} module answered ping {} (incarnation {}): the module is up, no error; "
                        + "restarting the module monitor", s.moduleName(), n, id);
                restartModuleMonitor();
                mode = Mode.WATCHING;
                scheduleTick(settings.pingDelayMillis());
                post(MonitorSignal.MODULE_UP, "Module answers again",
                        "the " + s.moduleName() + " module answered the primary monitor's ping " + n);
            } else if (n < MODULE_CONFIRMATION_PINGS) {
                confirmModule(token, n + 1, why);
            } else {
                journal.warn("No reply from the {} module after {} ping(s) over the main connection ({}); "
                        + "checking connections", s.moduleName(), n, r.outcome());
                moduleNotConfirmed(token, why);
            }
        });
    }

    private void moduleNotConfirmed(long token, String why) {
        checkNetwork(token, net -> determine(true, connections(), net, why));
    }

    private void onWatchdogPoll() {
        if (mode == Mode.STOPPED) {
            return;
        }
        if (trackingSuspended || (mode != Mode.WATCHING && mode != Mode.RETRYING)) {
            journal.debug("Watchdog poll: module monitor tracking suspended ({})", mode.name().toLowerCase());
            return;
        }
        ModuleMonitor mm = moduleMonitor;
        long now = scheduler.nowMillis();
        if (mm == null) {
            restartModuleMonitorRequested = true;
            journal.warn("Watchdog poll: no module monitor service; it will be started when it appears");
            return;
        }
        long silent = now - lastModuleEventAt;
        long max = settings.watchdogMaxMillis();
        if (!mm.isRunning()) {
            journal.warn("Watchdog poll: the module monitor is not running; starting it");
            mm.start();
            lastModuleEventAt = now;
        } else if (silent > max) {
            journal.warn("Watchdog poll: no module monitor event for {} ms (maximum {} ms); restarting the module "
                    + "monitor", silent, max);
            restartModuleMonitor();
            lastModuleEventAt = now;
        } else {
            journal.debug("Watchdog poll: last module monitor event {} ms ago (maximum {} ms)", silent, max);
        }
        refreshStatus();
    }

    private void startModuleMonitor() {
        ModuleMonitor mm = moduleMonitor;
        if (mm == null) {
            restartModuleMonitorRequested = true;
            journal.info("No module monitor service yet; it will be started when it appears");
            return;
        }
        restartModuleMonitorRequested = false;
        mm.start();
    }

    private void stopModuleMonitor() {
        restartModuleMonitorRequested = false;
        ModuleMonitor mm = moduleMonitor;
        if (mm != null && mm.isRunning()) {
            mm.stop();
            journal.info("Module monitor stopped");
        }
    }

    private void restartModuleMonitor() {
        ModuleMonitor mm = moduleMonitor;
        if (mm == null) {
            restartModuleMonitorRequested = true;
            return;
        }
        restartModuleMonitorRequested = false;
        mm.stop();
        mm.start();
        lastModuleEventAt = scheduler.nowMillis();
    }

    private void serveModuleMonitorRestart() {
        if (restartModuleMonitorRequested && (mode == Mode.WATCHING || mode == Mode.RETRYING)
                && moduleMonitor != null) {
            journal.info("Serving the queued request to restart the module monitor");
            restartModuleMonitor();
        }
    }

    // ---- diagnosis (section 5.5)

    /** The ping path of section 5.5: connection check, network checks, determination. */
    private void diagnose(String trigger) {
        mode = Mode.DIAGNOSING;
        cancelTick();
        long token = ++work;
        Connections c = connections();
        journal.info("Connection check: {}", c.describe());
        checkNetwork(token, net -> determine(false, connections(), net, trigger));
        refreshStatus();
    }

    /** Gateway, then NetTest, then the primary's address (the reference's log order), every check each time. */
    private void checkNetwork(long token, Consumer<Network> then) {
        List<String> statuses = new ArrayList<>();
        checkGateways(token, statuses, () -> checkNetTests(token, statuses, () -> checkPrimary(token, statuses,
                then)));
    }

    private void checkGateways(long token, List<String> statuses, Runnable next) {
        PrimarySettings s = settings;
        if (!s.gatewayPing()) {
            journal.debug("Gateway ping disabled ({}); gateway check skipped",
                    ServerParameters.SWITCHOVER_DISABLE_GATEWAY_PING);
            next.run();
            return;
        }
        List<String> gateways = gatewaySource.gateways();
        if (gateways.isEmpty()) {
            journal.info("No gateway address in the routing table; gateway check skipped");
            next.run();
            return;
        }
        pingEach(token, gateways, 0, s.netTestTimeoutMillis(), result -> {
            if (result.reached()) {
                journal.info("Pinged local gateway address [{}]: network connection status '{}'",
                        result.address(), GATEWAY_REACHED);
                statuses.add(GATEWAY_REACHED);
            } else {
                journal.warn("No local gateway answered ({}): network connection status '{}'",
                        String.join(", ", gateways), GATEWAY_UNREACHABLE);
                statuses.add(GATEWAY_UNREACHABLE);
            }
            next.run();
        });
    }

    private void checkNetTests(long token, List<String> statuses, Runnable next) {
        PrimarySettings s = settings;
        List<String> tests = s.netTests();
        if (tests.isEmpty()) {
            journal.info("No NetTest address configured for node {}: network connection status '{}'",
                    s.node() == null ? "?" : s.node(), NETTEST_UNAVAILABLE);
            statuses.add(NETTEST_UNAVAILABLE);
            next.run();
            return;
        }
        pingEach(token, tests, 0, s.netTestTimeoutMillis(), result -> {
            if (result.reached()) {
                journal.info("Pinged NetTest address [{}]: network connection status '{}'", result.address(),
                        NETTEST_REACHED);
                statuses.add(NETTEST_REACHED);
            } else {
                journal.warn("No NetTest address answered ({}): network connection status '{}'",
                        String.join(", ", tests), NETTEST_UNREACHABLE);
                statuses.add(NETTEST_UNREACHABLE);
            }
            next.run();
        });
    }

    private void checkPrimary(long token, List<String> statuses, Consumer<Network> then) {
        PrimarySettings s = settings;
        // One plain echo here; the longer ping sets are for a primary already found unreachable (section 5.5.5).
        pingTimes(token, s.primaryHost(), 1, result -> {
            if (result.reached()) {
                journal.info("Pinged the primary's address [{}]: network connection status '{}'",
                        result.address(), PRIMARY_REACHED);
                statuses.add(PRIMARY_REACHED);
            } else {
                journal.warn("The primary's address [{}] does not answer ({}): network connection status '{}'",
                        result.address(), result.detail(), PRIMARY_UNREACHABLE);
                statuses.add(PRIMARY_UNREACHABLE);
            }
            Local local = statuses.contains(GATEWAY_UNREACHABLE) || statuses.contains(NETTEST_UNREACHABLE)
                    ? Local.BAD
                    : statuses.contains(GATEWAY_REACHED) || statuses.contains(NETTEST_REACHED) ? Local.GOOD
                    : Local.UNKNOWN;
            networkStatus = String.join(", ", statuses);
            then.accept(new Network(List.copyOf(statuses), local, result.reached(), result.address()));
        });
    }

    /** Up to {@code times} echoes to one host, stopping at the first reply. */
    private void pingTimes(long token, String host, int times, Consumer<NetworkProbe.Result> then) {
        if (host == null || host.isBlank()) {
            then.accept(new NetworkProbe.Result(false, "?", "no address known for the primary"));
            return;
        }
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            hosts.add(host);
        }
        pingEach(token, hosts, 0, settings.netTestTimeoutMillis(), then);
    }

    /** Probes hosts in order until one answers; {@code then} gets the answering or the last result. */
    private void pingEach(long token, List<String> hosts, int i, int timeoutMillis,
                          Consumer<NetworkProbe.Result> then) {
        probeOnce(token, hosts.get(i), timeoutMillis, r -> {
            if (r.reached() || i + 1 >= hosts.size()) {
                then.accept(r);
            } else {
                pingEach(token, hosts, i + 1, timeoutMillis, then);
            }
        });
    }

    private void probeOnce(long token, String host, int timeoutMillis, Consumer<NetworkProbe.Result> then) {
        boolean[] done = {false};
        Cancellable guard = scheduler.schedule(() -> {
            if (!done[0]) {
                done[0] = true;
                if (token == work) {
                    then.accept(new NetworkProbe.Result(false, host, "no probe result in time"));
                    refreshStatus();
                }
            }
        }, timeoutMillis + GUARD_MILLIS);
        CompletionStage<NetworkProbe.Result> stage;
        try {
            stage = probe.ping(host, timeoutMillis);
        } catch (RuntimeException e) {
            stage = CompletableFuture.completedFuture(new NetworkProbe.Result(false, host, "probe failed: " + e));
        }
        stage.whenComplete((r, ex) -> scheduler.execute(() -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            guard.cancel();
            if (token != work) {
                return;
            }
            then.accept(r != null ? r : new NetworkProbe.Result(false, host, String.valueOf(ex)));
            refreshStatus();
        }));
    }

    /**
     * The determinations of section 5.5.3. Module path: both connections up, the local network not shown bad and
     * the primary's machine reachable means the module is down. Otherwise a connection problem: a reachable primary
     * means its notifier is down; an unreachable one is "primary unreachable" only when this node's own network was
     * shown good (gateway or NetTest reached), otherwise this node may be the one off the network.
     */
    private void determine(boolean modulePath, Connections c, Network net, String trigger) {
        PrimarySettings s = settings;
        connectionStatus = c.describe();
        String detail = "connections: " + c.describe() + "; network: " + String.join(", ", net.statuses())
                + "; trigger: " + trigger;
        if (modulePath && c.both() && net.primaryReachable() && net.local() != Local.BAD) {
            primaryConnectionStatus = MONITORED_MODULE_DOWN;
            journal.warn("The {} module does not answer while {} and the network is good: primary connection "
                    + "status '{}'", s.moduleName(), c.describe(), MONITORED_MODULE_DOWN);
            mode = Mode.WATCHING;
            scheduleTick(s.pingDelayMillis());
            post(MonitorSignal.MODULE_DOWN, REASON_MODULE, "primary connection status '" + MONITORED_MODULE_DOWN
                    + "' (" + s.moduleName() + "); " + detail);
            return;
        }
        MonitorSignal signal;
        if (net.primaryReachable()) {
            signal = MonitorSignal.NOTIFIER_DOWN;
            primaryConnectionStatus = "notifier down";
        } else if (net.local() == Local.GOOD) {
            signal = MonitorSignal.PRIMARY_UNREACHABLE;
            primaryConnectionStatus = "primary unreachable";
        } else {
            signal = MonitorSignal.NETWORK_DOWN;
            primaryConnectionStatus = "network down";
        }
        journal.warn("Connection problem ({}): primary connection status '{}'", detail, primaryConnectionStatus);
        enterTrouble();
        post(signal, REASON_NOTIFIER, "primary connection status '" + primaryConnectionStatus + "'; " + detail);
        if (signal == MonitorSignal.PRIMARY_UNREACHABLE) {
            startUnreachableSets();
        }
    }

    private void enterTrouble() {
        mode = Mode.TROUBLE;
        retries = 0;
        trackingSuspended = true;
        stopModuleMonitor();
        // Keep pinging so that restored connections are noticed; no new diagnosis until then.
        scheduleTick(settings.pingDelayMillis());
    }

    private void leaveTrouble() {
        mode = Mode.WATCHING;
        retries = 0;
        work++;
        cancelSets();
        trackingSuspended = false;
        primaryConnectionStatus = "connections restored";
        restartModuleMonitor();
    }

    // ---- unreachable primary (section 5.5.5)

    private void startUnreachableSets() {
        PrimarySettings s = settings;
        int planned = s.unreachableSets();
        if (planned < 0) {
            journal.info("{} is -1: the unreachable primary alone never causes a switch; the reconnect timer "
                    + "decides", ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_COUNT);
            return;
        }
        setsDone = 0;
        work++;
        journal.info("Primary unreachable: {} additional ping set(s), {} s apart", planned, s.unreachableDelayS());
        setTimer = scheduler.schedule(() -> runSet(work), s.unreachableDelayS() * 1000L);
    }

    private void runSet(long token) {
        setTimer = null;
        if (mode != Mode.TROUBLE || token != work) {
            return;
        }
        PrimarySettings s = settings;
        int planned = s.unreachableSets();
        setsDone++;
        pingTimes(token, s.primaryHost(), ECHOES_PER_SET, r -> {
            if (mode != Mode.TROUBLE) {
                return;
            }
            if (r.reached()) {
                journal.info("Ping set {} reached the primary's address [{}]: '{}'; its notifier is down",
                        setsDone, r.address(), PRIMARY_REACHED);
                networkStatus = networkStatus + ", " + PRIMARY_REACHED;
                primaryConnectionStatus = "notifier down";
                post(MonitorSignal.NOTIFIER_DOWN, REASON_NOTIFIER, "the primary's machine answered ping set "
                        + setsDone + " after being unreachable; its notifier does not answer");
            } else if (planned >= 0 && setsDone >= planned) {
                journal.warn("Primary's address [{}] still unreachable after {} additional ping set(s)",
                        r.address(), setsDone);
                post(MonitorSignal.PRIMARY_UNREACHABLE, REASON_NOTIFIER, "primary connection status 'primary "
                        + "unreachable'; no answer to " + setsDone + " additional ping set(s) " + s.unreachableDelayS()
                        + " s apart");
            } else if (planned >= 0) {
                journal.info("Ping set {} of {}: primary's address [{}] still unreachable; next set in {} s",
                        setsDone, planned, r.address(), s.unreachableDelayS());
                setTimer = scheduler.schedule(() -> runSet(token), s.unreachableDelayS() * 1000L);
            }
        });
    }

    // ---- helpers

    private Connections connections() {
        return new Connections(linkUp(Link.MAIN), linkUp(Link.AUX));
    }

    private boolean linkUp(Link l) {
        Notifier n = notifier;
        if (n == null) {
            return false;
        }
        try {
            LinkStatus st = n.status(l);
            return st != null && st.isActive();
        } catch (RuntimeException e) {
            LOG.warn("Could not read the status of the {} connection", l, e);
            return false;
        }
    }

    private void post(MonitorSignal signal, String reason, String detail) {
        MonitorReport report = new MonitorReport(signal, reason, detail);
        lastReport = signal + " (" + reason + ") at " + scheduler.nowMillis() + " ms";
        SwitchoverEventSink s = sink;
        if (s == null) {
            journal.warn("No state machine service: {} ({}) not delivered: {}", signal, reason, detail);
        } else {
            journal.info("Posting {} ({}): {}", signal, reason, detail);
            try {
                s.post(report);
            } catch (RuntimeException e) {
                LOG.error("The state machine refused {}", signal, e);
            }
        }
        refreshStatus();
    }

    private static String detail(Response r) {
        return r.detail() == null || r.detail().isEmpty() ? "" : " (" + r.detail() + ")";
    }

    private void refreshStatus() {
        PrimarySettings s = settings;
        Connections c = connections();
        if (mode != Mode.DIAGNOSING) {
            connectionStatus = c.describe();
        }
        status = String.format("primary monitor %s: %s; network status: %s; primary connection status: %s; "
                        + "retries %d/%d; last report: %s", mode.name().toLowerCase(), connectionStatus, networkStatus,
                primaryConnectionStatus, retries, s.retryCount(), lastReport);
    }

    /** Stand-in for a request that could not be sent. */
    private static final class Unsent implements PendingRequest {
        private final Response response;

        Unsent(Response response) {
            this.response = response;
        }

        @Override
        public long requestId() {
            return -1L;
        }

        @Override
        public CompletionStage<Response> response() {
            return CompletableFuture.completedFuture(response);
        }

        @Override
        public void cancel() {
        }
    }
}
