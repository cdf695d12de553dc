package org.switchover.core.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.ParameterRange;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverControl;
import org.switchover.api.warning.SwitchWarning;
import org.switchover.api.SwitchoverState;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.host.HostStartup;
import org.switchover.api.log.Journal;
import org.switchover.api.monitor.ModuleMonitor;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.PrimaryMonitor;
import org.switchover.api.monitor.SwitchoverEventSink;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.LinkStatusListener;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.time.SystemScheduler;

/**
 * The switchover core as a DS component: owns the state machine (on its own thread, {@code switchover-core-1}),
 * publishes {@link SwitchoverStatus}, {@link SwitchoverEventSink} and {@link SwitchoverControl}, answers the core's
 * notifier requests, listens to link changes, registers the role conditions, the Gogo commands and the loopback
 * control endpoint.
 */
@Component(name = CoreComponent.PID, configurationPid = {CoreComponent.NODE_PID, CoreComponent.PID},
        service = {SwitchoverStatus.class, SwitchoverEventSink.class, SwitchoverControl.class}, immediate = true)
public final class CoreComponent implements SwitchoverStatus, SwitchoverEventSink, SwitchoverControl {

    /** The core's configuration PID. */
    public static final String PID = "org.switchover.core";
    /** The node-identity PID shared with the other bundles. */
    public static final String NODE_PID = "org.switchover.node";

    /** System/framework property forcing backup mode (the runtime's command line). */
    public static final String PROP_FORCE_BACKUP = "switchover.forceBackup";
    /** System/framework property for manual mode (the runtime's command line). */
    public static final String PROP_MANUAL_SWITCH_ONLY = "switchover.manualSwitchOnly";

    private static final Logger LOG = LoggerFactory.getLogger(CoreComponent.class);
    private static final int DEFAULT_RECONNECT_TIMEOUT = 30;
    /** How long a manual switch through the control endpoint may take. */
    private static final long SWITCH_WAIT_MILLIS = 70_000L;
    /** How long a status request waits for the state machine to catch up (after a suspension: to ask its peer). */
    private static final long STATUS_WAIT_MILLIS = StateMachine.VERIFY_TIMEOUT_MILLIS + 500L;
    /** How long a shell line through the control endpoint may run (switchover:switch itself waits 60 s). */
    private static final long SHELL_WAIT_MILLIS = 75_000L;

