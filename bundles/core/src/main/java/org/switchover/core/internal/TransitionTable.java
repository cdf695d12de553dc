package org.switchover.core.internal;

import static org.switchover.api.SwitchoverState.BACKUP;
import static org.switchover.api.SwitchoverState.ERROR;
import static org.switchover.api.SwitchoverState.INACTIVE;
import static org.switchover.api.SwitchoverState.INIT;
import static org.switchover.api.SwitchoverState.PRIMARY;
import static org.switchover.api.SwitchoverState.RECONNECTING;
import static org.switchover.api.SwitchoverState.STOPPING;
import static org.switchover.api.SwitchoverState.UPGRADE_HIGHER;
import static org.switchover.api.SwitchoverState.UPGRADE_LOWER;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.switchover.api.SwitchoverState;

/**
 * The switchover transition table (spec table 2.2) as data: from-state x event -> guard -> action -> to-state.
 * Rows are tried in order and the first whose states, event and guard match is taken; an event no row takes is
 * ignored. Row labels are the spec's row numbers; letters mark the rows the spec implies but does not number
 * (refusals, the negotiation steps, the answers to peer messages, link changes and live settings; "D12" names the
 * decision in DECISIONS.md). {@code to = null} means "stay". Every monitor and timer is started and stopped by a row:
 * by its action, or by the state change it causes, which starts the duties of the role entered ({@link Startup},
 * {@link PrimaryDuties}, {@link BackupDuties}) and closes those of the role left.
 */
final class TransitionTable {
    private TransitionTable() {
    }

    private static final Set<SwitchoverState> ALL = Collections.unmodifiableSet(EnumSet.allOf(SwitchoverState.class));
    private static final Set<SwitchoverState> BACKUPS = Collections.unmodifiableSet(EnumSet.of(BACKUP, RECONNECTING));
    private static final Set<SwitchoverState> UPGRADES =
            Collections.unmodifiableSet(EnumSet.of(UPGRADE_HIGHER, UPGRADE_LOWER));
    private static final Set<SwitchoverState> BACKUP_ROLES =
            Collections.unmodifiableSet(EnumSet.of(BACKUP, RECONNECTING, UPGRADE_HIGHER, UPGRADE_LOWER));

    private static final Transition.Guard ALWAYS = (m, e) -> true;

