package org.switchover.core.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.slf4j.LoggerFactory;
import org.switchover.api.HandOverParticipant;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;
import org.switchover.api.host.HostStartup;
import org.switchover.api.log.Journal;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.PrimaryMonitor;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Request;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.support.log.LogText;

/**
 * The switchover state machine (spec section 2): an actor on one {@link Scheduler}. Every input - monitor reports,
 * link changes, timers, peer messages, operator requests, live settings - is queued as an {@link Event}; the
 * machine's thread looks the event up in the {@link TransitionTable} and runs the matching row, whose action returns
 * an {@link Outcome}. Only {@link #process(Event)} changes the state. Work that belongs to a role lives in the role's
 * {@link Duties} ({@link Startup}, {@link PrimaryDuties}, {@link BackupDuties}), created by the row that enters the
 * role and closed when the machine leaves it. Public methods are thread-safe and never block.
 */
public final class StateMachine {

    /** Names of the switch reasons as operators search for them (spec section 13.4). */
    static final String REASON_NOTIFIER = "Loss of Connection to Notifier";
    static final String REASON_TS = "TS Ping Failure";
    static final String REASON_MANUAL = "Manual Switchover";

    /** How long the check after a suspension waits for the peer's answer (decision E7). */
    static final long VERIFY_TIMEOUT_MILLIS = 1_000L;
    /** The question every front end asks again while a switch warning is in force (spec section 8). */
    public static final String WARNING_QUESTION = org.switchover.api.warning.SwitchWarning.QUESTION;

    /** The machine's thread and clock. */
    final Scheduler scheduler;
    private final Supplier<PrimaryMonitor> monitors;
    private final Supplier<HostStartup> hostStartup;
    private final RoleOutputs outputs;
    private final Journal journal;
    private final List<Transition> table;
    /** This node's epoch and the highest seen from the peer. */
    final Epochs epochs;
    /** Requests to the peer and what it last said. */
    final PeerClient peer;
    /** Requests from the peer and the rows answering them. */
    final PeerMessages peerMessages;
    /** The manual switch and the hand-off in progress. */
    final ManualSwitch manual;
    private final HandOverBarrier handOver;
    private volatile CoreSettings settings;
    private volatile Snapshot snapshot;

    // ---- everything below is touched only on the scheduler's thread ----
    private SwitchoverState state = SwitchoverState.INIT;
    private boolean stopped;
    private Duties duties;
    private LinkStatus main = LinkStatus.notConnected(Link.MAIN);
    private LinkStatus aux = LinkStatus.notConnected(Link.AUX);
    private String lastDecision = "";
    private String lastSwitchReason = "";

    /**
     * @param scheduler the machine's thread and clock
     * @param notifier messaging to the peer
     * @param monitors the primary monitor when one is active, else null (the machine polls it as the watchdog; the
     *     monitor itself runs while the {@code switchover.monitoring} condition is registered)
     * @param hostStartup the host's start-up service when one is registered, else null
     * @param outputs where state changes and the monitoring condition are announced
     * @param settings the initial settings
     */
    public StateMachine(Scheduler scheduler, Notifier notifier, Supplier<PrimaryMonitor> monitors,
                        Supplier<HostStartup> hostStartup, RoleOutputs outputs, CoreSettings settings) {
        this.scheduler = scheduler;
        this.monitors = monitors;
        this.hostStartup = hostStartup;
        this.outputs = outputs;
        this.settings = settings;
        this.journal = new Journal(scheduler, LoggerFactory.getLogger(StateMachine.class),
                LoggerFactory.getLogger(Journal.AUDIT_LOGGER));
        this.table = TransitionTable.rows();
        this.epochs = new Epochs(journal, settings);
        this.peer = new PeerClient(this, notifier);
        this.peerMessages = new PeerMessages(this);
        this.manual = new ManualSwitch(this);
        this.handOver = new HandOverBarrier(this);
        publish();
    }

    // =====================================================================================================
    // Thread-safe entry points
    // =====================================================================================================

    /** Starts the machine (row 1). */
    public void start() {
        post(Event.of(EventType.SERVICE_START, "switchover service started"));
    }