    /** The core's parameters (PID {@code org.switchover.core}). */
    @ObjectClassDefinition(pid = PID, name = "Switchover Core",
            description = "State machine, role negotiation, epochs and manual switch")
    public @interface Config {

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_RECONNECT_TIMEOUT, min = "0",
                description = "Reconnect timeout (s): how long a backup that lost the primary tries to reconnect"
                        + " before it switches; 0 = switch at once. No maximum.")
        int switchover_reconnect_timeout() default DEFAULT_RECONNECT_TIMEOUT;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_RECONNECT_DELAY, required = false,
                description = "Obsolete former name of Switchover Reconnect Timeout (s); used only while"
                        + " switchover.reconnect.timeout is at its default")
        String switchover_reconnect_delay() default "";

        @AttributeDefinition(name = "Manual Switch Only",
                description = "Manual mode (true/false): no primary or module monitoring and no automatic switch;"
                        + " a manual switch still works. Also set by the system property"
                        + " switchover.manualSwitchOnly=true.")
        boolean manual_switch_only() default false;

        @AttributeDefinition(name = "Force Backup",
                description = "Start as backup (true/false) whatever the peer says; no automatic switch until a"
                        + " primary has been seen. Also set by the system property switchover.forceBackup=true."
                        + " Applies at the next negotiation.")
        boolean force_backup() default false;

        @AttributeDefinition(name = "Switchover Reconnect Max Attempts", min = "0", max = "1000",
                description = "Reconnect attempts (count) per connection after which a reconnecting backup switches"
                        + " without waiting for the timer; 0 = no limit (the reconnect timeout decides)")
        int switchover_reconnect_max_attempts() default 0;

        @AttributeDefinition(name = "NetTest Unreachable Halts",
                description = "Legacy NetTest rule (true/false): a backup whose diagnosis says NetTestUnreachable"
                        + " assumes a WAN failure, does not switch and halts")
        boolean nettest_unreachable_halts() default true;

        @AttributeDefinition(name = "Negotiation Timeout", min = "200", max = "60000",
                description = "Negotiation timeout (ms): how long the start-up state query of the peer may take")
        int negotiation_timeout_ms() default 10000;

        @AttributeDefinition(name = "Negotiation Retry Delay", min = "100", max = "60000",
                description = "Negotiation retry delay (ms) before asking a peer that is also starting again")
        int negotiation_retry_delay_ms() default 1000;

        @AttributeDefinition(name = "Negotiation Max Attempts", min = "1", max = "1000",
                description = "Negotiation attempts (count) while the peer is also starting, then fail-safe")
        int negotiation_max_attempts() default 10;

        @AttributeDefinition(name = "Maximum Startup Time", min = "0", max = "86400",
                description = "Maximum start-up time (s) for deciding the role; 0 = no limit")
        int startup_max_time() default 600;

        @AttributeDefinition(name = "Peer Query Interval", min = "1", max = "300",
                description = "Peer query interval (s): how often a primary checks that its peer is not primary too")
        int peer_query_interval() default 3;

        @AttributeDefinition(name = "Discontinue Retry Interval", min = "100", max = "60000",
                description = "Discontinue retry interval (ms): how often a new primary re-sends DISCONTINUE")
        int discontinue_retry_interval_ms() default 1000;

        @AttributeDefinition(name = "Discontinue Max Attempts", min = "1", max = "100000",
                description = "Discontinue attempts (count) before the new primary relies on the peer query alone")
        int discontinue_max_attempts() default 600;

        @AttributeDefinition(name = "Watchdog Poll Interval", min = "1", max = "300",
                description = "Watchdog poll interval (s) of the primary monitor while Backup")
        int watchdog_poll_interval() default 5;

        @AttributeDefinition(name = "Reconnect Probe Interval", min = "1", max = "60",
                description = "Reconnect probe interval (s): how often a reconnecting backup checks the primary")
        int reconnect_probe_interval() default 2;

        @AttributeDefinition(name = "Prepare Switch Timeout", min = "1", max = "120",
                description = "Prepare switch timeout (s): how long a manual switch waits for the primary's"
                        + " controlled hand-off before switching uncontrolled")
        int prepare_switch_timeout() default 5;

        @AttributeDefinition(name = "Forward Switch Timeout", min = "1", max = "300",
                description = "Forward switch timeout (s): how long a primary waits for its backup to carry out a"
                        + " forwarded manual switch")
        int forward_switch_timeout() default 30;

        @AttributeDefinition(name = "Control Endpoint Enabled",
                description = "Loopback control endpoint for bin/switchoverctl (true/false)")
        boolean control_enabled() default true;
    }

    /** The node identity (PID {@code org.switchover.node}, shared; read here as a component property type). */
    public @interface NodeConfig {
        String node() default "";

        String switchover_server_a() default "localhost";

        String switchover_server_b() default "localhost";

        String server_a_address() default "";

        String server_b_address() default "";

        int switchover_port_a() default Notifier.DEFAULT_PORT;

        int switchover_port_b() default Notifier.DEFAULT_PORT;

        String data_dir() default "${switchover.home}/data";

        String switchover_version() default "1.0.0";
    }

    @Reference
    private Notifier notifier;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HostStartup hostStartup;

    /** Every component's switch warnings (the mirror's replication warning on a backup); read when needed. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            fieldOption = org.osgi.service.component.annotations.FieldOption.UPDATE)
    private final List<SwitchWarning> switchWarnings = new CopyOnWriteArrayList<>();

    /** Bound by reference only: getting the object lazily breaks the DS cycle monitor-primary -> core -> monitor. */
    private ServiceReference<PrimaryMonitor> monitorRef;
    private PrimaryMonitor monitorObject;
    private final Object monitorLock = new Object();

    /** Status display only; bound by reference and fetched lazily for the same reason as the primary monitor. */
    private volatile ServiceReference<ModuleMonitor> moduleMonitorRef;

    private BundleContext context;
    private SystemScheduler scheduler;
    private volatile StateMachine machine;
    private OsgiRoleOutputs outputs;
    private ServiceRegistration<RequestHandler> handlerReg;
    private ServiceRegistration<LinkStatusListener> listenerReg;
    private ServiceRegistration<ShellCommands> commandsReg;
    private ControlServer control;
    private Path controlDir;
    private ShellRunner shell;

    /** Gogo's command processor, for the control endpoint's shell command; bound by reference so that no Gogo type
     * appears in this class (the import is optional: the core runs without Gogo). */
    private volatile ServiceReference<?> shellRef;

    @Reference(service = org.apache.felix.service.command.CommandProcessor.class,
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindCommandProcessor")
    void bindCommandProcessor(ServiceReference<?> ref) {
        shellRef = ref;
    }

    void unbindCommandProcessor(ServiceReference<?> ref) {
        if (ref.equals(shellRef)) {
            shellRef = null;
        }
    }

    private ShellRunner.Lease leaseCommandProcessor() {
        ServiceReference<?> ref = shellRef;
        BundleContext ctx = context;
        if (ref == null || ctx == null) {
            return null;
        }
        Object cp;
        try {
            cp = ctx.getService(ref);
        } catch (RuntimeException e) {
            LOG.warn("Getting the command processor failed: {}", e.toString());
            return null;
        }
        if (cp == null) {
            return null;
        }
        return new ShellRunner.Lease(cp, () -> ctx.ungetService(ref));
    }

    @Reference(service = PrimaryMonitor.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindPrimaryMonitor")
    void bindPrimaryMonitor(ServiceReference<PrimaryMonitor> ref) {
        synchronized (monitorLock) {
            releaseMonitor();
            monitorRef = ref;
        }
        StateMachine m = machine;
        if (m != null) {
            m.monitorAvailable();
        }
    }

    void unbindPrimaryMonitor(ServiceReference<PrimaryMonitor> ref) {
        synchronized (monitorLock) {
            if (ref.equals(monitorRef)) {
                releaseMonitor();
                monitorRef = null;
            }
        }
    }

    @Reference(service = ModuleMonitor.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindModuleMonitor")
    void bindModuleMonitor(ServiceReference<ModuleMonitor> ref) {
        moduleMonitorRef = ref;
    }

    void unbindModuleMonitor(ServiceReference<ModuleMonitor> ref) {
        if (ref.equals(moduleMonitorRef)) {
            moduleMonitorRef = null;
        }
    }

    /**
     * The primary monitor, fetched on first use. The monitor references this component's event sink, and this
     * component needs the monitor only once the role is decided, so getting it late keeps SCR from seeing a cycle.
     */
    private PrimaryMonitor primaryMonitor() {
        synchronized (monitorLock) {
            if (monitorObject == null && monitorRef != null && context != null) {
                try {
                    monitorObject = context.getService(monitorRef);
                } catch (RuntimeException e) {
                    LOG.warn("Getting the primary monitor service failed: {}", e.toString());
                }
            }
            return monitorObject;
        }
    }

    private void releaseMonitor() {
        if (monitorObject != null && monitorRef != null && context != null) {
            try {
                context.ungetService(monitorRef);
            } catch (RuntimeException e) {
                // the bundle is going away
            }
        }
        monitorObject = null;
    }

    /** Whether the loopback control endpoint is wanted (property {@code control.enabled}). */
    private boolean controlEnabled;

    @Activate
    void activate(BundleContext ctx, Map<String, Object> props) {
        this.context = ctx;
        CoreSettings settings = configure(props, null);
        scheduler = new SystemScheduler("switchover-core-1");
        outputs = new OsgiRoleOutputs(ctx, () -> eventAdmin, () -> settingsNode());
        machine = new StateMachine(scheduler, notifier, this::primaryMonitor, () -> hostStartup, outputs, settings);
        machine.warnings(this::warnings);

        Hashtable<String, Object> hp = new Hashtable<>();
        hp.put(RequestHandler.EVENT_ID, new String[] {EventIds.STATE_QUERY, EventIds.DISCONTINUE,
                EventIds.PREPARE_SWITCH, EventIds.REQUEST_SWITCH});
        StateMachine m = machine;
        handlerReg = ctx.registerService(RequestHandler.class, m::handle, hp);
        listenerReg = ctx.registerService(LinkStatusListener.class, m::linkChanged, new Hashtable<>());
        Hashtable<String, Object> cp = new Hashtable<>();
        cp.put("osgi.command.scope", "switchover");
        cp.put("osgi.command.function", new String[] {"status", "switch", "restart"});
        commandsReg = ctx.registerService(ShellCommands.class, new ShellCommands(m, this::statusText,
                this::warnings), cp);
        shell = new ShellRunner(this::leaseCommandProcessor);
        controlEnabled = controlEnabled(props, true);
        startControl(controlEnabled, settings.dataDir());
        m.start();
    }

    @Modified
    void modified(Map<String, Object> props) {
        CoreSettings settings = configure(props, machine.settings());
        machine.reconfigure(settings);
        boolean want = controlEnabled(props, controlEnabled);
        controlEnabled = want;
        if (!want) {
            stopControl();
        } else if (control == null || !settings.dataDir().equals(controlDir)) {
            stopControl();
            startControl(true, settings.dataDir());
        }
    }

    @Deactivate
    void deactivate() {
        StateMachine m = machine;
        try {
            m.shutdown().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("The state machine did not stop within 5 s: {}", e.toString());
        }
        stopControl();
        shell.close();
        unregister(commandsReg);
        unregister(listenerReg);
        unregister(handlerReg);
        outputs.close();
        scheduler.shutdown();
        synchronized (monitorLock) {
            releaseMonitor();
        }
    }

    private NodeId settingsNode() {
        StateMachine m = machine;
        return m == null ? null : m.snapshot().node();
    }

    private void startControl(boolean enabled, Path dataDir) {
        if (!enabled) {
            return;
        }
        StateMachine m = machine;
        ShellRunner sh = shell;
        ControlServer server = new ControlServer(dataDir, token -> new ControlProtocol(() -> token,
                this::statusMap, m::requestSwitch, SWITCH_WAIT_MILLIS, sh, SHELL_WAIT_MILLIS, this::warnings));
        try {
            server.start();
            control = server;
            controlDir = dataDir;
        } catch (IOException | RuntimeException e) {
            LOG.error("The control endpoint could not start in {}: {}; bin/switchoverctl will not reach this node",
                    dataDir, e.toString());
        }
    }

    private void stopControl() {
        if (control != null) {
            control.close();
            control = null;
            controlDir = null;
        }
    }

    private static void unregister(ServiceRegistration<?> reg) {
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException e) {
                // already unregistered with the bundle
            }
        }
    }

    private Map<String, Object> statusMap() {
        return StatusView.toMap(currentSnapshot(), notifier::status, monitorLine(), warnings());
    }

    /**
     * @return the switch warnings in force now, from every {@link SwitchWarning} service; a service that fails
     *         is logged and skipped (a broken component must not block the status or a switch)
     */
    List<String> warnings() {
        List<String> out = new java.util.ArrayList<>();
        for (SwitchWarning w : switchWarnings) {
            try {
                Optional<String> text = w.warning();
                if (text != null && text.isPresent() && !text.get().isBlank()) {
                    out.add(text.get().strip());
                }
            } catch (RuntimeException e) {
                LOG.warn("A switch-warning service failed ({}); ignored", e.toString());
            }
        }
        return out;
    }

    private String statusText() {
        Snapshot s = currentSnapshot();
        List<Journal.Entry> audit = machine.journal().entries().stream().filter(Journal.Entry::audit).toList();
        return StatusView.toText(s, notifier::status, monitorLine(),
                audit.subList(Math.max(0, audit.size() - 5), audit.size()), warnings());
    }

    /**
     * The state as the machine sees it once it has caught up (a primary that has just continued after a suspension
     * first asks its peer); bounded, falling back to the last published picture.
     */
    private Snapshot currentSnapshot() {
        StateMachine m = machine;
        try {
            return m.verifiedSnapshot().get(STATUS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return m.snapshot();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("status from the last published snapshot: {}", e.toString());
            return m.snapshot();
        }
    }

    private String monitorLine() {
        PrimaryMonitor pm = primaryMonitor();
        String primary;
        if (pm == null) {
            primary = null;
        } else {
            try {
                primary = pm.statusLine(); // the monitors' own lines say whether they run
            } catch (RuntimeException e) {
                primary = "primary monitor status unavailable: " + e;
            }
        }
        String module = moduleLine();
        if (module == null) {
            return primary;
        }
        return primary == null ? module : primary + "; " + module;
    }

    private String moduleLine() {
        ServiceReference<ModuleMonitor> ref = moduleMonitorRef;
        BundleContext ctx = context;
        if (ref == null || ctx == null) {
            return null;
        }
        ModuleMonitor mm = null;
        try {
            mm = ctx.getService(ref);
            if (mm == null) {
                return null;
            }
            return mm.statusLine();
        } catch (RuntimeException e) {
            return "module monitor status unavailable: " + e;
        } finally {
            if (mm != null) {
                try {
                    ctx.ungetService(ref);
                } catch (RuntimeException e) {
                    // going away
                }
            }
        }
    }

    // ---- configuration ----

    private CoreSettings configure(Map<String, Object> props, CoreSettings previous) {
        Function<String, String> lookup = key -> {
            String v = context == null ? null : context.getProperty(key);
            return v != null ? v : System.getProperty(key);
        };
        return toSettings(props, previous, lookup);
    }

    private static boolean controlEnabled(Map<String, Object> props, boolean previous) {
        return new ConfigReader(Config.class, props, LOG::warn).bool("control_enabled", "control.enabled", previous);
    }

    /**
     * Maps the raw configuration (both PIDs merged, values typed or strings as a .cfg gives them): numbers out of
     * range are clamped with a WARN naming the parameter; a malformed value is named in a WARN and the previous
     * value (the default at activation) is kept. Package-visible for tests.
     *
     * @param props the component properties
     * @param previous the settings in force, or null at activation
     * @param lookup framework/system properties (for {@code ${switchover.home}} and the start options)
     */
    static CoreSettings toSettings(Map<String, ?> props, CoreSettings previous, Function<String, String> lookup) {
        ConfigReader n = new ConfigReader(NodeConfig.class, props, LOG::warn);
        ConfigReader c = new ConfigReader(Config.class, props, LOG::warn);
        String letter = n.text("node");
        CoreSettings.Builder b = CoreSettings.builder(letter, resolveDir(n.text("data_dir"), lookup));
        CoreSettings was = previous != null ? previous : CoreSettings.builder(letter, Paths.get(".")).build();
        NodeId self = null;
        try {
            self = NodeId.parse(letter);
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration 'node' of PID {} must be A or B, got '{}': this node takes no role",
                    NODE_PID, letter);
        }
        b.version(n.text("switchover_version"));
        if (self != null) {
            NodeId peer = self.peer();
            String addr = n.text(peer == NodeId.A ? "server_a_address" : "server_b_address");
            String name = n.text(peer == NodeId.A ? "switchover_server_a" : "switchover_server_b");
            String portMethod = peer == NodeId.A ? "switchover_port_a" : "switchover_port_b";
            long port = n.number(portMethod, ConfigReader.key(portMethod), Notifier.DEFAULT_PORT, 1, 65535);
            b.peerAddress((addr.isEmpty() ? name : addr) + ":" + port);
        }
        long wasTimeout = was.reconnectTimeoutMillis() / 1000;
        long timeout = c.number("switchover_reconnect_timeout", ServerParameters.SWITCHOVER_RECONNECT_TIMEOUT,
                wasTimeout, 0, Integer.MAX_VALUE / 1000);
        String legacy = c.text("switchover_reconnect_delay");
        if (!c.isSet("switchover_reconnect_timeout") && !legacy.isEmpty()) {
            try {
                timeout = ParameterRange.clamp(ServerParameters.SWITCHOVER_RECONNECT_DELAY,
                        Long.parseLong(legacy), 0, Integer.MAX_VALUE / 1000, LOG::warn);
                LOG.warn("'{}' is the obsolete name of '{}'; using its value {} s - please rename the property"
                                + " to switchover.reconnect.timeout", ServerParameters.SWITCHOVER_RECONNECT_DELAY,
                        ServerParameters.SWITCHOVER_RECONNECT_TIMEOUT, timeout);
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring the obsolete '{}' = '{}': not a number of seconds",
                        ServerParameters.SWITCHOVER_RECONNECT_DELAY, legacy);
            }
        }
        b.reconnectTimeoutMillis(timeout * 1000L);
        b.reconnectMaxAttempts(c.integer("switchover_reconnect_max_attempts", "Switchover Reconnect Max Attempts",
                was.reconnectMaxAttempts(), 0, 1000));
        boolean manual = c.bool("manual_switch_only", "manual.switch.only", was.manualSwitchOnly());
        boolean force = c.bool("force_backup", "force.backup", was.forceBackup());
        b.manualSwitchOnly(manual || flag(lookup.apply(PROP_MANUAL_SWITCH_ONLY)));
        b.forceBackup(force || flag(lookup.apply(PROP_FORCE_BACKUP)));
        b.netTestHalts(c.bool("nettest_unreachable_halts", "nettest.unreachable.halts", was.netTestHalts()));
        b.negotiation(c.number("negotiation_timeout_ms", "Negotiation Timeout", was.negotiationTimeoutMillis(), 200,
                        60_000),
                c.number("negotiation_retry_delay_ms", "Negotiation Retry Delay", was.negotiationRetryMillis(), 100,
                        60_000),
                c.integer("negotiation_max_attempts", "Negotiation Max Attempts", was.negotiationMaxAttempts(), 1,
                        1000));
        b.startupMaxMillis(c.number("startup_max_time", "Maximum Startup Time", was.startupMaxMillis() / 1000, 0,
                86_400) * 1000L);
        b.peerQueryMillis(c.number("peer_query_interval", "Peer Query Interval", was.peerQueryMillis() / 1000, 1,
                300) * 1000L);
        b.discontinue(c.number("discontinue_retry_interval_ms", "Discontinue Retry Interval",
                        was.discontinueIntervalMillis(), 100, 60_000),
                c.integer("discontinue_max_attempts", "Discontinue Max Attempts", was.discontinueMaxAttempts(), 1,
                        100_000));
        b.watchdogMillis(c.number("watchdog_poll_interval", "Watchdog Poll Interval", was.watchdogMillis() / 1000, 1,
                300) * 1000L);
        b.reconnectProbeMillis(c.number("reconnect_probe_interval", "Reconnect Probe Interval",
                was.reconnectProbeMillis() / 1000, 1, 60) * 1000L);
        b.prepareTimeoutMillis(c.number("prepare_switch_timeout", "Prepare Switch Timeout",
                was.prepareTimeoutMillis() / 1000, 1, 120) * 1000L);
        b.forwardTimeoutMillis(c.number("forward_switch_timeout", "Forward Switch Timeout",
                was.forwardTimeoutMillis() / 1000, 1, 300) * 1000L);
        CoreSettings s = b.build();
        LOG.info("Core configuration: node {}, release {}, peer {}, data {}, reconnect timeout {} s, manual switch"
                        + " only {}, force backup {}", s.node(), s.version(), s.peerAddress(), s.dataDir(),
                timeout, s.manualSwitchOnly(), s.forceBackup());
        return s;
    }

    private static boolean flag(String v) {
        if (v == null) {
            return false;
        }
        String t = v.trim();
        return t.equalsIgnoreCase("true") || t.equalsIgnoreCase("yes") || t.equals("1");
    }

    /** Replaces {@code ${name}} with the framework/system property; an unknown {@code switchover.home} is ".". */
    static Path resolveDir(String text, Function<String, String> lookup) {
        return ConfigReader.dataDir(text, lookup, LOG::warn);
    }

    // ---- services ----

    @Override
    public NodeId node() {
        return machine.snapshot().node();
    }

    @Override
    public SwitchoverState state() {
        return machine.snapshot().state();
    }

    @Override
    public long epoch() {
        return machine.snapshot().epoch();
    }

    @Override
    public String lastSwitchReason() {
        return machine.snapshot().lastSwitchReason();
    }

    @Override
    public void post(MonitorReport report) {
        machine.report(report);
    }

    @Override
    public CompletionStage<SwitchResult> requestSwitch(boolean immediate, String requestedBy,
                                                       boolean acceptWarnings) {
        return machine.requestSwitch(immediate, requestedBy, acceptWarnings);
    }
}
