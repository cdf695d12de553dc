package org.switchover.core.internal;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.HandOverParticipant;
import org.switchover.api.NodeId;
import org.switchover.api.NodeIdentity;
import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverControl;
import org.switchover.api.SwitchoverState;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.config.ConfigReader;
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
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.RecoveryStatusContributor;
import org.switchover.api.status.ReplicationFigures;
import org.switchover.api.status.StatusSectionContributor;
import org.switchover.api.time.SystemScheduler;
import org.switchover.api.warning.SwitchWarning;

/**
 * The switchover core as a DS component: owns the state machine (on its own thread, {@code switchover-core-1}),
 * publishes {@link SwitchoverStatus} (with the one status model every view renders), {@link SwitchoverEventSink} and
 * {@link SwitchoverControl}, answers the core's notifier requests, listens to link changes and registers the role
 * conditions. The operator surface (shell commands, control endpoint) lives in the console bundle.
 */
@Component(name = CoreComponent.PID, configurationPid = CoreComponent.PID,
        service = {SwitchoverStatus.class, SwitchoverEventSink.class, SwitchoverControl.class}, immediate = true)
@Designate(ocd = CoreComponent.Config.class)
public final class CoreComponent implements SwitchoverStatus, SwitchoverEventSink, SwitchoverControl {

    /** The core's configuration PID. */
    public static final String PID = "org.switchover.core";

    /** System/framework property forcing backup mode (the runtime's command line). */
    public static final String PROP_FORCE_BACKUP = "switchover.forceBackup";
    /** System/framework property for manual mode (the runtime's command line). */
    public static final String PROP_MANUAL_SWITCH_ONLY = "switchover.manualSwitchOnly";

    private static final Logger LOG = LoggerFactory.getLogger(CoreComponent.class);
    private static final int DEFAULT_RECONNECT_TIMEOUT = 30;
    /** How long a status request waits for the state machine to catch up (after a suspension: to ask its peer). */
    private static final long STATUS_WAIT_MILLIS = StateMachine.VERIFY_TIMEOUT_MILLIS + 500L;

    /** The core's parameters (PID {@code org.switchover.core}). */
    @ObjectClassDefinition(id = PID, name = "Switchover Core",
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

        @AttributeDefinition(name = "Switchover Reconnect Timeout Milliseconds", min = "-1",
                max = "2147483647", description = "Reconnect timeout (ms), a finer-grained form of Switchover"
                        + " Reconnect Timeout for sub-second profiles: -1 = not set (the seconds parameter"
                        + " decides); 0 or more replaces it. Applies from the next reconnect period.")
        int switchover_reconnect_timeout_ms() default -1;

        @AttributeDefinition(name = "Switchover Reconnect Refused Confirm", min = "0", max = "10000",
                description = "Refused confirmation (ms): when both links to the primary are down and the"
                        + " primary's machine refuses a connection to its notifier port (its process is gone, the"
                        + " machine is up), ask once more this long later; refused again, switch at once without"
                        + " waiting for the reconnect timeout. 0 = off (only the reconnect timeout decides). A"
                        + " silent or unreachable primary is never judged this way.")
        int switchover_reconnect_refused_confirm_ms() default 0;

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
    }

    @Reference
    private Notifier notifier;

    @Reference
    private NodeIdentity identity;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HostStartup hostStartup;

    /** Status display only. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ModuleMonitor moduleMonitor;

    /** Every component's switch warnings (the mirror's replication warning on a backup); read when needed. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<SwitchWarning> switchWarnings = new CopyOnWriteArrayList<>();

    /** The Interaction Recovery Service's figures for the status (the recovery bundle's contributor); optional. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<RecoveryStatusContributor> recoveryStatus = new CopyOnWriteArrayList<>();

    /** Other bundles' blocks of status figures (the tracker's); optional. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<StatusSectionContributor> statusSections = new CopyOnWriteArrayList<>();

    /** Work to finish before a controlled hand-off is acknowledged (the tracker's); optional. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<HandOverParticipant> handOverParticipants = new CopyOnWriteArrayList<>();

    /** The replicated subsystems' lag and backlog (DS sync, mirror, tracker); optional. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<ReplicationFigures> replicationFigures = new CopyOnWriteArrayList<>();

    /** The primary monitor; it runs on the monitoring condition this core registers, so no DS cycle remains. */
    private volatile PrimaryMonitor primaryMonitor;

    private SystemScheduler scheduler;
    private volatile StateMachine machine;
    private OsgiRoleOutputs outputs;
    private ServiceRegistration<RequestHandler> handlerReg;
    private ServiceRegistration<LinkStatusListener> listenerReg;
    private Function<String, String> properties;