    /** Queues an event for the machine's thread. */
    void post(Event e) {
        scheduler.execute(() -> process(e));
    }

    /** Runs {@code task} on the machine's thread (bookkeeping that changes no state). */
    void onMachine(Runnable task) {
        scheduler.execute(() -> {
            if (!stopped) {
                task.run();
                publish();
            }
        });
    }

    /**
     * A monitor's determination (the {@code SwitchoverEventSink}).
     *
     * @param report the report; a null report or signal is logged and ignored
     */
    public void report(MonitorReport report) {
        if (report == null || report.signal() == null) {
            journal.warn("Ignoring a monitor report without a signal: {}", report);
            return;
        }
        String reason = report.reason() == null ? "" : report.reason();
        String detail = report.detail() == null ? "" : report.detail();
        EventType type = switch (report.signal()) {
            case NETWORK_DOWN -> EventType.NETWORK_DOWN;
            case NOTIFIER_DOWN -> EventType.NOTIFIER_DOWN;
            case PRIMARY_UNREACHABLE -> EventType.PRIMARY_UNREACHABLE;
            case MODULE_DOWN -> EventType.MODULE_DOWN;
            case MODULE_UP -> EventType.MODULE_UP;
            case CONNECTIONS_RESTORED -> EventType.CONNECTIONS_RESTORED;
        };
        boolean failure = type == EventType.NETWORK_DOWN || type == EventType.NOTIFIER_DOWN
                || type == EventType.PRIMARY_UNREACHABLE;
        if (failure && settings.netTestHalts() && detail.contains("NetTestUnreachable")) {
            type = EventType.WAN_FAILURE;
        }
        post(new Event(type, reason, detail, report));
    }

    /** A link changed status (the notifier's {@code LinkStatusListener}); it becomes a table event. */
    public void linkChanged(LinkStatus status) {
        if (status != null && status.link() != null) {
            post(new Event(EventType.LINK_CHANGED, "", status.link() + " connection is " + status.status(),
                    status));
        }
    }

    /**
     * A manual switch (the {@code SwitchoverControl} service, the shell and the control endpoint).
     *
     * @return completes with the outcome, never exceptionally
     */
    public CompletableFuture<SwitchResult> requestSwitch(boolean immediate, String requestedBy) {
        return requestSwitch(immediate, requestedBy, false, false);
    }

    /**
     * A manual switch, optionally accepting the switch warnings in force on the node that carries it out.
     *
     * @return completes with the outcome, never exceptionally
     */
    public CompletableFuture<SwitchResult> requestSwitch(boolean immediate, String requestedBy,
                                                         boolean acceptWarnings) {
        return requestSwitch(immediate, requestedBy, false, acceptWarnings);
    }

    CompletableFuture<SwitchResult> requestSwitch(boolean immediate, String requestedBy, boolean fromPeer,
                                                  boolean acceptWarnings) {
        CompletableFuture<SwitchResult> f = new CompletableFuture<>();
        // who asked comes from a shell argument, a control request or the peer: escaped once here, so no audit
        // line, status field or journal entry that names it can be split or forged
        String by = requestedBy == null || requestedBy.isBlank() ? "unknown" : LogText.escape(requestedBy.strip());
        post(Event.of(EventType.INTERNAL_SWITCH_REQ, REASON_MANUAL,
                new SwitchRequest(immediate, by, fromPeer, acceptWarnings, f)));
        return f;
    }

    /**
     * Where the switch warnings come from ({@link org.switchover.api.warning.SwitchWarning} services); read on the
     * machine's thread when a manual switch is about to be carried out on this node.
     */
    public void warnings(Supplier<List<String>> source) {
        manual.warnings(source);
    }

    /**
     * Where the hand-over participants come from ({@link HandOverParticipant} services); read on the machine's thread
     * when this node acknowledges a controlled hand-off.
     */
    public void handOverParticipants(Supplier<List<HandOverParticipant>> source) {
        handOver.participants(source);
    }

    /** Row 26c, before the acknowledgement: see {@link HandOverBarrier}. Machine thread. */
    CompletableFuture<Void> handOver(String peer) {
        return handOver.await(peer);
    }

