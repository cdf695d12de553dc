package org.switchover.monitor.primary.internal;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.NodeIdentity;
import org.switchover.api.RoleConditions;
import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.log.Journal;
import org.switchover.api.monitor.ModuleMonitor;
import org.switchover.api.monitor.ModuleMonitorListener;
import org.switchover.api.monitor.ModuleTiming;
import org.switchover.api.monitor.PrimaryMonitor;
import org.switchover.api.monitor.SwitchoverEventSink;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.time.Scheduler;
import org.switchover.support.monitor.MonitorThread;

/**
 * The backup's primary monitor (spec section 5) as a DS component. It exists while the core registers the
 * {@link RoleConditions#MONITORING} condition: activation starts the pings and the module monitor, deactivation stops
 * them. The work is done by its parts on one scheduler thread ({@code switchover-primary-monitor-1}): the
 * {@link PingLoop}, the {@link Diagnosis} with its {@link NetworkChecks}, the pure {@link Determination}, the
 * {@link UnreachablePrimary} ping sets and the {@link ModuleMonitorSupervisor} (watchdog); public methods only post
 * work to that thread. ICMP probes run on the probe's own thread. The decisions where the reference is unclear are
 * in DECISIONS.md next to this bundle's POM.
 */
@Component(name = PrimaryMonitorComponent.PID, configurationPid = PrimaryMonitorComponent.PID,
        service = {PrimaryMonitor.class, ModuleMonitorListener.class})
@Designate(ocd = PrimaryMonitorComponent.Config.class)
public final class PrimaryMonitorComponent implements PrimaryMonitor, ModuleMonitorListener {

