package org.switchover.core.internal;

import org.switchover.api.log.Journal;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.time.Cancellable;

/**
 * One reconnect period of the backup (rows 8 to 11 start it, row 21 ends it): the reconnect timer (row 20) and the
 * probe that checks, every {@code reconnect.probe.interval}, whether both links are up and the primary's notifier
 * answers (decision D6). While the primary's UDP heartbeats still arrive (notifier {@code heartbeat.*}, issue 13) an
 * expired timer waits until they stop: the primary's process runs, only the links stall. Heartbeats never shorten
 * the period. Owned by {@link BackupDuties}; runs on the machine's thread.
 */
final class Reconnect {

    private final StateMachine machine;
    private Cancellable timer;
    private long dueMillis = -1;
    private long startedMillis;
    private Cancellable probeTimer;
    private boolean probeInFlight;
    private boolean closed;
    private boolean heldByHeartbeats;

    Reconnect(StateMachine machine) {
        this.machine = machine;
    }

    /**
     * Starts the reconnect timer unless one runs (a second failure report does not restart it) or manual mode is on,
     * and the probe.
     */
    void begin() {
        CoreSettings s = machine.settings();
        Journal journal = machine.journal();
        if (s.manualSwitchOnly()) {
            journal.info("Manual switch only: no reconnect timer, waiting for the connections to return");
        } else if (timer == null) {
            long ms = s.reconnectTimeoutMillis();
            startedMillis = machine.scheduler.nowMillis();
            dueMillis = startedMillis + ms;
            journal.info("Scheduling reconnect timeout to execute in {} second(s)", StateMachine.seconds(ms));
            timer = machine.scheduler.schedule(() -> expired(ms), ms);
        } else {
            journal.info("Reconnect timer already running; it fires in {} second(s)",
                    StateMachine.seconds(dueMillis - machine.scheduler.nowMillis()));
        }
        startProbe();
    }

    /** The timer ran out: post RECONNECT_TIMER_EXPIRED unless the primary's heartbeats say its process runs. */
    private void expired(long ms) {
        timer = null;
        if (closed) {
            return;
        }
        PeerHeartbeat hb = machine.peer.heartbeat();
        if (hb.fresh()) {
            long wait = hb.freshForMillis() + 1;
            if (!heldByHeartbeats) {
                heldByHeartbeats = true;
                machine.journal().info("Reconnect period of {} s is over but the primary's heartbeats arrive ({}):"
                        + " its process runs; waiting until they stop", StateMachine.seconds(ms), hb.describe());
            }
            dueMillis = machine.scheduler.nowMillis() + wait;
            timer = machine.scheduler.schedule(() -> expired(ms), wait);
            return;
        }
        String extra = heldByHeartbeats ? " and the primary's heartbeats stopped (" + hb.describe() + ")" : "";
        machine.post(Event.of(EventType.RECONNECT_TIMER_EXPIRED, StateMachine.REASON_NOTIFIER,
                "reconnect period of " + StateMachine.seconds(ms) + " s expired" + extra));
    }

    /** Manual mode switched on: the timer stops, the period (and the probe) go on. */
    void stopTimer() {
        StateMachine.cancel(timer);
        timer = null;
        dueMillis = -1;
    }

    /** @return scheduler time the timer fires, -1 when it does not run. */
    long dueMillis() {
        return dueMillis;
    }

    /** @return scheduler time the timer was started. */
    long startedMillis() {
        return startedMillis;
    }

    void close() {
        closed = true;
        stopTimer();
        StateMachine.cancel(probeTimer);
        probeTimer = null;
    }

    private void startProbe() {
        if (probeTimer == null && !closed) {
            probeTimer = machine.scheduler.schedule(this::probeTick, machine.settings().reconnectProbeMillis());
        }
    }

    private void probeTick() {
        probeTimer = null;
        probeNow();
        startProbe();
    }

    /** "Try to restore the connections": when both links are up, check that the primary's notifier answers. */
    void probeNow() {
        PeerClient peer = machine.peer;
        if (probeInFlight || !peer.linkActive(Link.MAIN) || !peer.linkActive(Link.AUX)) {
            return;
        }
        probeInFlight = peer.ping(machine.settings().reconnectProbeMillis(), answered -> machine.onMachine(() -> {
            probeInFlight = false;
            if (answered && !closed) {
                machine.post(Event.of(EventType.CONNECTIONS_RESTORED, "",
                        "both notifier connections are active and the primary's notifier answers"));
            }
        }));
    }
}
