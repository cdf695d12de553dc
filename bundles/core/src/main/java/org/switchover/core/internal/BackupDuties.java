package org.switchover.core.internal;

import org.switchover.api.Role;
import org.switchover.api.SwitchoverState;
import org.switchover.api.host.HostStartup;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;

/**
 * What the backup does while it plays the backup role (Backup, Reconnecting, the upgrade states), and stops the
 * moment it leaves it: its links to the primary, the primary monitor and its watchdog ({@link MonitorSupervision}),
 * the reconnect period ({@link Reconnect}), a switch
 * deferred while the local host starts, and - while no primary was seen - the search for one. Created by rows 3 to 5;
 * each method below is a row's action (see {@link TransitionTable}). Runs on the machine's thread.
 */
final class BackupDuties implements Duties {

    private final StateMachine machine;
    private final Journal journal;
    private final boolean upgrade;
    private final PeerWatch search;
    private boolean primaryConfirmed;
    private boolean linksEverActive;

    private final MonitorSupervision monitors;
    private final RefusalCheck refusal;
    private Reconnect reconnect;
    private Event pendingSwitch;
    private boolean startupSubscribed;

    private BackupDuties(StateMachine machine, boolean primaryConfirmed, boolean upgrade) {
        this.machine = machine;
        this.journal = machine.journal();
        this.primaryConfirmed = primaryConfirmed;
        this.upgrade = upgrade;
        this.search = new PeerWatch(machine);
        this.monitors = new MonitorSupervision(machine);
        this.refusal = new RefusalCheck(machine);
    }

    /** Row 3: the peer is primary on the same release, or force backup. */
    static Outcome take(StateMachine m, Event e) {
        Negotiation.Decision d = e.payload(Negotiation.Decision.class);
        m.journal().audit("Node {} takes the BACKUP role: {}", m.settings().node(), e.reason());
        return Outcome.asRow().enter(new BackupDuties(m, d != null && d.primaryConfirmed(), false));
    }

    /** Rows 4 and 5: the peer is primary on another release; manual switch only. */
    static Outcome takeUpgrade(StateMachine m, Event e) {
        m.journal().audit("Node {} takes the BACKUP role in an upgrade state: {}", m.settings().node(), e.reason());
        m.journal().info("Upgrade state: no monitoring, no automatic switch (manual switch only)");
        return Outcome.asRow().enter(new BackupDuties(m, true, true));
    }

    @Override
    public boolean covers(SwitchoverState state) {
        return state.role() == Role.BACKUP;
    }

    @Override
    public void start() {
        openLinks();
        if (!upgrade) {
            if (machine.settings().manualSwitchOnly()) {
                journal.info("Manual switch only: the primary and module monitors are not started, no automatic"
                        + " switch");
            } else if (primaryConfirmed) {
                monitors.startOnceLinked();
            } else {
                journal.info("No primary seen yet: monitoring and automatic switching start once one is found");
            }
        }
        if (!primaryConfirmed) {
            search.start();
        }
    }

    @Override
    public void moved(SwitchoverState state) {
        if (!primaryConfirmed) {
            search.stop();
            search.start();
        }
        if (state == SwitchoverState.BACKUP) {
            monitors.resumeWatchdog();
        }
    }

    @Override
    public void close() {
        refusal.stop();
        monitors.stop();
        endReconnect();
        pendingSwitch = null;
        search.stop();
        machine.peer.closeLinks();
    }

    // ---- guards ----

    /** Automatic switching allowed: not manual mode and a primary was seen. */
    boolean automatic() {
        return !machine.settings().manualSwitchOnly() && primaryConfirmed;
    }

    boolean primaryConfirmed() {
        return primaryConfirmed;
    }

    boolean reconnectActive() {
        return reconnect != null;
    }

    boolean switchPending() {
        return pendingSwitch != null;
    }

    boolean monitorsPending() {
        return monitors.pending();
    }

    boolean monitorsWanted() {
        return monitors.wanted();
    }

    /** @return scheduler time the reconnect timer fires, -1 when it does not run. */
    long reconnectDueMillis() {
        return reconnect == null ? -1 : reconnect.dueMillis();
    }