    /** @return the rows, in the order they are tried. */
    static List<Transition> rows() {
        List<Transition> t = new ArrayList<>();
        // Any state.
        row(t, "30", ALL, on(EventType.SHUTDOWN), "-", ALWAYS, "stop everything", StateMachine::actShutdown, STOPPING);
        row(t, "31", ALL, on(EventType.ERROR), "-", ALWAYS, "stop everything", StateMachine::actError, ERROR);

        // Init: read parameters, negotiate, enter the service mode (duties: Startup).
        row(t, "1", set(INIT), on(EventType.SERVICE_START), "-", ALWAYS,
                "read parameters, load the epoch, ask the peer for its state", Startup::begin, null);
        row(t, "N1", set(INIT), on(EventType.PEER_ANSWER), "negotiating", (m, e) -> m.startup() != null,
                "decide the service mode and post it (or ask again)", (m, e) -> m.startup().decide(e), null);
        row(t, "N2", set(INIT), on(EventType.NEGOTIATION_RETRY), "negotiating", (m, e) -> m.startup() != null,
                "ask the peer again", (m, e) -> m.startup().retry(e), null);
        row(t, "2", set(INIT), on(EventType.MODE_PRIMARY), "peer unreachable/unverifiable, or no primary present",
                ALWAYS, "raise and store the epoch, take the role (PrimaryDuties: peer watch, liveness)",
                PrimaryDuties::take, PRIMARY);
        row(t, "3", set(INIT), on(EventType.MODE_BACKUP), "peer primary on the same release, or force backup",
                ALWAYS, "open main and aux links, start the monitors unless manual (BackupDuties)",
                BackupDuties::take, BACKUP);
        row(t, "4", set(INIT), on(EventType.MODE_UPGRADE_HIGHER), "peer primary, this release newer", ALWAYS,
                "open the links; manual switch only", BackupDuties::takeUpgrade, UPGRADE_HIGHER);
        row(t, "5", set(INIT), on(EventType.MODE_UPGRADE_LOWER), "peer primary, this release older", ALWAYS,
                "open the links; manual switch only", BackupDuties::takeUpgrade, UPGRADE_LOWER);
        row(t, "6", set(INIT), on(EventType.ROLE_UNDETERMINED), "node/servers set wrongly", ALWAYS,
                "no role, clear error", StateMachine::actRolesUndetermined, ERROR);
        row(t, "7", set(INIT), on(EventType.STARTUP_TIMEOUT), "role not decided within the maximum start-up time",
                ALWAYS, "switchover does not start", StateMachine::actStartupTimeout, ERROR);

        // Backup: links and monitors (duties: BackupDuties).
        row(t, "L", BACKUP_ROLES, on(EventType.LINK_CHANGED), "-", ALWAYS, "note the link; start the monitors once"
                        + " both links are up; probe or step the reconnect (22); both lost, no monitor: NOTIFIER_DOWN",
                (m, e) -> m.backup().link(e), null);
        row(t, "Ln", ALL, on(EventType.LINK_CHANGED), "-", ALWAYS, "note the link", StateMachine::actLinkNoted, null);
        row(t, "3w", BACKUP_ROLES, on(EventType.MONITOR_WAIT_EXPIRED), "the monitors still wait for the links",
                (m, e) -> m.backup().monitorsPending(), "start the monitors anyway (automatic mode)",
                (m, e) -> m.backup().monitorWaitExpired(e), null);
        row(t, "D12", BACKUP_ROLES, on(EventType.MANUAL_MODE_ON), "-", ALWAYS,
                "stop the monitors and the reconnect timer", (m, e) -> m.backup().manualModeOn(e), null);
        row(t, "D12b", BACKUPS, on(EventType.MANUAL_MODE_OFF), "automatic mode", (m, e) -> m.automatic(),
                "start the monitors; while reconnecting, a fresh reconnect period",
                (m, e) -> m.backup().manualModeOff(e), null);

        // Backup: failures reported by the primary monitor.
        row(t, "29", BACKUPS, on(EventType.WAN_FAILURE), "diagnosis says NetTestUnreachable (legacy rule on)",
                ALWAYS, "assume a WAN failure: do not switch, log an error, halt", (m, e) -> m.backup().halt(
                        "The diagnosis says NetTestUnreachable ({}): assuming a WAN failure, not switching;"
                        + " processing halted - restart the backup once the network is back", e), STOPPING);
        row(t, "25", UPGRADES, on(EventType.NETWORK_DOWN, EventType.NOTIFIER_DOWN, EventType.PRIMARY_UNREACHABLE,
                        EventType.MODULE_DOWN, EventType.WAN_FAILURE, EventType.CONNECTIONS_DOWN,
                        EventType.RECONNECT_TIMER_EXPIRED), "-", ALWAYS, "no automatic switch",
                StateMachine::actNoAutomaticSwitch, null);
        row(t, "8", set(BACKUP), on(EventType.NETWORK_DOWN), "-", ALWAYS,
                "try to reconnect: start the reconnect timer", (m, e) -> m.backup().reconnect(e, false),
                RECONNECTING);
        row(t, "9", set(BACKUP), on(EventType.NOTIFIER_DOWN), "automatic mode (guards a, c, d)",
                (m, e) -> !m.settings().manualSwitchOnly(), "stop the monitors, start the reconnect timer",
                (m, e) -> m.backup().reconnect(e, true), RECONNECTING);
        row(t, "10", set(BACKUP), on(EventType.NOTIFIER_DOWN), "manual mode (guard b)", ALWAYS,
                "wait for the connections (no timer in manual mode)", (m, e) -> m.backup().reconnect(e, false),
                RECONNECTING);
        row(t, "11", set(BACKUP), on(EventType.PRIMARY_UNREACHABLE), "-", ALWAYS,
                "stop both monitors, start the reconnect timer", (m, e) -> m.backup().reconnect(e, true),
                RECONNECTING);
        row(t, "12", set(BACKUP), on(EventType.MODULE_DOWN), "manual mode",
                (m, e) -> m.settings().manualSwitchOnly(), "halt further processing",
                (m, e) -> m.backup().halt("Module down in manual mode ({}): halting, no switch", e), STOPPING);
        row(t, "14", BACKUPS, on(EventType.MODULE_DOWN, EventType.CONNECTIONS_DOWN, EventType.PRIMARY_UNREACHABLE,
                        EventType.RECONNECT_ATTEMPTS_EXHAUSTED), "automatic mode, local host starting",
                (m, e) -> m.automatic() && m.wouldSwitch(e) && m.hostStarting(),
                "defer the switch until start-up completes", (m, e) -> m.backup().defer(e), null);
        row(t, "14b", BACKUPS, on(EventType.STARTUP_COMPLETE), "a switch was deferred, automatic mode",
                (m, e) -> m.backup().switchPending() && m.automatic(), "switch now",
                (m, e) -> m.backup().deferredSwitch(e), PRIMARY);
        row(t, "14c", BACKUP_ROLES, on(EventType.STARTUP_COMPLETE), "no switch deferred", ALWAYS, "none",
                (m, e) -> m.backup().startupNoted(e), null);
        row(t, "13", set(BACKUP), on(EventType.MODULE_DOWN), "automatic mode, local host not starting",
                (m, e) -> m.automatic(), "switch now (TS Ping Failure)", Takeover::automatic, PRIMARY);

        // Manual switch (ManualSwitch).
        row(t, "15p", ALL, on(EventType.INTERNAL_SWITCH_REQ), "a switch is already in progress",
                (m, e) -> m.manual().inProgress(), "refuse", (m, e) -> m.manual().refuse(e), null);
        row(t, "15w", BACKUP_ROLES, on(EventType.INTERNAL_SWITCH_REQ), "switch warnings in force, not accepted",
                (m, e) -> m.manual().warningsNotAccepted(e), "refuse, naming the warnings",
                (m, e) -> m.manual().refuseWarnings(e), null);
        row(t, "15", BACKUPS, on(EventType.INTERNAL_SWITCH_REQ), "not immediate, primary reachable over MAIN",
                (m, e) -> m.manual().canHandOff(e), "ask the primary to prepare a controlled hand-off",
                (m, e) -> m.manual().prepare(e), null);
        row(t, "15u", BACKUPS, on(EventType.INTERNAL_SWITCH_REQ), "immediate, or primary unreachable", ALWAYS,
                "uncontrolled switch now (Manual Switchover)", (m, e) -> m.manual().uncontrolled(e), PRIMARY);
        row(t, "24", UPGRADES, on(EventType.INTERNAL_SWITCH_REQ), "not immediate, primary reachable over MAIN",
                (m, e) -> m.manual().canHandOff(e), "ask the primary to prepare a controlled hand-off",
                (m, e) -> m.manual().prepare(e), null);
        row(t, "24u", UPGRADES, on(EventType.INTERNAL_SWITCH_REQ), "immediate, or primary unreachable", ALWAYS,
                "uncontrolled switch now; the old primary is told to discontinue",
                (m, e) -> m.manual().uncontrolled(e), PRIMARY);
        row(t, "15c", BACKUP_ROLES, on(EventType.PREPARE_REPLY), "answer to this node's pending hand-off",
                (m, e) -> m.manual().isPending(e), "switch now (controlled when the primary accepted)",
                (m, e) -> m.manual().prepared(e), PRIMARY);
        row(t, "15f", set(PRIMARY), on(EventType.INTERNAL_SWITCH_REQ), "request not from the peer",
                (m, e) -> !m.manual().fromPeer(e), "forward the request to the backup",
                (m, e) -> m.manual().forward(e), null);
        row(t, "15r", ALL, on(EventType.INTERNAL_SWITCH_REQ), "-", ALWAYS, "refuse with the reason",
                (m, e) -> m.manual().refuse(e), null);

        // Reconnecting (BackupDuties, Reconnect).
        row(t, "16", BACKUPS, on(EventType.CONNECTIONS_DOWN), "automatic mode", (m, e) -> m.automatic(),
                "switch now (Loss of Connection to Notifier)", Takeover::automatic, PRIMARY);
        row(t, "16m", BACKUPS, on(EventType.CONNECTIONS_DOWN), "manual mode or no primary seen", ALWAYS,
                "no automatic switch", StateMachine::actManualModeIgnores, null);
        row(t, "17", set(RECONNECTING), on(EventType.RECONNECT_ATTEMPTS_EXHAUSTED), "automatic mode",
                (m, e) -> m.automatic(), "switch now", Takeover::automatic, PRIMARY);
        row(t, "18", set(RECONNECTING), on(EventType.MODULE_DOWN), "automatic mode", (m, e) -> m.automatic(),
                "switch now (TS Ping Failure)", Takeover::automatic, PRIMARY);
        row(t, "19", set(RECONNECTING), on(EventType.PRIMARY_UNREACHABLE), "automatic mode (the monitor applies"
                        + " the unreachable-primary ping sets)", (m, e) -> m.automatic(), "switch now",
                Takeover::automatic, PRIMARY);
        row(t, "20", BACKUPS, on(EventType.RECONNECT_TIMER_EXPIRED), "a reconnect is running",
                (m, e) -> m.backup().reconnectActive(), "post CONNECTIONS_DOWN", (m, e) -> m.backup().timerExpired(e),
                null);
        row(t, "21", BACKUPS, on(EventType.CONNECTIONS_RESTORED, EventType.MODULE_UP), "a reconnect is running",
                (m, e) -> m.backup().reconnectActive(), "cancel the timer, resynchronise, restart the monitors",
                (m, e) -> m.backup().restored(e), BACKUP);
        row(t, "22", set(RECONNECTING), on(EventType.RECONNECT_STEP), "a reconnect is running",
                (m, e) -> m.backup().reconnectActive(), "none (the timer keeps running)",
                (m, e) -> m.backup().reconnectStep(e), BACKUP);
        row(t, "22b", set(BACKUP), on(EventType.RECONNECT_STEP_LOST), "a reconnect is running",
                (m, e) -> m.backup().reconnectActive(), "none (the timer keeps running)",
                (m, e) -> m.backup().reconnectStep(e), RECONNECTING);
        row(t, "23", BACKUPS, on(EventType.SUBSYSTEM_FAILED), "-", ALWAYS, "stop the monitors, halt",
                (m, e) -> m.backup().halt("A critical local subsystem failed ({}): halting, no automatic switch",
                        e), STOPPING);

        // Primary: the peer took over, or both are primary (PeerMessages, PrimaryDuties).
        row(t, "26", set(PRIMARY), on(EventType.PEER_TOOK_OVER), "the peer's epoch is higher (equal: B yields)",
                (m, e) -> m.peerMessages().discontinueOutranks(e), "become stale",
                (m, e) -> m.peerMessages().discontinued(e), INACTIVE);
        row(t, "26n", set(PRIMARY), on(EventType.PEER_TOOK_OVER), "this node's epoch is higher", ALWAYS,
                "refuse; tell the peer to discontinue", (m, e) -> m.peerMessages().refuseDiscontinue(e), null);
        row(t, "26a", ALL, on(EventType.PEER_TOOK_OVER), "not primary", ALWAYS, "acknowledge",
                (m, e) -> m.peerMessages().ackDiscontinue(e), null);
        row(t, "26c", set(PRIMARY), on(EventType.PREPARE_SWITCH), "the backup's new epoch is higher",
                (m, e) -> m.peerMessages().prepareAcceptable(e),
                "stop taking work, post DISCONTINUE, acknowledge, become stale",
                (m, e) -> m.peerMessages().prepareAccept(e), INACTIVE);
        row(t, "26r", ALL, on(EventType.PREPARE_SWITCH), "-", ALWAYS, "refuse with the reason",
                (m, e) -> m.peerMessages().prepareRefuse(e), null);
        row(t, "27", set(PRIMARY), on(EventType.PEER_STATE), "peer is primary with a higher epoch (equal: B yields)",
                (m, e) -> m.peerMessages().peerIsPrimaryAndWins(e), "become stale (split brain healed)",
                (m, e) -> m.peerMessages().splitBrainYield(e), INACTIVE);
        row(t, "27b", set(PRIMARY), on(EventType.PEER_STATE), "peer is primary with a lower epoch",
                (m, e) -> PeerMessages.peerIsPrimary(e), "tell the peer to discontinue",
                (m, e) -> m.peerMessages().splitBrainHold(e), null);
        row(t, "27c", set(PRIMARY), on(EventType.PEER_STATE), "-", ALWAYS, "note the peer",
                (m, e) -> m.peerMessages().peerNoted(e), null);
        row(t, "B1", BACKUP_ROLES, on(EventType.PEER_STATE), "no primary seen yet, the peer is primary",
                (m, e) -> PeerMessages.peerIsPrimary(e) && !m.backup().primaryConfirmed(),
                "enable automatic switching, start the monitors", (m, e) -> m.backup().confirmPrimary(e), null);
        row(t, "B2", BACKUP_ROLES, on(EventType.PEER_STATE), "-", ALWAYS, "note the peer",
                (m, e) -> m.peerMessages().peerNoted(e), null);

        // Stale, halted or failed node restarted.
        row(t, "28", set(INACTIVE, STOPPING, ERROR), on(EventType.RESTART), "-", ALWAYS,
                "negotiate again (comes up backup when a primary is present)", StateMachine::actRestart, INIT);
        return Collections.unmodifiableList(t);
    }

    private static void row(List<Transition> t, String row, Set<SwitchoverState> from, Set<EventType> on,
                            String guardText, Transition.Guard guard, String actionText,
                            Transition.Action action, SwitchoverState to) {
        t.add(new Transition(row, from, on, guardText, guard, actionText, action, to));
    }

    private static Set<SwitchoverState> set(SwitchoverState first, SwitchoverState... rest) {
        return Collections.unmodifiableSet(EnumSet.of(first, rest));
    }

    private static Set<EventType> on(EventType first, EventType... rest) {
        return Collections.unmodifiableSet(EnumSet.of(first, rest));
    }

    /** @return the table as text, one row per line (for the documentation and the shell). */
    static String describe() {
        StringBuilder b = new StringBuilder();
        for (Transition t : rows()) {
            b.append(String.format("%-4s %-40s %-45s [%s] -> %s -> %s%n", t.row(), t.from(), t.on(), t.guardText(),
                    t.actionText(), t.to() == null ? "(same)" : t.to()));
        }
        return b.toString();
    }
}