    /** Configuration PID (and component name). */
    public static final String PID = "org.switchover.monitor.primary";

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryMonitorComponent.class);

    /** Parameters of the primary monitor; the attribute names are the documented server-parameter names. */
    @ObjectClassDefinition(id = PID, name = "Switchover primary monitor",
            description = "The backup's pings of the primary's notifier and its network diagnosis.")
    public @interface Config {

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PRIMARY_MONITOR_PING_DELAY, min = "0", max = "300",
                description = "Ping delay (s): pause after a reply before the next notifier ping; 0 = half the "
                        + "module timeout (5 s with the default TS Timeout).")
        int switchover_primary_monitor_ping_delay() default 0;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PRIMARY_MONITOR_TIMEOUT, min = "0", max = "300",
                description = "Timeout (s): how long a notifier ping may take; 0 = half the module timeout.")
        int switchover_primary_monitor_timeout() default 0;

        @AttributeDefinition(name = "Switchover Primary Monitor Ping Delay Milliseconds", min = "0", max = "300000",
                description = "Ping delay (ms), a finer-grained form of Switchover Primary Monitor Ping Delay for"
                        + " sub-second profiles: 0 = not set (the seconds parameter decides).")
        int switchover_primary_monitor_ping_delay_ms() default 0;

        @AttributeDefinition(name = "Switchover Primary Monitor Timeout Milliseconds", min = "0", max = "300000",
                description = "Timeout (ms), a finer-grained form of Switchover Primary Monitor Timeout for"
                        + " sub-second profiles: 0 = not set (the seconds parameter decides).")
        int switchover_primary_monitor_timeout_ms() default 0;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PRIMARY_MONITOR_RETRY_COUNT, min = "1", max = "50",
                description = "Retry count: retry pings after an unsuccessful one before the diagnosis.")
        int switchover_primary_monitor_retry_count() default 2;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PRIMARY_MONITOR_RETRY_PING_DELAY, min = "0",
                max = "300", description = "Retry ping delay (s): pause before each retry ping.")
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

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_NETTEST_TIMEOUT, min = "1", max = "60",
                description = "NetTest timeout (s): wait for each echo reply (NetTest, gateway, primary).")
        int switchover_nettest_timeout() default 1;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_COUNT, min = "-1",
                max = "100", description = "Unreachable primary ping count (ping sets): -1 = never switch because "
                        + "the primary's machine is unreachable; 0-3 = 3 additional ping sets; more = that many.")
        int switchover_unreachable_primary_ping_count() default 0;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_DELAY, min = "1",
                max = "300", description = "Unreachable primary ping delay (s): pause between ping sets.")
        int switchover_unreachable_primary_ping_delay() default 10;
    }

    private final MonitorThread thread;
    private final NetworkProbe injectedProbe;
    private final GatewaySource gateways;
    private IcmpProbe ownProbe;
    private volatile PrimaryMonitorSettings settings = PrimaryMonitorSettings.DEFAULTS;
    private volatile boolean running;
    private volatile MonitorContext ctx;
    private volatile Reports reports;
    private volatile PingLoop loop;
    private volatile Diagnosis diagnosis;
    private volatile ModuleMonitorSupervisor supervisor;

    /** Runs the monitor: present while the core holds the monitoring condition. */
    @Reference(target = RoleConditions.MONITORING_FILTER)
    Condition monitoring;

    /** This node and its peer (the primary). */
    @Reference
    NodeIdentity identity;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Notifier notifier;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SwitchoverEventSink sink;

    private volatile ModuleMonitor moduleMonitor;

    /** Used by Declarative Services: owns a scheduler thread, the ICMP probe and the Linux routing table. */
    public PrimaryMonitorComponent() {
        this(null, null, new ProcNetRoute());
    }

    /**
     * @param scheduler the scheduler to run on (tests pass a virtual one); null to own a system one
     * @param probe the reachability probe; null for ICMP
     * @param gateways the gateway source
     */
    public PrimaryMonitorComponent(Scheduler scheduler, NetworkProbe probe, GatewaySource gateways) {
        this.thread = new MonitorThread(scheduler, "switchover-primary-monitor-1");
        this.injectedProbe = probe;
        this.gateways = gateways;
    }

    /** The monitoring condition is there: read the parameters, start pinging and start the module monitor. */
    @Activate
    public void activate(Map<String, Object> properties) {
        Scheduler s = thread.open();
        NetworkProbe p = injectedProbe;
        if (p == null) {
            ownProbe = new IcmpProbe();
            p = ownProbe;
        }
        MonitorContext c = new MonitorContext(s, new Journal(s, LOG), LOG, () -> settings, () -> notifier, identity,
                new MonitorContext.WorkToken());
        ModuleMonitor mm = moduleMonitor;
        settings = settings.withModule(mm == null ? ModuleTiming.DEFAULTS : mm.timing());
        reports = new Reports(c, () -> sink);
        supervisor = new ModuleMonitorSupervisor(c, () -> moduleMonitor);
        loop = new PingLoop(c, reports, supervisor, () -> diagnosis);
        diagnosis = new Diagnosis(c, reports, loop, supervisor, p, gateways);
        ctx = c;
        running = true;
        configure(properties, true);
        s.execute(loop::start);
    }

    @Modified
    public void modified(Map<String, Object> properties) {
        configure(properties, false);
    }

    /** The condition is gone (or the bundle stops): stop pinging and the module monitor; end the thread. */
    @Deactivate
    public void deactivate() {
        running = false;
        PingLoop l = loop;
        thread.close(l == null ? null : () -> l.halt("stopped"));
        if (ownProbe != null) {
            ownProbe.close();
            ownProbe = null;
        }
    }

    /** Reads the parameters; @Activate and @Modified both come here. */
    private synchronized void configure(Map<String, ?> props, boolean initial) {
        PrimaryMonitorSettings old = settings;
        apply(old, PrimaryMonitorSettings.from(new ConfigReader(Config.class, props, LOG::warn), old), initial);
    }

    private void apply(PrimaryMonitorSettings old, PrimaryMonitorSettings now, boolean initial) {
        settings = now;
        if (initial || !now.netTestA().equals(old.netTestA()) || !now.netTestB().equals(old.netTestB())) {
            LOG.info("NetTest A={}, NetTest B={}; NetTest address(es) used by this node ({})={}", now.netTestA(),
                    now.netTestB(), node(), netTests().isEmpty() ? "none" : String.join(", ", netTests()));
        }
        if (!now.equals(old)) {
            LOG.info("Primary monitor parameters: primary {}, ping delay {} ms, timeout {} ms, retry count {}, "
                    + "retry ping delay {} ms, gateway ping {}, NetTest timeout {} s, unreachable primary "
                    + "ping count {} (delay {} s)", primaryHost(), now.pingDelayMillis(), now.timeoutMillis(),
                    now.retryCount(), now.retryPingDelayMillis(), now.gatewayPing() ? "enabled" : "disabled",
                    now.netTestTimeoutS(), now.unreachableCount(), now.unreachableDelayS());
        }
        PingLoop l = loop;
        post(() -> l.applySettings(old, now));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindModuleMonitor(ModuleMonitor m) {
        moduleMonitor = m;
        if (loop != null) {
            timingChanged(m.timing());
            post(() -> supervisor.serveQueuedRestart(loop.mode()));
        }
    }

    void unbindModuleMonitor(ModuleMonitor m) {
        if (moduleMonitor == m) {
            moduleMonitor = null;
        }
    }

    // ------------------------------------------------------------------ API (any thread)

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void watchdogPoll() {
        post(() -> {
            supervisor.poll(loop.mode());
            loop.refresh();
        });
    }

    @Override
    public String statusLine() {
        Reports r = reports;
        return r == null ? "primary monitor not started" : r.line();
    }

    @Override
    public void systemOk(long incarnation) {
        post(() -> supervisor.eventSeen());
    }

    @Override
    public void moduleDown(String why) {
        post(() -> diagnosis.moduleDown(why, false));
    }

    /** The module answers but restarts too often: pinging it again proves nothing, so go to the checks directly. */
    @Override
    public void moduleRestartingTooOften(String why) {
        post(() -> diagnosis.moduleDown(why, true));
    }

    /** The module monitor's timeout or retry delay changed: the defaults and the watchdog period follow. */
    @Override
    public synchronized void timingChanged(ModuleTiming timing) {
        PrimaryMonitorSettings old = settings;
        if (loop == null) {
            settings = old.withModule(timing); // not active yet: activation logs and applies it
        } else if (!timing.equals(old.module())) {
            apply(old, old.withModule(timing), false);
        }
    }

    /** @return the monitor's recent decisions, oldest first. */
    public List<Journal.Entry> journal() {
        return ctx.journal().entries();
    }

    /** @return the parameters in force. */
    PrimaryMonitorSettings settings() {
        return settings;
    }

    /** @return this node's letter, from the node identity; while active */
    NodeId node() {
        return ctx.node();
    }

    /** @return the primary's machine as echoed by the diagnosis; while active */
    String primaryHost() {
        return ctx.primaryHost();
    }

    /** @return the NetTest addresses this node uses; while active */
    List<String> netTests() {
        return ctx.netTests();
    }

    private void post(Runnable work) {
        Scheduler s = thread.scheduler();
        if (s != null && loop != null) {
            s.execute(work);
        }
    }
}