    @Activate
    void activate(BundleContext ctx, Map<String, Object> props) {
        properties = key -> {
            String v = ctx.getProperty(key);
            return v != null ? v : ConfigReader.systemValue(key);
        };
        CoreSettings settings = configure(props, null);
        scheduler = new SystemScheduler("switchover-core-1");
        outputs = new OsgiRoleOutputs(ctx, () -> eventAdmin, identity::node);
        StateMachine m = new StateMachine(scheduler, notifier, () -> primaryMonitor, () -> hostStartup, outputs,
                settings);
        m.warnings(this::warnings);
        m.handOverParticipants(() -> List.copyOf(handOverParticipants));
        machine = m;
        Hashtable<String, Object> hp = new Hashtable<>();
        hp.put(RequestHandler.EVENT_ID, new String[] {EventIds.STATE_QUERY, EventIds.DISCONTINUE,
                EventIds.PREPARE_SWITCH, EventIds.REQUEST_SWITCH});
        handlerReg = ctx.registerService(RequestHandler.class, m::handle, hp);
        listenerReg = ctx.registerService(LinkStatusListener.class, m::linkChanged, new Hashtable<>());
        m.start();
    }

    @Modified
    void modified(Map<String, Object> props) {
        machine.reconfigure(configure(props, machine.settings()));
    }

    @Deactivate
    void deactivate() {
        try {
            machine.shutdown().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("The state machine did not stop within 5 s: {}", e.toString());
        }
        unregister(listenerReg);
        unregister(handlerReg);
        outputs.close();
        scheduler.shutdown();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindPrimaryMonitor")
    void bindPrimaryMonitor(PrimaryMonitor monitor) {
        primaryMonitor = monitor;
    }

    void unbindPrimaryMonitor(PrimaryMonitor monitor) {
        if (primaryMonitor == monitor) {
            primaryMonitor = null;
        }
    }

    private static void unregister(ServiceRegistration<?> reg) {
        try {
            reg.unregister();
        } catch (IllegalStateException e) {
            LOG.debug("already unregistered with the bundle: {}", e.toString());
        }
    }

    private CoreSettings configure(Map<String, Object> props, CoreSettings previous) {
        CoreSettings s = CoreSettings.from(new ConfigReader(Config.class, props, LOG::warn), identity, previous,
                flag(properties.apply(PROP_MANUAL_SWITCH_ONLY)), flag(properties.apply(PROP_FORCE_BACKUP)),
                LOG::warn);
        LOG.info("Core configuration: node {}, release {}, peer {}, data {}, reconnect timeout {} s, manual switch"
                        + " only {}, force backup {}", s.node(), s.version(), s.peerAddress(), s.dataDir(),
                s.reconnectTimeoutMillis() / 1000, s.manualSwitchOnly(), s.forceBackup());
        return s;
    }

    static boolean flag(String v) {
        return v != null && Boolean.TRUE.equals(ConfigReader.parseBool(v));
    }

    // ---- status ----

    @Override
    public NodeStatus report() {
        Snapshot snap = currentSnapshot();
        return StatusReport.of(snap, scheduler.nowMillis(), notifier::status, monitorLine(snap), warnings(),
                machine.journal().entries(), StatusReport.recovery(recoveryStatus, LOG::warn),
                StatusReport.sections(statusSections, LOG::warn), StatusReport.replication(replicationFigures,
                        LOG::warn));
    }

    /**
     * @return the switch warnings in force now, from every {@link SwitchWarning} service; a service that fails
     *         is logged and skipped (a broken component must not block the status or a switch)
     */
    @Override
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
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
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("status from the last published snapshot: {}", e.toString());
            return m.snapshot();
        }
    }

    /** The monitors' own lines, as far as the machine's picture says they run ({@link StatusReport#monitorLine}). */
    private String monitorLine(Snapshot snap) {
        PrimaryMonitor pm = primaryMonitor;
        ModuleMonitor mm = moduleMonitor;
        return StatusReport.monitorLine(snap, pm == null ? null : line(pm::statusLine, "primary"),
                pm != null && running(pm), mm == null ? null : line(mm::statusLine, "module"));
    }

    private static boolean running(PrimaryMonitor pm) {
        try {
            return pm.isRunning();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String line(Supplier<String> statusLine, String which) {
        try {
            return String.valueOf(statusLine.get());
        } catch (RuntimeException e) {
            return which + " monitor status unavailable: " + e;
        }
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

    @Override
    public void restart(String requestedBy) {
        machine.restart(requestedBy);
    }
}