    /** @return the deferred switch's event, or null. */
    Event pendingSwitch() {
        return pendingSwitch;
    }

    // ---- rows 8 to 12, 20 to 23, 29: failures and the reconnect period ----

    /** Rows 8 to 11: start (or continue) a reconnect period, stopping the monitors first when the row says so. */
    Outcome reconnect(Event e, boolean stopMonitors) {
        journal.info("{}: {}{}", machine.state(), e.type(), e.describe().isEmpty() ? "" : " - " + e.describe());
        if (stopMonitors) {
            monitors.stop();
        }
        startReconnect();
        return Outcome.asRow();
    }

    private void startReconnect() {
        if (reconnect == null) {
            reconnect = new Reconnect(machine);
        }
        reconnect.begin();
    }

    private void endReconnect() {
        if (reconnect != null) {
            reconnect.close();
            reconnect = null;
        }
    }

    /** Rows 12, 23 and 29: stop the monitors and halt, no switch. */
    Outcome halt(String format, Event e) {
        monitors.stop();
        journal.auditError(format, e.describe());
        return Outcome.asRow();
    }

    /** Row 20: the reconnect timer ran out; post CONNECTIONS_DOWN. */
    Outcome timerExpired(Event e) {
        journal.info("Reconnect period expired after {} s; posting CONNECTIONS_DOWN to start a switch",
                StateMachine.seconds(machine.scheduler.nowMillis() - reconnect.startedMillis()));
        machine.post(Event.of(EventType.CONNECTIONS_DOWN, StateMachine.REASON_NOTIFIER, e.detail()));
        return Outcome.asRow();
    }

    /** Row 21: connections restored - end the period, resume monitoring. */
    Outcome restored(Event e) {
        journal.info("{}: connections to the primary re-established ({}); resynchronising and resuming"
                + " monitoring", machine.state(), e.describe());
        endReconnect();
        refusal.stop();
        pendingSwitch = null;
        if (automatic()) {
            monitors.start();
        }
        return Outcome.asRow();
    }

    /** Row 22: an intermediate step of the reconnect; the timer keeps running. */
    Outcome reconnectStep(Event e) {
        journal.info("{}: reconnect attempt in progress - {} (the reconnect timer keeps running)", machine.state(),
                e.describe());
        return Outcome.asRow();
    }

    // ---- rows 14, 14b, 14c: a switch deferred while the local host starts (decision D7) ----

    /** Row 14. */
    Outcome defer(Event e) {
        if (pendingSwitch == null) {
            pendingSwitch = e;
            journal.info("{}: {} while the local host is still starting; the switch is deferred until start-up"
                    + " completes", machine.state(), e.type());
        }
        HostStartup hs = machine.hostStartup();
        if (hs != null && !startupSubscribed) {
            startupSubscribed = true;
            hs.started().whenComplete((v, ex) -> machine.post(Event.of(EventType.STARTUP_COMPLETE,
                    "local host start-up completed")));
        }
        return Outcome.asRow();
    }

    /** Row 14b. */
    Outcome deferredSwitch(Event e) {
        Event p = pendingSwitch;
        pendingSwitch = null;
        startupSubscribed = false;
        journal.info("{}: local host started; carrying out the deferred switch ({})", machine.state(), p.type());
        String reason = Takeover.switchReason(p);
        return Takeover.switchNow(machine, reason, Takeover.detailBeyond(reason, p)
                + "; deferred until the local host started", null, null, 0L);
    }

    /** Row 14c. */
    Outcome startupNoted(Event e) {
        startupSubscribed = false;
        return Outcome.asRow();
    }

    // ---- row B1 and decision D12: the primary found, manual mode switched live ----

    /** Row B1: a forced backup met the primary; automatic switching and monitoring start. */
    Outcome confirmPrimary(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        machine.peer.note(a);
        primaryConfirmed = true;
        search.stop();
        journal.audit("Primary {} found (epoch {}, release {}): automatic switching enabled", a.info().node(),
                a.info().epoch(), a.info().version());
        if (!Versions.equals(machine.settings().version(), a.info().version())) {
            journal.warn("The primary runs release {} and this node {}: restart this node to enter the upgrade"
                    + " state", a.info().version(), machine.settings().version());
        }
        openLinks();
        if (machine.state() == SwitchoverState.BACKUP && automatic()) {
            monitors.startOnceLinked();
        }
        return Outcome.asRow();
    }