    /** @return how long the acknowledgement of a hand-off waits for the participants */
    long handOverBudgetMillis() {
        return handOver.budgetMillis();
    }

    /** Restart of a stale, halted or failed node (row 28). */
    public void restart(String requestedBy) {
        post(Event.of(EventType.RESTART, "restart requested by " + requestedBy));
    }

    /**
     * Answers a request from the peer (registered as {@code RequestHandler} for the core's event ids).
     *
     * @return the reply body; fails (peer sees REJECTED) with a clear message on a malformed request
     */
    public CompletionStage<byte[]> handle(Request request) {
        return peerMessages.handle(request);
    }

    /** Applies new settings live (on the machine's thread). */
    public void reconfigure(CoreSettings next) {
        onMachine(() -> applySettings(next));
    }

    /**
     * Stops the machine (row 30) and every timer it owns.
     *
     * @return completes when the machine has stopped
     */
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                if (!stopped) {
                    process(Event.of(EventType.SHUTDOWN, "switchover service stopping"));
                    stopped = true;
                    closeDuties();
                    publish();
                }
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    /** @return the picture after the last event. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * The picture once the machine has caught up: taken on the machine's thread after every task already due - so a
     * primary that has just continued after a suspension first notices it - and, while it then checks whether the
     * peer took over meanwhile, only after that check. This is what the status displays show: a primary that was
     * stopped never reports PRIMARY on the strength of what it knew before it stopped.
     *
     * @return completes with the snapshot (the caller bounds its wait and may fall back to {@link #snapshot()})
     */
    public CompletableFuture<Snapshot> verifiedSnapshot() {
        CompletableFuture<Snapshot> f = new CompletableFuture<>();
        scheduler.execute(() -> {
            PrimaryDuties p = duties(PrimaryDuties.class);
            if (p != null && p.verifying() && !stopped) {
                p.await(f);
            } else {
                f.complete(snapshot);
            }
        });
        return f;
    }

    /** @return the journal (audit and operational lines with scheduler time). */
    Journal journal() {
        return journal;
    }

    /** @return the settings in force. */
    CoreSettings settings() {
        return settings;
    }

    Wire.StateInfo selfInfo() {
        Snapshot s = snapshot;
        return new Wire.StateInfo(s.node(), s.state(), s.epoch(), s.version(), s.forceBackup());
    }

    // =====================================================================================================
    // The event loop
    // =====================================================================================================

    void process(Event e) {
        if (stopped) {
            completeUnhandled(e, "the switchover service is stopped");
            return;
        }
        Transition row = null;
        for (Transition t : table) {
            if (t.matches(state, e, this)) {
                row = t;
                break;
            }
        }
        if (row == null) {
            journal.debug("{} ignored in state {}", e.type(), state);
            completeUnhandled(e, "not possible in state " + state);
            publish();
            return;
        }
        SwitchoverState before = state;
        Outcome out;
        try {
            out = row.action().run(this, e);
        } catch (RuntimeException ex) {
            journal.auditError("Internal error in row {} on {} in state {}: {}", row.row(), e.type(), before,
                    String.valueOf(ex));
            completeUnhandled(e, "internal error: " + ex);
            out = Outcome.fail("internal error: " + ex);
        }
        SwitchoverState target = out.failedTo() != null ? out.failedTo() : row.to() != null ? row.to() : before;
        String reason = out.reason() != null ? out.reason() : e.describe();
        lastDecision = "row " + row.row() + ": " + e.type() + " in " + before + " -> " + target
                + (reason.isEmpty() ? "" : " (" + reason + ")");
        if (target != before) {
            changeState(before, target, reason.isEmpty() ? row.actionText() : reason, out.enter());
        } else if (out.enter() != null) {
            install(out.enter());
        }
        publish();
        for (Runnable r : out.then()) {
            try {
                r.run();
            } catch (RuntimeException ex) {
                journal.warn("Completing a request after row {} failed: {}", row.row(), String.valueOf(ex));
            }
        }
    }

