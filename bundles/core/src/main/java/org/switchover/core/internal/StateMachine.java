package org.switchover.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.switchover.api.NodeId;
import org.switchover.api.Role;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;
import org.switchover.api.host.HostStartup;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.PrimaryMonitor;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.Response;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * The switchover state machine (spec section 2): an actor on one {@link Scheduler}. Every input - monitor reports,
 * link changes, timers, peer messages, operator requests - is queued as an {@link Event}; the machine's thread looks
 * the event up in the {@link TransitionTable} and runs the matching row. Only {@link #process(Event)} changes the
 * state. Public methods are thread-safe and never block.
 */
public final class StateMachine {

    /** Names of the switch reasons as operators search for them (spec section 13.4). */
    static final String REASON_NOTIFIER = "Loss of Connection to Notifier";
    static final String REASON_TS = "TS Ping Failure";
    static final String REASON_MANUAL = "Manual Switchover";

    private static final int WATCHDOG_FAILURE_LIMIT = 3;
    private static final long PROBE_TIMEOUT_MAX_MILLIS = 2_000L;

    /**
     * A primary's liveness tick. A tick that runs more than {@link #SUSPENSION_THRESHOLD_MILLIS} late means this process
     * was stopped (SIGSTOP, a VM freeze) or starved: the peer may have taken over meanwhile, so the primary asks it
     * before anything else, and status requests wait for the answer ({@link #verifiedSnapshot()}).
     */
    static final long LIVENESS_TICK_MILLIS = 250L;
    /** Lateness that counts as a suspension; below the quickest possible takeover (2 pings of 1 s, timer 0). */
    static final long SUSPENSION_THRESHOLD_MILLIS = 1_000L;
    /** How long the check after a suspension waits for the peer's answer. */
    static final long VERIFY_TIMEOUT_MILLIS = 1_000L;
    /** The question every front end asks again while a switch warning is in force (spec section 8). */
    public static final String WARNING_QUESTION = "Recent file changes on the primary may be missing on this node.";

    /** A peer's answer to a state query, or why there is none. */
    record PeerAnswer(Wire.StateInfo info, String failure) {
    }

    /** A manual switch request on its way through the machine. */
    record SwitchRequest(boolean immediate, String requestedBy, boolean fromPeer, boolean acceptWarnings,
                         CompletableFuture<SwitchResult> result) {
    }

    /** The primary's answer to PREPARE_SWITCH, or why there is none. */
    record PrepareOutcome(SwitchRequest request, long proposedEpoch, Wire.PrepareAck ack, String failure) {
    }

    /** A request from the peer that the machine answers. */
    record Inbound<T>(T message, CompletableFuture<byte[]> reply) {
    }

    private final Scheduler scheduler;
    private final Notifier notifier;
    private final Supplier<PrimaryMonitor> monitors;
    private final Supplier<HostStartup> hostStartup;
    private final RoleOutputs outputs;
    private final Journal journal;
    private final List<Transition> table;
    private volatile CoreSettings settings;
    private volatile Snapshot snapshot;
    private volatile Supplier<List<String>> warnings = List::of;

    // ---- everything below is touched only on the scheduler's thread ----
    private SwitchoverState state = SwitchoverState.INIT;
    private long epoch;
    private long highestPeerEpoch;
    private EpochStore store;
    private boolean stopped;

    private int negotiationAttempt;
    private Cancellable negotiationTimer;
    private Cancellable startupTimer;

    private boolean primaryConfirmed;
    private boolean monitorsWanted;
    private boolean monitorsPending;
    private Cancellable monitorStartTimer;
    private Cancellable watchdogTimer;
    private int watchdogFailures;

    private boolean reconnectActive;
    private Cancellable reconnectTimer;
    private long reconnectDueMillis = -1;
    private long reconnectStartedMillis;
    private Cancellable probeTimer;
    private boolean probeInFlight;

    private Event pendingSwitch;
    private boolean startupSubscribed;
    private SwitchRequest pendingPrepare;

    private Cancellable peerWatchTimer;
    private boolean peerQueryInFlight;

    private Cancellable livenessTimer;
    private long livenessDueMillis;
    private boolean verifying;
    private Cancellable verifyGuard;
    private final List<CompletableFuture<Snapshot>> verifyWaiters = new ArrayList<>();
    private boolean discontinueActive;
    private int discontinueAttempts;
    private String discontinueReason = "";
    private Cancellable discontinueTimer;

    private LinkStatus main = LinkStatus.notConnected(Link.MAIN);
    private LinkStatus aux = LinkStatus.notConnected(Link.AUX);
    private boolean linksEverActive;

    private Wire.StateInfo lastPeer;
    private long lastPeerMillis;
    private String lastPeerFailure = "";

    private String lastDecision = "";
    private String lastSwitchReason = "";
    private String actionReason;
    private final List<Runnable> afterTransition = new ArrayList<>();

    /**
     * @param scheduler the machine's thread and clock
     * @param notifier messaging to the peer
     * @param monitors the primary monitor when one is registered, else null
     * @param hostStartup the host's start-up service when one is registered, else null
     * @param outputs where state changes are announced
     * @param settings the initial settings
     */
    public StateMachine(Scheduler scheduler, Notifier notifier, Supplier<PrimaryMonitor> monitors,
                        Supplier<HostStartup> hostStartup, RoleOutputs outputs, CoreSettings settings) {
        this.scheduler = scheduler;
        this.notifier = notifier;
        this.monitors = monitors;
        this.hostStartup = hostStartup;
        this.outputs = outputs;
        this.settings = settings;
        this.journal = new Journal(scheduler::nowMillis);
        this.table = TransitionTable.rows();
        // Read the epoch now, so that a peer asking before row 1 has run already sees the persisted value (both
        // nodes starting at once compare epochs). Row 1 reads it again and reports a failure.
        if (settings.node() != null) {
            try {
                epoch = new EpochStore(settings.dataDir().resolve("core")).load();
            } catch (IOException | RuntimeException ex) {
                epoch = 0;
            }
        }
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
    private void onMachine(Runnable task) {
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

    /** A link changed status (the notifier's {@code LinkStatusListener}). */
    public void linkChanged(LinkStatus status) {
        if (status != null && status.link() != null) {
            onMachine(() -> onLink(status));
        }
    }

    /** The primary monitor service appeared: start it if the machine wants it running. */
    public void monitorAvailable() {
        onMachine(() -> {
            if (monitorsWanted) {
                startMonitorService();
            }
        });
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

    private CompletableFuture<SwitchResult> requestSwitch(boolean immediate, String requestedBy, boolean fromPeer,
                                                          boolean acceptWarnings) {
        CompletableFuture<SwitchResult> f = new CompletableFuture<>();
        String by = requestedBy == null || requestedBy.isBlank() ? "unknown" : requestedBy.strip();
        post(Event.of(EventType.INTERNAL_SWITCH_REQ, REASON_MANUAL,
                new SwitchRequest(immediate, by, fromPeer, acceptWarnings, f)));
        return f;
    }

    /**
     * Where the switch warnings come from ({@link org.switchover.api.warning.SwitchWarning} services); read on the
     * machine's thread when a manual switch is about to be carried out on this node.
     */
    public void warnings(Supplier<List<String>> source) {
        warnings = source == null ? List::of : source;
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
        try {
            return switch (request.eventId()) {
                case EventIds.STATE_QUERY -> answerStateQuery(request);
                case EventIds.DISCONTINUE -> {
                    Wire.Discontinue d = Wire.decodeDiscontinue(request.payload());
                    checkSender(d.node(), "DISCONTINUE");
                    yield inbound(EventType.PEER_TOOK_OVER, "DISCONTINUE from peer " + d.node(), d);
                }
                case EventIds.PREPARE_SWITCH -> {
                    Wire.Prepare p = Wire.decodePrepare(request.payload());
                    checkSender(p.node(), "PREPARE_SWITCH");
                    yield inbound(EventType.PREPARE_SWITCH, "PREPARE_SWITCH from peer " + p.node(), p);
                }
                case EventIds.REQUEST_SWITCH -> {
                    Wire.SwitchAsk ask = Wire.decodeSwitchAsk(request.payload());
                    checkSender(ask.node(), "REQUEST_SWITCH");
                    yield requestSwitch(ask.immediate(), ask.requestedBy() + " on node " + ask.node(), true,
                            ask.acceptWarnings()).thenApply(Wire::encode);
                }
                default -> CompletableFuture.failedFuture(new IllegalArgumentException(
                        "the switchover core does not answer event id '" + request.eventId() + "'"));
            };
        } catch (IllegalArgumentException e) {
            journal.warn("Refusing {} from {}: {}", request.eventId(), request.senderId(), e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
    }

    private void checkSender(NodeId sender, String what) {
        NodeId self = settings.node();
        if (self != null && sender == self) {
            throw new IllegalArgumentException("malformed " + what + ": it claims to come from node " + sender
                    + ", which is this node's own letter");
        }
    }

    private <T> CompletionStage<byte[]> inbound(EventType type, String what, T message) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        post(Event.of(type, what, new Inbound<>(message, reply)));
        return reply;
    }

    private CompletionStage<byte[]> answerStateQuery(Request request) {
        if (request.payload() != null && request.payload().length > 0) {
            Wire.StateInfo asker = Wire.decodeStateInfo(request.payload());
            checkSender(asker.node(), "state query");
            onMachine(() -> notePeer(new PeerAnswer(asker, "")));
        }
        return CompletableFuture.completedFuture(Wire.encode(selfInfo()));
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
                    cancelAllTimers();
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
            if (verifying && !stopped) {
                verifyWaiters.add(f);
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

    /** @return the transition table this machine runs. */
    List<Transition> table() {
        return table;
    }

    /** @return the settings in force. */
    CoreSettings settings() {
        return settings;
    }

    private Wire.StateInfo selfInfo() {
        Snapshot s = snapshot;
        return new Wire.StateInfo(s.node(), s.state(), s.epoch(), s.version(), s.forceBackup());
    }

    // =====================================================================================================
    // The event loop
    // =====================================================================================================

    private void process(Event e) {
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
        actionReason = null;
        SwitchoverState override;
        try {
            override = row.action().run(this, e);
        } catch (RuntimeException ex) {
            journal.auditError("Internal error in row {} on {} in state {}: {}", row.row(), e.type(), before,
                    String.valueOf(ex));
            completeUnhandled(e, "internal error: " + ex);
            actionReason = "internal error: " + ex;
            override = SwitchoverState.ERROR;
        }
        SwitchoverState target = override != null ? override : row.to() != null ? row.to() : before;
        String reason = actionReason != null ? actionReason : e.describe();
        lastDecision = "row " + row.row() + ": " + e.type() + " in " + before + " -> " + target
                + (reason.isEmpty() ? "" : " (" + reason + ")");
        if (target != before) {
            changeState(before, target, reason.isEmpty() ? row.actionText() : reason);
        }
        publish();
        List<Runnable> after = new ArrayList<>(afterTransition);
        afterTransition.clear();
        for (Runnable r : after) {
            try {
                r.run();
            } catch (RuntimeException ex) {
                journal.warn("Completing a request after row {} failed: {}", row.row(), String.valueOf(ex));
            }
        }
    }

    private void changeState(SwitchoverState before, SwitchoverState target, String reason) {
        state = target;
        if (before == SwitchoverState.INIT) {
            cancel(startupTimer);
            startupTimer = null;
            cancel(negotiationTimer);
            negotiationTimer = null;
        }
        journal.audit("State {} -> {}: {} (epoch {})", before, target, reason, epoch);
        if (before.role() != target.role()) {
            lastSwitchReason = reason;
        }
        if (before == SwitchoverState.PRIMARY) {
            stopDiscontinue();
        }
        if (target == SwitchoverState.INACTIVE || target == SwitchoverState.STOPPING
                || target == SwitchoverState.ERROR) {
            stopMonitors();
            endReconnect();
            pendingSwitch = null;
            closeLinks();
            if (pendingPrepare != null) {
                SwitchRequest r = pendingPrepare;
                pendingPrepare = null;
                r.result().complete(SwitchResult.refused(epoch, "switch abandoned: node went " + target));
            }
        }
        stopPeerWatch();
        if (target == SwitchoverState.PRIMARY || (target.role() == Role.BACKUP && !primaryConfirmed)) {
            startPeerWatch();
        }
        if (target == SwitchoverState.PRIMARY) {
            startLiveness();
        } else {
            stopLiveness();
        }
        if (target == SwitchoverState.BACKUP && monitorsWanted) {
            startWatchdog();
        }
        // The snapshot first: a component woken by the role condition or the COMMENCE event reads the new state and
        // epoch through SwitchoverStatus, never the previous ones.
        publish();
        try {
            outputs.stateChanged(before, target, reason, epoch);
        } catch (RuntimeException ex) {
            journal.warn("Announcing state {} failed: {}", target, String.valueOf(ex));
        }
    }

    private void completeUnhandled(Event e, String why) {
        SwitchRequest req = e.payload(SwitchRequest.class);
        if (req != null) {
            req.result().complete(SwitchResult.refused(epoch, "switch refused: " + why));
        }
        PrepareOutcome po = e.payload(PrepareOutcome.class);
        if (po != null) {
            if (po.request() == pendingPrepare) {
                pendingPrepare = null;
            }
            po.request().result().complete(SwitchResult.refused(epoch, "switch refused: " + why));
        }
        Inbound<?> in = e.payload(Inbound.class);
        if (in != null) {
            if (in.message() instanceof Wire.Prepare) {
                in.reply().complete(Wire.encode(new Wire.PrepareAck(false, settings.node(), state, epoch, why)));
            } else {
                in.reply().complete(Wire.encode(new Wire.DiscontinueAck(true, settings.node(), state, epoch)));
            }
        }
    }

    private void publish() {
        CoreSettings s = settings;
        snapshot = new Snapshot(s.node(), s.nodeError(), state, epoch, s.version(), s.peerAddress(), lastPeer,
                lastPeerMillis, lastPeerFailure, main, aux, s.manualSwitchOnly(), s.forceBackup(), primaryConfirmed,
                monitorsWanted, reconnectDueMillis, pendingSwitch == null ? "" : switchReason(pendingSwitch),
                lastDecision, lastSwitchReason, scheduler.nowMillis());
    }

    // =====================================================================================================
    // Guards (used by the table)
    // =====================================================================================================

    /** Automatic switching allowed: not manual mode and a primary was seen. */
    boolean automatic() {
        return !settings.manualSwitchOnly() && primaryConfirmed;
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

    boolean reconnectActive() {
        return reconnectActive;
    }

    boolean primaryConfirmed() {
        return primaryConfirmed;
    }

    boolean switchPending() {
        return pendingSwitch != null;
    }

    boolean prepareInProgress() {
        return pendingPrepare != null;
    }

    /** The request may be handed off in a controlled way: not immediate, and MAIN is up. */
    boolean canHandOff(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        return r != null && !r.immediate() && linkActive(Link.MAIN);
    }

    boolean fromPeer(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        return r != null && r.fromPeer();
    }

    boolean isPendingPrepare(Event e) {
        PrepareOutcome o = e.payload(PrepareOutcome.class);
        return o != null && o.request() == pendingPrepare;
    }

    /** The peer that sent {@code e} (DISCONTINUE) outranks this node. */
    boolean discontinueOutranks(Event e) {
        Inbound<?> in = e.payload(Inbound.class);
        return in != null && in.message() instanceof Wire.Discontinue d && peerWins(d.epoch());
    }

    /** The PREPARE_SWITCH carries an epoch higher than this node's. */
    boolean prepareAcceptable(Event e) {
        Inbound<?> in = e.payload(Inbound.class);
        return in != null && in.message() instanceof Wire.Prepare p && p.epoch() > epoch;
    }

    boolean peerIsPrimary(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        return a != null && a.info() != null && a.info().state() == SwitchoverState.PRIMARY;
    }

    boolean peerIsPrimaryAndWins(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        return peerIsPrimary(e) && peerWins(a.info().epoch());
    }

    /** The event would make the machine switch in its current state. */
    boolean wouldSwitch(Event e) {
        return switch (e.type()) {
            case MODULE_DOWN, CONNECTIONS_DOWN -> true;
            case PRIMARY_UNREACHABLE, RECONNECT_ATTEMPTS_EXHAUSTED -> state == SwitchoverState.RECONNECTING;
            default -> false;
        };
    }

    private boolean peerWins(long peerEpoch) {
        // Equal epochs: B yields, so that both nodes reach the same verdict.
        return peerEpoch > epoch || (peerEpoch == epoch && settings.node() == NodeId.B);
    }

    // =====================================================================================================
    // Actions (used by the table); each returns null, or a state replacing the row's target when it failed
    // =====================================================================================================

    SwitchoverState actStart(Event e) {
        CoreSettings s = settings;
        cancel(negotiationTimer);
        negotiationTimer = null;
        if (s.node() == null) {
            post(Event.of(EventType.ROLE_UNDETERMINED, s.nodeError()));
            return null;
        }
        store = new EpochStore(s.dataDir().resolve("core"));
        try {
            epoch = store.load();
        } catch (IOException ex) {
            post(Event.of(EventType.ERROR, "cannot read the epoch: " + ex.getMessage()));
            return null;
        }
        journal.info("Node {} starting: release {}, epoch {}, peer {}, manual switch only {}, force backup {},"
                        + " reconnect timeout {} s", s.node(), s.version(), epoch, s.peerAddress(),
                s.manualSwitchOnly(), s.forceBackup(), seconds(s.reconnectTimeoutMillis()));
        cancel(startupTimer);
        startupTimer = null;
        if (s.startupMaxMillis() > 0) {
            long max = s.startupMaxMillis();
            startupTimer = scheduler.schedule(() -> post(Event.of(EventType.STARTUP_TIMEOUT,
                    "the role was not decided within " + seconds(max) + " s")), max);
        }
        negotiationAttempt = 0;
        askPeer();
        return null;
    }

    private void askPeer() {
        negotiationTimer = null;
        negotiationAttempt++;
        CoreSettings s = settings;
        journal.info("Asking peer {} for its switchover state (query {})", s.peerAddress(), negotiationAttempt);
        queryPeer(Duration.ofMillis(s.negotiationTimeoutMillis()),
                a -> post(Event.of(EventType.PEER_ANSWER, "", a)));
    }

    private void queryPeer(Duration timeout, Consumer<PeerAnswer> then) {
        PendingRequest p;
        try {
            p = notifier.sendOnce("*", EventIds.STATE_QUERY, Wire.encode(selfInfo()), timeout);
        } catch (RuntimeException ex) {
            then.accept(new PeerAnswer(null, "the notifier failed: " + ex));
            return;
        }
        p.response().whenComplete((r, ex) -> then.accept(toPeerAnswer(r, ex)));
    }

    private static PeerAnswer toPeerAnswer(Response r, Throwable ex) {
        if (ex != null) {
            return new PeerAnswer(null, "the notifier failed: " + ex);
        }
        if (!r.isReply()) {
            return new PeerAnswer(null, r.outcome() + (r.detail().isEmpty() ? "" : ": " + r.detail()));
        }
        try {
            return new PeerAnswer(Wire.decodeStateInfo(r.payload()), "");
        } catch (IllegalArgumentException bad) {
            return new PeerAnswer(null, "the peer's answer cannot be verified: " + bad.getMessage());
        }
    }

    SwitchoverState actNegotiate(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        notePeer(a);
        CoreSettings s = settings;
        Negotiation.Decision d = Negotiation.decide(s.node(), s.version(), epoch, s.forceBackup(), a.info(),
                a.failure(), negotiationAttempt, s.negotiationMaxAttempts());
        journal.info("Negotiation: {} -> {}", a.info() != null ? "peer " + a.info().node() + " is "
                + a.info().state() + " (epoch " + a.info().epoch() + ", release " + a.info().version() + ")"
                : "no answer (" + a.failure() + ")", d.mode());
        switch (d.mode()) {
            case WAIT -> negotiationTimer = scheduler.schedule(() -> post(Event.of(EventType.NEGOTIATION_RETRY,
                    d.reason())), s.negotiationRetryMillis());
            case ERROR -> post(Event.of(EventType.ROLE_UNDETERMINED, d.reason()));
            case PRIMARY -> post(Event.of(EventType.MODE_PRIMARY, d.reason(), d));
            case BACKUP -> post(Event.of(EventType.MODE_BACKUP, d.reason(), d));
            case UPGRADE_HIGHER -> post(Event.of(EventType.MODE_UPGRADE_HIGHER, d.reason(), d));
            case UPGRADE_LOWER -> post(Event.of(EventType.MODE_UPGRADE_LOWER, d.reason(), d));
        }
        return null;
    }

    SwitchoverState actRetryNegotiation(Event e) {
        askPeer();
        return null;
    }

    SwitchoverState actBecomePrimary(Event e) {
        long next = nextEpoch();
        if (!persist(next)) {
            return fail("the epoch could not be stored; this node does not act as primary");
        }
        journal.audit("Node {} takes the PRIMARY role: {} (epoch {})", settings.node(), e.reason(), epoch);
        return null;
    }

    SwitchoverState actBecomeBackup(Event e) {
        Negotiation.Decision d = e.payload(Negotiation.Decision.class);
        primaryConfirmed = d != null && d.primaryConfirmed();
        journal.audit("Node {} takes the BACKUP role: {}", settings.node(), e.reason());
        openLinks();
        if (settings.manualSwitchOnly()) {
            journal.info("Manual switch only: the primary and module monitors are not started, no automatic"
                    + " switch");
        } else if (primaryConfirmed) {
            startMonitorsOnceLinked();
        } else {
            journal.info("No primary seen yet: monitoring and automatic switching start once one is found");
        }
        return null;
    }

    SwitchoverState actBecomeUpgrade(Event e) {
        primaryConfirmed = true;
        journal.audit("Node {} takes the BACKUP role in an upgrade state: {}", settings.node(), e.reason());
        journal.info("Upgrade state: no monitoring, no automatic switch (manual switch only)");
        openLinks();
        return null;
    }

    SwitchoverState actRolesUndetermined(Event e) {
        journal.auditError("The roles cannot be determined: {}. This node takes no role.", e.reason());
        return null;
    }

    SwitchoverState actStartupTimeout(Event e) {
        journal.auditError("Start-up failed: {}. Switchover does not start on this node.", e.reason());
        return null;
    }

    SwitchoverState actReconnect(Event e) {
        return reconnect(e, false);
    }

    SwitchoverState actReconnectStoppingMonitors(Event e) {
        return reconnect(e, true);
    }

    private SwitchoverState reconnect(Event e, boolean stopMonitors) {
        journal.info("{}: {}{}", state, e.type(), e.describe().isEmpty() ? "" : " - " + e.describe());
        if (stopMonitors) {
            stopMonitors();
        }
        startReconnect();
        return null;
    }

    private void startReconnect() {
        reconnectActive = true;
        CoreSettings s = settings;
        if (s.manualSwitchOnly()) {
            journal.info("Manual switch only: no reconnect timer, waiting for the connections to return");
        } else if (reconnectTimer == null) {
            long ms = s.reconnectTimeoutMillis();
            reconnectStartedMillis = scheduler.nowMillis();
            reconnectDueMillis = reconnectStartedMillis + ms;
            journal.info("Scheduling reconnect timeout to execute in {} second(s)", seconds(ms));
            reconnectTimer = scheduler.schedule(() -> {
                reconnectTimer = null;
                post(Event.of(EventType.RECONNECT_TIMER_EXPIRED, REASON_NOTIFIER,
                        "reconnect period of " + seconds(ms) + " s expired"));
            }, ms);
        } else {
            journal.info("Reconnect timer already running; it fires in {} second(s)",
                    seconds(reconnectDueMillis - scheduler.nowMillis()));
        }
        startProbe();
    }

    SwitchoverState actHalt(Event e) {
        stopMonitors();
        journal.auditError("Module down in manual mode ({}): halting, no switch", e.describe());
        return null;
    }

    SwitchoverState actSwitch(Event e) {
        String reason = switchReason(e);
        switch (e.type()) {
            case MODULE_DOWN -> journal.info("{}: the monitored module is down; switching now and going to"
                    + " PRIMARY", state);
            case CONNECTIONS_DOWN -> journal.info("{}: lost the connections to the primary; switching now and"
                    + " going to PRIMARY", state);
            default -> journal.info("{}: {}; switching now and going to PRIMARY", state, e.type());
        }
        return switchNow(reason, detailBeyond(reason, e), null, null, 0L);
    }

    SwitchoverState actDeferSwitch(Event e) {
        if (pendingSwitch == null) {
            pendingSwitch = e;
            journal.info("{}: {} while the local host is still starting; the switch is deferred until start-up"
                    + " completes", state, e.type());
        }
        HostStartup hs = hostStartup.get();
        if (hs != null && !startupSubscribed) {
            startupSubscribed = true;
            hs.started().whenComplete((v, ex) -> post(Event.of(EventType.STARTUP_COMPLETE,
                    "local host start-up completed")));
        }
        return null;
    }

    SwitchoverState actDeferredSwitch(Event e) {
        Event p = pendingSwitch;
        pendingSwitch = null;
        startupSubscribed = false;
        journal.info("{}: local host started; carrying out the deferred switch ({})", state, p.type());
        return switchNow(switchReason(p), detailBeyond(switchReason(p), p) + "; deferred until the local host started",
                null, null, 0L);
    }

    SwitchoverState actStartupNoted(Event e) {
        startupSubscribed = false;
        return null;
    }

    SwitchoverState actSendPrepare(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        CoreSettings s = settings;
        long proposed = nextEpoch();
        pendingPrepare = r;
        journal.info("{}: manual switch requested by {}; asking the primary to prepare a controlled hand-off"
                + " (new epoch {})", state, r.requestedBy(), proposed);
        PendingRequest p;
        try {
            p = notifier.send(Link.MAIN, "*", EventIds.PREPARE_SWITCH,
                    Wire.encode(new Wire.Prepare(s.node(), proposed, REASON_MANUAL, r.requestedBy())),
                    Duration.ofMillis(s.prepareTimeoutMillis()));
        } catch (RuntimeException ex) {
            post(Event.of(EventType.PREPARE_REPLY, REASON_MANUAL,
                    new PrepareOutcome(r, proposed, null, "the notifier failed: " + ex)));
            return null;
        }
        p.response().whenComplete((resp, ex) -> post(Event.of(EventType.PREPARE_REPLY, REASON_MANUAL,
                toPrepareOutcome(r, proposed, resp, ex))));
        return null;
    }

    private static PrepareOutcome toPrepareOutcome(SwitchRequest r, long proposed, Response resp, Throwable ex) {
        if (ex != null) {
            return new PrepareOutcome(r, proposed, null, "the notifier failed: " + ex);
        }
        if (!resp.isReply()) {
            return new PrepareOutcome(r, proposed, null, "the primary did not answer: " + resp.outcome()
                    + (resp.detail().isEmpty() ? "" : " (" + resp.detail() + ")"));
        }
        try {
            return new PrepareOutcome(r, proposed, Wire.decodePrepareAck(resp.payload()), "");
        } catch (IllegalArgumentException bad) {
            return new PrepareOutcome(r, proposed, null, "the primary's answer is not valid: " + bad.getMessage());
        }
    }

    SwitchoverState actPrepared(Event e) {
        PrepareOutcome o = e.payload(PrepareOutcome.class);
        pendingPrepare = null;
        boolean controlled = o.ack() != null && o.ack().accepted();
        if (o.ack() != null) {
            notePeerEpoch(o.ack().epoch());
        }
        String detail = controlled
                ? "controlled: primary " + o.ack().node() + " stopped taking work and acknowledged"
                : "uncontrolled: " + (o.ack() != null ? "the primary did not hand off (" + o.ack().detail() + ")"
                : o.failure());
        journal.info("{}: manual switch by {}; backup switching to primary mode", state, o.request().requestedBy());
        return switchNow(REASON_MANUAL, detail + "; requested by " + o.request().requestedBy() + despiteWarnings(),
                controlled ? SwitchResult.Mode.CONTROLLED : SwitchResult.Mode.UNCONTROLLED, o.request(),
                o.proposedEpoch());
    }

    SwitchoverState actUncontrolledManual(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        String why = r.immediate() ? "immediate request, the primary is told afterwards"
                : "the primary cannot be reached over the main connection";
        journal.info("{}: manual switch requested by {}{}; backup switching to primary mode", state,
                r.requestedBy(), r.immediate() ? " (immediate)" : "");
        return switchNow(REASON_MANUAL, "uncontrolled: " + why + "; requested by " + r.requestedBy()
                + despiteWarnings(),
                SwitchResult.Mode.UNCONTROLLED, r, 0L);
    }

    /** @return the switch warnings in force now (never null; a failing source counts as none, logged). */
    private List<String> currentWarnings() {
        try {
            List<String> w = warnings.get();
            return w == null ? List.of() : w;
        } catch (RuntimeException ex) {
            journal.warn("Reading the switch warnings failed: {}", ex.toString());
            return List.of();
        }
    }

    /** Guard of row 15w: warnings in force that the requester did not accept. */
    boolean warningsNotAccepted(Event e) {
        return !e.payload(SwitchRequest.class).acceptWarnings() && !currentWarnings().isEmpty();
    }

    SwitchoverState actRefuseWarnings(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        String w = String.join("; ", currentWarnings());
        journal.warn("Manual switch requested by {} refused: warnings not accepted: {}", r.requestedBy(), w);
        r.result().complete(SwitchResult.refused(epoch, "switch refused: " + w + ". " + WARNING_QUESTION
                + " Accept the warnings to switch anyway (switchoverctl switch --ignore-warnings, "
                + "switchover:switch --ignore-warnings)"));
        return null;
    }

    /** @return " despite the warnings: ..." for the audit line of a manual switch, or empty. */
    private String despiteWarnings() {
        List<String> w = currentWarnings();
        return w.isEmpty() ? "" : "; switched despite the warnings: " + String.join("; ", w);
    }

    SwitchoverState actRefuseSwitch(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        String why;
        if (pendingPrepare != null) {
            why = "a switch is already in progress";
        } else if (state == SwitchoverState.PRIMARY) {
            why = "this node is already PRIMARY (the request came from the peer, which is not the backup)";
        } else {
            why = "not possible in state " + state
                    + (state == SwitchoverState.INACTIVE ? " (stale: restart this node first)" : "");
        }
        journal.warn("Manual switch requested by {} refused: {}", r.requestedBy(), why);
        r.result().complete(SwitchResult.refused(epoch, "switch refused: " + why));
        return null;
    }

    SwitchoverState actForwardSwitch(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        CoreSettings s = settings;
        journal.info("PRIMARY: manual switch requested by {}; forwarding the request to the backup", r.requestedBy());
        byte[] body = Wire.encode(new Wire.SwitchAsk(s.node(), r.immediate(), r.requestedBy(), r.acceptWarnings()));
        Duration timeout = Duration.ofMillis(s.forwardTimeoutMillis());
        PendingRequest p;
        try {
            p = linkActive(Link.MAIN) ? notifier.send(Link.MAIN, "*", EventIds.REQUEST_SWITCH, body, timeout)
                    : notifier.sendOnce("*", EventIds.REQUEST_SWITCH, body, timeout);
        } catch (RuntimeException ex) {
            r.result().complete(SwitchResult.refused(epoch, "switch failed: the notifier failed: " + ex));
            return null;
        }
        p.response().whenComplete((resp, ex) -> {
            SwitchResult result;
            if (ex != null) {
                result = SwitchResult.refused(snapshot.epoch(), "switch failed: the notifier failed: " + ex);
            } else if (!resp.isReply()) {
                result = SwitchResult.refused(snapshot.epoch(), "switch failed: the backup did not carry it out ("
                        + resp.outcome() + (resp.detail().isEmpty() ? "" : ": " + resp.detail()) + ")");
            } else {
                try {
                    result = Wire.decodeSwitchResult(resp.payload());
                } catch (IllegalArgumentException bad) {
                    result = SwitchResult.refused(snapshot.epoch(), "switch outcome unknown: " + bad.getMessage());
                }
            }
            SwitchResult fin = result;
            onMachine(() -> journal.info("Forwarded switch request: {}", fin.detail()));
            r.result().complete(fin);
        });
        return null;
    }

    SwitchoverState actTimerExpired(Event e) {
        journal.info("Reconnect period expired after {} s; posting CONNECTIONS_DOWN to start a switch",
                seconds(scheduler.nowMillis() - reconnectStartedMillis));
        post(Event.of(EventType.CONNECTIONS_DOWN, REASON_NOTIFIER, e.detail()));
        return null;
    }

    SwitchoverState actRestored(Event e) {
        journal.info("{}: connections to the primary re-established ({}); resynchronising and resuming"
                + " monitoring", state, e.describe());
        endReconnect();
        pendingSwitch = null;
        if (automatic()) {
            startMonitors();
        }
        return null;
    }

    SwitchoverState actReconnectStep(Event e) {
        journal.info("{}: reconnect attempt in progress - {} (the reconnect timer keeps running)", state,
                e.describe());
        return null;
    }

    SwitchoverState actSubsystemFailed(Event e) {
        stopMonitors();
        journal.auditError("A critical local subsystem failed ({}): halting, no automatic switch", e.describe());
        return null;
    }

    SwitchoverState actNoAutomaticSwitch(Event e) {
        journal.info("{}: {}{} - no automatic switch in an upgrade state", state, e.type(),
                e.describe().isEmpty() ? "" : " (" + e.describe() + ")");
        return null;
    }

    SwitchoverState actManualModeIgnores(Event e) {
        journal.info("{}: {} ignored - manual switch only", state, e.type());
        return null;
    }

    SwitchoverState actDiscontinued(Event e) {
        @SuppressWarnings("unchecked")
        Inbound<Wire.Discontinue> in = (Inbound<Wire.Discontinue>) e.payload(Inbound.class);
        Wire.Discontinue d = in.message();
        notePeerEpoch(d.epoch());
        journal.audit("Peer {} took over with epoch {} ({}); this node (epoch {}) stops acting as primary and"
                + " becomes INACTIVE (stale)", d.node(), d.epoch(), d.reason(), epoch);
        actionReason = "peer " + d.node() + " took over with epoch " + d.epoch();
        afterTransition.add(() -> in.reply().complete(
                Wire.encode(new Wire.DiscontinueAck(true, settings.node(), state, epoch))));
        return null;
    }

    SwitchoverState actRefuseDiscontinue(Event e) {
        @SuppressWarnings("unchecked")
        Inbound<Wire.Discontinue> in = (Inbound<Wire.Discontinue>) e.payload(Inbound.class);
        Wire.Discontinue d = in.message();
        notePeerEpoch(d.epoch());
        journal.warn("Peer {} claims to have taken over with epoch {}, but this primary holds epoch {}: refusing"
                + " and telling it to discontinue", d.node(), d.epoch(), epoch);
        in.reply().complete(Wire.encode(new Wire.DiscontinueAck(false, settings.node(), state, epoch)));
        startDiscontinue("peer " + d.node() + " claims primacy with a lower epoch");
        return null;
    }

    SwitchoverState actAckDiscontinue(Event e) {
        @SuppressWarnings("unchecked")
        Inbound<Wire.Discontinue> in = (Inbound<Wire.Discontinue>) e.payload(Inbound.class);
        notePeerEpoch(in.message().epoch());
        journal.info("{}: peer {} announces it is primary with epoch {}", state, in.message().node(),
                in.message().epoch());
        in.reply().complete(Wire.encode(new Wire.DiscontinueAck(true, settings.node(), state, epoch)));
        return null;
    }

    SwitchoverState actPrepareAccept(Event e) {
        @SuppressWarnings("unchecked")
        Inbound<Wire.Prepare> in = (Inbound<Wire.Prepare>) e.payload(Inbound.class);
        Wire.Prepare p = in.message();
        notePeerEpoch(p.epoch());
        journal.audit("Peer {} takes over in a controlled hand-off ({}, requested by {}, new epoch {}): this node"
                + " stops taking new work and becomes INACTIVE", p.node(), p.reason(), p.requestedBy(), p.epoch());
        // The host has nothing to flush yet; ROLE_DISCONTINUE goes out with the state change below.
        actionReason = "controlled hand-off to peer " + p.node() + " (epoch " + p.epoch() + ")";
        afterTransition.add(() -> in.reply().complete(Wire.encode(new Wire.PrepareAck(true, settings.node(), state,
                epoch, "stopped taking work"))));
        return null;
    }

    SwitchoverState actPrepareRefuse(Event e) {
        @SuppressWarnings("unchecked")
        Inbound<Wire.Prepare> in = (Inbound<Wire.Prepare>) e.payload(Inbound.class);
        Wire.Prepare p = in.message();
        notePeerEpoch(p.epoch());
        String why = state == SwitchoverState.PRIMARY
                ? "proposed epoch " + p.epoch() + " is not higher than this primary's epoch " + epoch
                : "this node is not primary (state " + state + ")";
        journal.warn("Refusing PREPARE_SWITCH from peer {}: {}", p.node(), why);
        in.reply().complete(Wire.encode(new Wire.PrepareAck(false, settings.node(), state, epoch, why)));
        return null;
    }

    SwitchoverState actSplitBrainYield(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        notePeer(a);
        journal.audit("Peer {} is also PRIMARY with epoch {} (this node: {}): split brain healed, this node becomes"
                + " INACTIVE (stale)", a.info().node(), a.info().epoch(), epoch);
        actionReason = "peer " + a.info().node() + " is primary with epoch " + a.info().epoch();
        return null;
    }

    SwitchoverState actSplitBrainHold(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        notePeer(a);
        journal.warn("Peer {} is also PRIMARY with epoch {} (this node: {}): telling it to discontinue",
                a.info().node(), a.info().epoch(), epoch);
        startDiscontinue("split brain: this node holds the higher epoch");
        return null;
    }

    SwitchoverState actPeerNoted(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        notePeer(a);
        if (a.info() != null && discontinueActive && a.info().state() != SwitchoverState.PRIMARY
                && a.info().state() != SwitchoverState.INIT) {
            journal.info("Peer {} is {}: no further DISCONTINUE needed", a.info().node(), a.info().state());
            stopDiscontinue();
        }
        return null;
    }

    SwitchoverState actConfirmPrimary(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        notePeer(a);
        primaryConfirmed = true;
        stopPeerWatch();
        journal.audit("Primary {} found (epoch {}, release {}): automatic switching enabled", a.info().node(),
                a.info().epoch(), a.info().version());
        if (!Versions.equals(settings.version(), a.info().version())) {
            journal.warn("The primary runs release {} and this node {}: restart this node to enter the upgrade"
                    + " state", a.info().version(), settings.version());
        }
        openLinks();
        if (state == SwitchoverState.BACKUP && automatic()) {
            startMonitorsOnceLinked();
        }
        return null;
    }

    SwitchoverState actRestart(Event e) {
        journal.audit("{}: {}; negotiating the role again", state, e.describe());
        primaryConfirmed = false;
        lastPeer = null;
        lastPeerFailure = "";
        highestPeerEpoch = 0;
        post(Event.of(EventType.SERVICE_START, "restart"));
        return null;
    }

    SwitchoverState actWanFailure(Event e) {
        stopMonitors();
        journal.auditError("The diagnosis says NetTestUnreachable ({}): assuming a WAN failure, not switching;"
                + " processing halted - restart the backup once the network is back", e.describe());
        return null;
    }

    SwitchoverState actShutdown(Event e) {
        journal.audit("Switchover service shutting down in state {}", state);
        return null;
    }

    SwitchoverState actError(Event e) {
        journal.auditError("Error in state {}: {}", state, e.describe());
        return null;
    }

    private SwitchoverState fail(String reason) {
        actionReason = reason;
        return SwitchoverState.ERROR;
    }

    // =====================================================================================================
    // The switch
    // =====================================================================================================

    private SwitchoverState switchNow(String reason, String detail, SwitchResult.Mode mode, SwitchRequest req,
                                      long proposedEpoch) {
        long next = Math.max(nextEpoch(), proposedEpoch);
        if (!persist(next)) {
            if (req != null) {
                afterTransition.add(() -> req.result().complete(SwitchResult.refused(epoch,
                        "switch failed: the new epoch could not be stored")));
            }
            return fail("the new epoch could not be stored; this node does not act as primary");
        }
        stopMonitors();
        endReconnect();
        pendingSwitch = null;
        primaryConfirmed = false;
        closeLinks();
        // Reason first, then the line operators search for (spec section 13.4).
        journal.audit("Switch reason: {} - {}", reason, detail);
        journal.audit("Switchover Service: Switch Initiated");
        journal.audit("Initiating switch: node {} becomes PRIMARY with epoch {}{}", settings.node(), epoch,
                mode == null ? "" : " (" + mode.name().toLowerCase() + ")");
        actionReason = reason;
        startDiscontinue(reason);
        if (req != null) {
            SwitchResult result = new SwitchResult(true, mode, epoch, "node " + settings.node()
                    + " is PRIMARY with epoch " + epoch + " (" + detail + ")");
            afterTransition.add(() -> req.result().complete(result));
        }
        return null;
    }

    /** The event's words without repeating the switch reason itself. */
    private static String detailBeyond(String reason, Event e) {
        if (reason.equals(e.reason()) && !e.detail().isEmpty()) {
            return e.detail();
        }
        return e.describe().isEmpty() ? e.type().name() : e.describe();
    }

    private static String switchReason(Event e) {
        return switch (e.type()) {
            case MODULE_DOWN -> REASON_TS;
            case INTERNAL_SWITCH_REQ, PREPARE_REPLY -> REASON_MANUAL;
            default -> REASON_NOTIFIER;
        };
    }

    private long nextEpoch() {
        return Math.max(epoch, highestPeerEpoch) + 1;
    }

    private boolean persist(long next) {
        try {
            if (store == null) {
                throw new IOException("no epoch store (the node has not started)");
            }
            store.store(next);
            epoch = next;
            return true;
        } catch (IOException | RuntimeException ex) {
            journal.auditError("Cannot store epoch {} in {}: {}", next, store == null ? "-" : store.file(),
                    String.valueOf(ex));
            return false;
        }
    }

    // =====================================================================================================
    // Monitors, watchdog, reconnect probe
    // =====================================================================================================

    /**
     * Row 3 opens the links, then starts the monitors: a monitor started before the links are up would diagnose the
     * connection set-up as a failure. Bounded: after twice the notifier's reconnect delay the monitors start anyway
     * (a primary that died right after the negotiation must still be detected).
     */
    private void startMonitorsOnceLinked() {
        if (linkActive(Link.MAIN) && linkActive(Link.AUX)) {
            startMonitors();
            return;
        }
        long wait;
        try {
            wait = notifier.reconnectDelay().toMillis() * 2;
        } catch (RuntimeException ex) {
            wait = 10_000L;
        }
        wait = Math.max(2_000L, Math.min(120_000L, wait));
        monitorsPending = true;
        cancel(monitorStartTimer);
        journal.info("The monitors start once both links are up (at most {} s from now)", seconds(wait));
        monitorStartTimer = scheduler.schedule(() -> {
            monitorStartTimer = null;
            if (monitorsPending && !stopped) {
                monitorsPending = false;
                if (state.role() == Role.BACKUP && automatic()) {
                    journal.info("The links are not both up yet; starting the monitors anyway");
                    startMonitors();
                    publish();
                }
            }
        }, wait);
    }

    private void startMonitors() {
        monitorsPending = false;
        cancel(monitorStartTimer);
        monitorStartTimer = null;
        monitorsWanted = true;
        watchdogFailures = 0;
        startMonitorService();
        if (state == SwitchoverState.BACKUP || state == SwitchoverState.RECONNECTING) {
            startWatchdog();
        }
    }

    private void startMonitorService() {
        PrimaryMonitor pm = monitors.get();
        if (pm == null) {
            journal.warn("No primary monitor service is registered: only the loss of both notifier connections"
                    + " is detected until one appears");
            return;
        }
        try {
            pm.start();
            journal.info("Primary monitor started");
        } catch (RuntimeException ex) {
            journal.warn("Starting the primary monitor failed: {}", String.valueOf(ex));
        }
    }

    private void stopMonitors() {
        boolean was = monitorsWanted;
        monitorsWanted = false;
        monitorsPending = false;
        cancel(monitorStartTimer);
        monitorStartTimer = null;
        cancel(watchdogTimer);
        watchdogTimer = null;
        PrimaryMonitor pm = monitors.get();
        if (pm != null && was) {
            try {
                pm.stop();
                journal.info("Primary monitor stopped");
            } catch (RuntimeException ex) {
                journal.warn("Stopping the primary monitor failed: {}", String.valueOf(ex));
            }
        }
    }

    private boolean monitorRunning() {
        PrimaryMonitor pm = monitors.get();
        try {
            return monitorsWanted && pm != null && pm.isRunning();
        } catch (RuntimeException ex) {
            return false;
        }
    }

    private void startWatchdog() {
        if (watchdogTimer == null && monitorsWanted) {
            watchdogTimer = scheduler.schedule(this::watchdogTick, settings.watchdogMillis());
        }
    }

    private void watchdogTick() {
        watchdogTimer = null;
        if (stopped || !monitorsWanted) {
            return;
        }
        // Tracking is suspended while reconnecting (spec section 5.4).
        if (state == SwitchoverState.BACKUP) {
            PrimaryMonitor pm = monitors.get();
            if (pm != null) {
                try {
                    pm.watchdogPoll();
                    watchdogFailures = 0;
                } catch (RuntimeException ex) {
                    watchdogFailures++;
                    journal.warn("Watchdog poll of the primary monitor failed ({} of {}): {}", watchdogFailures,
                            WATCHDOG_FAILURE_LIMIT, String.valueOf(ex));
                    if (watchdogFailures >= WATCHDOG_FAILURE_LIMIT) {
                        post(Event.of(EventType.SUBSYSTEM_FAILED, "primary monitor",
                                "watchdog poll failed " + watchdogFailures + " times: " + ex));
                        return;
                    }
                }
            }
        }
        startWatchdog();
    }

    private void endReconnect() {
        reconnectActive = false;
        cancel(reconnectTimer);
        reconnectTimer = null;
        reconnectDueMillis = -1;
        cancel(probeTimer);
        probeTimer = null;
    }

    private void startProbe() {
        if (probeTimer == null) {
            probeTimer = scheduler.schedule(this::probeTick, settings.reconnectProbeMillis());
        }
    }

    private void probeTick() {
        probeTimer = null;
        if (stopped || !reconnectActive) {
            return;
        }
        probeNow();
        startProbe();
    }

    /** "Try to restore the connections": when both links are up, check that the primary's notifier answers. */
    private void probeNow() {
        if (probeInFlight || !linkActive(Link.MAIN) || !linkActive(Link.AUX)) {
            return;
        }
        probeInFlight = true;
        PendingRequest p;
        try {
            p = notifier.send(Link.MAIN, "*", EventIds.NOTIFIER_PING, new byte[0],
                    Duration.ofMillis(Math.min(settings.reconnectProbeMillis(), PROBE_TIMEOUT_MAX_MILLIS)));
        } catch (RuntimeException ex) {
            probeInFlight = false;
            return;
        }
        p.response().whenComplete((r, ex) -> onMachine(() -> {
            probeInFlight = false;
            if (r != null && r.isReply() && reconnectActive) {
                post(Event.of(EventType.CONNECTIONS_RESTORED, "",
                        "both notifier connections are active and the primary's notifier answers"));
            }
        }));
    }

    // =====================================================================================================
    // Links
    // =====================================================================================================

    private boolean linkActive(Link link) {
        try {
            LinkStatus s = notifier.status(link);
            return s != null && s.isActive();
        } catch (RuntimeException ex) {
            return false;
        }
    }

    private void openLinks() {
        linksEverActive = false;
        try {
            notifier.openPeerLinks();
        } catch (RuntimeException ex) {
            journal.warn("Opening the peer links failed: {}", String.valueOf(ex));
        }
    }

    private void closeLinks() {
        try {
            if (notifier.peerLinksOpen()) {
                notifier.closePeerLinks();
            }
        } catch (RuntimeException ex) {
            journal.warn("Closing the peer links failed: {}", String.valueOf(ex));
        }
    }

    private void onLink(LinkStatus ls) {
        LinkStatus previous = ls.link() == Link.MAIN ? main : aux;
        if (ls.link() == Link.MAIN) {
            main = ls;
        } else {
            aux = ls;
        }
        boolean mainUp = main.isActive();
        boolean auxUp = aux.isActive();
        if (mainUp || auxUp) {
            linksEverActive = true;
        }
        if (state.role() != Role.BACKUP) {
            return;
        }
        if (monitorsPending && mainUp && auxUp && automatic()) {
            journal.info("Both links are up");
            startMonitors();
        }
        if (!primaryConfirmed && ls.isActive() && !previous.isActive()) {
            // A link came up: look for the primary now rather than at the next period.
            stopPeerWatch();
            peerWatchTick();
        }
        if (reconnectActive) {
            if (mainUp && auxUp) {
                probeNow();
            }
            if (state == SwitchoverState.RECONNECTING && ls.isActive() && !previous.isActive()) {
                post(Event.of(EventType.RECONNECT_STEP, "", ls.link() + " connection is back"));
            } else if (state == SwitchoverState.BACKUP && !ls.isActive() && previous.isActive()) {
                post(Event.of(EventType.RECONNECT_STEP_LOST, "", ls.link() + " connection lost again"));
            }
            int max = settings.reconnectMaxAttempts();
            if (max > 0 && !mainUp && !auxUp && main.reconnectAttempt() >= max && aux.reconnectAttempt() >= max) {
                post(Event.of(EventType.RECONNECT_ATTEMPTS_EXHAUSTED, REASON_NOTIFIER,
                        "both connections failed " + max + " reconnect attempts"));
            }
        } else if (linksEverActive && !mainUp && !auxUp && !monitorRunning()) {
            post(Event.of(EventType.NOTIFIER_DOWN, REASON_NOTIFIER,
                    "both notifier connections lost and no primary monitor is running"));
        }
    }

    // =====================================================================================================
    // Peer watch (primary: split brain; forced backup: search for a primary) and DISCONTINUE
    // =====================================================================================================

    private void startPeerWatch() {
        if (peerWatchTimer == null) {
            peerWatchTimer = scheduler.schedule(this::peerWatchTick, settings.peerQueryMillis());
        }
    }

    private void stopPeerWatch() {
        cancel(peerWatchTimer);
        peerWatchTimer = null;
    }

    private void peerWatchTick() {
        peerWatchTimer = null;
        if (stopped) {
            return;
        }
        boolean wanted = state == SwitchoverState.PRIMARY || (state.role() == Role.BACKUP && !primaryConfirmed);
        if (!wanted) {
            return;
        }
        if (!peerQueryInFlight) {
            peerQueryInFlight = true;
            queryPeer(Duration.ofMillis(Math.min(settings.peerQueryMillis(), settings.negotiationTimeoutMillis())),
                    a -> scheduler.execute(() -> {
                        peerQueryInFlight = false;
                        process(Event.of(EventType.PEER_STATE, "", a));
                    }));
        }
        startPeerWatch();
    }

    // ---- a primary that was suspended checks its peer first ----

    private void startLiveness() {
        if (livenessTimer == null) {
            livenessDueMillis = scheduler.nowMillis() + LIVENESS_TICK_MILLIS;
            livenessTimer = scheduler.schedule(this::livenessTick, LIVENESS_TICK_MILLIS);
        }
    }

    private void stopLiveness() {
        cancel(livenessTimer);
        livenessTimer = null;
        endVerification();
    }

    private void livenessTick() {
        livenessTimer = null;
        if (stopped || state != SwitchoverState.PRIMARY) {
            return;
        }
        long late = scheduler.nowMillis() - livenessDueMillis;
        if (late > SUSPENSION_THRESHOLD_MILLIS && !verifying) {
            journal.warn("This primary ran {} ms late (the process was stopped or starved): asking peer {} whether"
                    + " it took over before anything else", late, settings.peerAddress());
            verifying = true;
            verifyGuard = scheduler.schedule(() -> {
                verifyGuard = null;
                if (verifying) {
                    journal.warn("No answer from the peer within {} ms after the suspension: staying primary",
                            VERIFY_TIMEOUT_MILLIS);
                    endVerification();
                    publish();
                }
            }, VERIFY_TIMEOUT_MILLIS + 500L);
            queryPeer(Duration.ofMillis(VERIFY_TIMEOUT_MILLIS), a -> scheduler.execute(() -> {
                if (!stopped) {
                    process(Event.of(EventType.PEER_STATE, "", a));
                }
                endVerification();
            }));
        }
        startLiveness();
    }

    /** Ends the check after a suspension and answers the status requests that waited for it. */
    private void endVerification() {
        verifying = false;
        cancel(verifyGuard);
        verifyGuard = null;
        if (!verifyWaiters.isEmpty()) {
            publish();
            Snapshot s = snapshot;
            List<CompletableFuture<Snapshot>> w = new ArrayList<>(verifyWaiters);
            verifyWaiters.clear();
            w.forEach(f -> f.complete(s));
        }
    }

    private void startDiscontinue(String reason) {
        discontinueReason = reason;
        if (discontinueActive) {
            return;
        }
        discontinueActive = true;
        discontinueAttempts = 0;
        discontinueTimer = scheduler.schedule(this::discontinueTick, 0L);
    }

    private void stopDiscontinue() {
        discontinueActive = false;
        cancel(discontinueTimer);
        discontinueTimer = null;
    }

    private void discontinueTick() {
        discontinueTimer = null;
        if (stopped || !discontinueActive) {
            return;
        }
        if (state != SwitchoverState.PRIMARY) {
            stopDiscontinue();
            return;
        }
        CoreSettings s = settings;
        if (discontinueAttempts >= s.discontinueMaxAttempts()) {
            journal.warn("The peer did not acknowledge DISCONTINUE after {} attempts; the periodic state query"
                    + " continues", discontinueAttempts);
            stopDiscontinue();
            return;
        }
        discontinueAttempts++;
        int attempt = discontinueAttempts;
        if (attempt == 1) {
            journal.info("Sending DISCONTINUE (epoch {}) to the peer, every {} ms until it acknowledges", epoch,
                    s.discontinueIntervalMillis());
        }
        try {
            PendingRequest p = notifier.sendOnce("*", EventIds.DISCONTINUE,
                    Wire.encode(new Wire.Discontinue(s.node(), epoch, discontinueReason)),
                    Duration.ofMillis(s.discontinueIntervalMillis()));
            p.response().whenComplete((r, ex) -> onMachine(() -> onDiscontinueAnswer(r)));
        } catch (RuntimeException ex) {
            journal.warn("Sending DISCONTINUE failed: {}", String.valueOf(ex));
        }
        discontinueTimer = scheduler.schedule(this::discontinueTick, s.discontinueIntervalMillis());
    }

    private void onDiscontinueAnswer(Response r) {
        if (r == null || !r.isReply() || !discontinueActive) {
            return;
        }
        Wire.DiscontinueAck ack;
        try {
            ack = Wire.decodeDiscontinueAck(r.payload());
        } catch (IllegalArgumentException bad) {
            journal.warn("Ignoring the peer's DISCONTINUE answer: {}", bad.getMessage());
            return;
        }
        notePeerEpoch(ack.epoch());
        if (ack.ack()) {
            journal.audit("Peer {} acknowledged DISCONTINUE; it is now {}", ack.node(), ack.state());
            stopDiscontinue();
        } else if (ack.state() == SwitchoverState.PRIMARY) {
            post(Event.of(EventType.PEER_STATE, "", new PeerAnswer(
                    new Wire.StateInfo(ack.node(), ack.state(), ack.epoch(), "", false), "")));
        }
    }

    private void notePeer(PeerAnswer a) {
        lastPeerMillis = scheduler.nowMillis();
        if (a.info() != null) {
            lastPeer = a.info();
            lastPeerFailure = "";
            notePeerEpoch(a.info().epoch());
        } else {
            lastPeerFailure = a.failure();
        }
    }

    private void notePeerEpoch(long e) {
        // Kept in memory only: the epoch file holds this node's own terms (see DECISIONS.md).
        highestPeerEpoch = Math.max(highestPeerEpoch, e);
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
                stopMonitors();
                cancel(reconnectTimer);
                reconnectTimer = null;
                reconnectDueMillis = -1;
            } else {
                journal.audit("Manual switch only switched off: automatic switching resumes");
                if ((state == SwitchoverState.BACKUP || state == SwitchoverState.RECONNECTING) && automatic()) {
                    startMonitors();
                    if (reconnectActive) {
                        startReconnect();
                    }
                }
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

    private void cancelAllTimers() {
        cancel(negotiationTimer);
        cancel(startupTimer);
        cancel(watchdogTimer);
        cancel(reconnectTimer);
        cancel(probeTimer);
        cancel(peerWatchTimer);
        cancel(discontinueTimer);
        cancel(monitorStartTimer);
        cancel(livenessTimer);
        livenessTimer = null;
        endVerification();
        monitorStartTimer = null;
        negotiationTimer = startupTimer = watchdogTimer = reconnectTimer = probeTimer = peerWatchTimer = null;
        discontinueTimer = null;
        discontinueActive = false;
        reconnectActive = false;
    }

    private static void cancel(Cancellable c) {
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

    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