    /** Manual mode switched on: monitoring and the reconnect timer stop. */
    Outcome manualModeOn(Event e) {
        monitors.stop();
        if (reconnect != null) {
            reconnect.stopTimer();
        }
        return Outcome.asRow();
    }

    /** Manual mode switched off: monitoring resumes and, while reconnecting, a fresh reconnect period. */
    Outcome manualModeOff(Event e) {
        monitors.start();
        if (reconnect != null) {
            startReconnect();
        }
        return Outcome.asRow();
    }

    /** Row 3w: the links are not both up after the bounded wait. */
    Outcome monitorWaitExpired(Event e) {
        monitors.waitOver();
        if (automatic()) {
            journal.info("The links are not both up yet; starting the monitors anyway");
            monitors.start();
        }
        return Outcome.asRow();
    }

    // ---- links (row L) ----

    /** @return true when {@code ls} reports a reconnect attempt the primary's machine refused */
    private static boolean refusedAttempt(LinkStatus ls) {
        return !ls.isActive() && ls.detail() != null
                && ls.detail().startsWith(org.switchover.api.notifier.Response.REFUSED_PREFIX);
    }

    private void openLinks() {
        linksEverActive = false;
        machine.peer.openLinks();
    }

    /** Row L: a link changed; what it means for the monitors and the reconnect period. */
    Outcome link(Event e) {
        LinkStatus ls = e.payload(LinkStatus.class);
        LinkStatus previous = machine.noteLink(ls);
        LinkStatus main = machine.link(Link.MAIN);
        LinkStatus aux = machine.link(Link.AUX);
        boolean mainUp = main.isActive();
        boolean auxUp = aux.isActive();
        if (mainUp || auxUp) {
            linksEverActive = true;
        }
        if (monitors.pending() && mainUp && auxUp && automatic()) {
            journal.info("Both links are up");
            monitors.start();
        }
        if (!primaryConfirmed && ls.isActive() && !previous.isActive()) {
            search.now(); // a link came up: look for the primary now rather than at the next period
        } else if (ls.isActive() && !previous.isActive() && machine.peer.lostWithLinks()) {
            search.askOnce(); // back after a loss: learn what the peer is now
        }
        if (mainUp || auxUp) {
            refusal.stop();
        } else if (automatic() && !upgrade && (previous.isActive() && !ls.isActive() || refusedAttempt(ls))) {
            // lost (or a reconnect attempt refused): a primary whose process is gone is judged at once
            refusal.start(ls.link() + " " + (ls.detail().isEmpty() ? ls.status().label() : ls.detail()));
        }
        if (reconnect != null) {
            if (mainUp && auxUp) {
                reconnect.probeNow();
            }
            SwitchoverState state = machine.state();
            if (state == SwitchoverState.RECONNECTING && ls.isActive() && !previous.isActive()) {
                machine.post(Event.of(EventType.RECONNECT_STEP, "", ls.link() + " connection is back"));
            } else if (state == SwitchoverState.BACKUP && !ls.isActive() && previous.isActive()) {
                machine.post(Event.of(EventType.RECONNECT_STEP_LOST, "", ls.link() + " connection lost again"));
            }
            int max = machine.settings().reconnectMaxAttempts();
            if (max > 0 && !mainUp && !auxUp && main.reconnectAttempt() >= max && aux.reconnectAttempt() >= max) {
                machine.post(Event.of(EventType.RECONNECT_ATTEMPTS_EXHAUSTED, StateMachine.REASON_NOTIFIER,
                        "both connections failed " + max + " reconnect attempts"));
            }
        } else if (linksEverActive && !mainUp && !auxUp && !monitors.running()) {
            machine.post(Event.of(EventType.NOTIFIER_DOWN, StateMachine.REASON_NOTIFIER,
                    "both notifier connections lost and no primary monitor is running"));
        }
        return Outcome.asRow();
    }
}