    private void changeState(SwitchoverState before, SwitchoverState target, String reason, Duties entering) {
        state = target;
        if (entering != null) {
            install(entering);
        } else if (duties != null && !duties.covers(target)) {
            closeDuties();
        } else if (duties != null) {
            duties.moved(target);
        }
        journal.audit("State {} -> {}: {} (epoch {})", before, target, reason, epochs.current());
        if (before.role() != target.role()) {
            lastSwitchReason = reason;
        }
        if (target == SwitchoverState.INACTIVE || target == SwitchoverState.STOPPING
                || target == SwitchoverState.ERROR) {
            manual.abandon(target);
        }
        // The snapshot first: a component woken by the role condition or the COMMENCE event reads the new state and
        // epoch through SwitchoverStatus, never the previous ones.
        publish();
        try {
            outputs.stateChanged(before, target, reason, epochs.current());
        } catch (RuntimeException ex) {
            journal.warn("Announcing state {} failed: {}", target, String.valueOf(ex));
        }
    }

    /** Closes the duties in force and starts {@code next}, the duties of the role just entered. */
    private void install(Duties next) {
        closeDuties();
        duties = next;
        next.start();
    }

    private void closeDuties() {
        Duties d = duties;
        duties = null;
        if (d != null) {
            d.close();
        }
    }

    private void completeUnhandled(Event e, String why) {
        manual.unhandled(e, why);
        peerMessages.unhandled(e, why);
    }

    void publish() {
        CoreSettings s = settings;
        BackupDuties b = backup();
        Event pending = b == null ? null : b.pendingSwitch();
        PeerClient.Knowledge p = peer.knowledge();
        snapshot = new Snapshot(s.node(), s.nodeError(), state, epochs.current(), s.version(), s.peerAddress(),
                p.last(), p.lastMillis(), p.lastFailure(), p.answeredMillis(), main, aux,
                s.manualSwitchOnly(), s.forceBackup(), b != null && b.primaryConfirmed(),
                b != null && b.monitorsWanted(),
                b == null ? -1 : b.reconnectDueMillis(), pending == null ? "" : Takeover.switchReason(pending),
                lastDecision, lastSwitchReason, scheduler.nowMillis());
    }

    // =====================================================================================================
    // What the rows and the duties reach through the machine (machine thread)
    // =====================================================================================================

    SwitchoverState state() {
        return state;
    }

    /** @return the duties in force when they serve {@code role}, else null. */
    <T extends Duties> T duties(Class<T> role) {
        return role.isInstance(duties) ? role.cast(duties) : null;
    }

    /** @return the backup's duties while in a backup role, else null (the rows of a backup role use them). */
    BackupDuties backup() {
        return duties(BackupDuties.class);
    }

    /** Raises or drops the monitoring condition (only the backup's duties call this, from a row). */
    void monitoring(boolean on) {
        try {
            outputs.monitoring(on);
        } catch (RuntimeException ex) {
            journal.warn("{} the monitoring condition failed: {}", on ? "Raising" : "Dropping", String.valueOf(ex));
        }
    }

    /** @return the primary monitor when one is active, else null. */
    PrimaryMonitor primaryMonitor() {
        return monitors.get();
    }

    /** @return the last status reported for {@code link}. */
    LinkStatus link(Link link) {
        return link == Link.MAIN ? main : aux;
    }

    /** Records a link status; @return the link's previous status. */
    LinkStatus noteLink(LinkStatus ls) {
        LinkStatus previous = link(ls.link());
        if (ls.link() == Link.MAIN) {
            main = ls;
        } else {
            aux = ls;
        }
        if (previous.isActive() && !main.isActive() && !aux.isActive()) {
            peer.linksLost();
        }
        return previous;
    }

    // =====================================================================================================
    // Guards used by the table across roles
    // =====================================================================================================

    /** Automatic switching allowed: a backup role, not manual mode, and a primary was seen. */
    boolean automatic() {
        BackupDuties b = backup();
        return b != null && b.automatic();
    }

    /** @return the host's start-up service, or null. */
    HostStartup hostStartup() {
        return hostStartup.get();
    }

    /** The local host is still starting. */
    boolean hostStarting() {
        HostStartup hs = hostStartup.get();
        try {
            return hs != null && hs.isStarting();
        } catch (RuntimeException ex) {
            journal.warn("Host start-up service failed: {}", String.valueOf(ex));
            return false;
        }
    }

    /** The event would make the machine switch in its current state. */
    boolean wouldSwitch(Event e) {
        return switch (e.type()) {
            case MODULE_DOWN, CONNECTIONS_DOWN -> true;
            case PRIMARY_UNREACHABLE, RECONNECT_ATTEMPTS_EXHAUSTED -> state == SwitchoverState.RECONNECTING;
            default -> false;
        };
    }

    // =====================================================================================================
    // Actions of the rows that belong to no role
    // =====================================================================================================

    Outcome actRolesUndetermined(Event e) {
        journal.auditError("The roles cannot be determined: {}. This node takes no role.", e.reason());
        return Outcome.asRow();
    }

    Outcome actStartupTimeout(Event e) {
        journal.auditError("Start-up failed: {}. Switchover does not start on this node.", e.reason());
        return Outcome.asRow();
    }

    Outcome actNoAutomaticSwitch(Event e) {
        journal.info("{}: {}{} - no automatic switch in an upgrade state", state, e.type(),
                e.describe().isEmpty() ? "" : " (" + e.describe() + ")");
        return Outcome.asRow();
    }

    Outcome actManualModeIgnores(Event e) {
        journal.info("{}: {} ignored - manual switch only", state, e.type());
        return Outcome.asRow();
    }

    Outcome actRestart(Event e) {
        journal.audit("{}: {}; negotiating the role again", state, e.describe());
        peer.forget();
        epochs.forgetPeer();
        post(Event.of(EventType.SERVICE_START, "restart"));
        return Outcome.asRow();
    }

    Outcome actLinkNoted(Event e) {
        noteLink(e.payload(LinkStatus.class));
        return Outcome.asRow();
    }

    Outcome actShutdown(Event e) {
        journal.audit("Switchover service shutting down in state {}", state);
        return Outcome.asRow();
    }

    Outcome actError(Event e) {
        journal.auditError("Error in state {}: {}", state, e.describe());
        return Outcome.asRow();
    }

    // =====================================================================================================
    // Settings
    // =====================================================================================================

    private void applySettings(CoreSettings next) {
        CoreSettings old = settings;
        settings = next;
        if (old.manualSwitchOnly() != next.manualSwitchOnly()) {
            if (next.manualSwitchOnly()) {
                journal.audit("Manual switch only switched on: monitoring stopped, no automatic switch");
                post(Event.of(EventType.MANUAL_MODE_ON, "manual switch only switched on"));
            } else {
                journal.audit("Manual switch only switched off: automatic switching resumes");
                post(Event.of(EventType.MANUAL_MODE_OFF, "manual switch only switched off"));
            }
        }
        if (old.reconnectTimeoutMillis() != next.reconnectTimeoutMillis()) {
            journal.info("Reconnect timeout is now {} s (applies from the next reconnect period)",
                    seconds(next.reconnectTimeoutMillis()));
        }
        if (old.forceBackup() != next.forceBackup()) {
            journal.info("Force backup is now {} (applies at the next negotiation)", next.forceBackup());
        }
        boolean identity = old.node() != next.node() || !old.nodeError().equals(next.nodeError())
                || !old.dataDir().equals(next.dataDir());
        if (identity) {
            if (state == SwitchoverState.INIT || state == SwitchoverState.ERROR) {
                journal.info("Node identity changed (node {}, data {}): starting over", next.node(), next.dataDir());
                post(Event.of(state == SwitchoverState.INIT ? EventType.SERVICE_START : EventType.RESTART,
                        "node configuration changed"));
            } else {
                journal.warn("Node identity changed (node {}, data {}) while {}: it takes effect at the next"
                        + " restart", next.node(), next.dataDir(), state);
            }
        }
        if (!old.version().equals(next.version())) {
            journal.info("Release is now {} (reported to the peer from now on)", next.version());
        }
    }

    // =====================================================================================================
    // Helpers
    // =====================================================================================================

    static void cancel(Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }

    /** Seconds for log lines: whole numbers without decimals, otherwise three. */
    static String seconds(long millis) {
        if (millis % 1000 == 0) {
            return Long.toString(millis / 1000);
        }
        return String.format(java.util.Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
