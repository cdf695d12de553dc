package org.switchover.core.internal;

import org.switchover.api.notifier.Link;
import org.switchover.api.time.Cancellable;

/**
 * One reconnect period of the backup (rows 8 to 11 start it, row 21 ends it): the reconnect timer (row 20) and the
 * probe that checks, every {@code reconnect.probe.interval}, whether both links are up and the primary's notifier
 * answers (decision D6). Owned by {@link BackupDuties}; runs on the machine's thread.
 */
final class Reconnect {

    private final StateMachine machine;
    private Cancellable timer;
    private long dueMillis = -1;
    private long startedMillis;
    private Cancellable probeTimer;
    private boolean probeInFlight;
    private boolean closed;

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
            startedMillis = machine.scheduler().nowMillis();
            dueMillis = startedMillis + ms;
            journal.info("Scheduling reconnect timeout to execute in {} second(s)", StateMachine.seconds(ms));
            timer = machine.scheduler().schedule(() -> {
                timer = null;
                machine.post(Event.of(EventType.RECONNECT_TIMER_EXPIRED, StateMachine.REASON_NOTIFIER,
                        "reconnect period of " + StateMachine.seconds(ms) + " s expired"));
            }, ms);
        } else {
            journal.info("Reconnect timer already running; it fires in {} second(s)",
                    StateMachine.seconds(dueMillis - machine.scheduler().nowMillis()));
        }
        startProbe();
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
            probeTimer = machine.scheduler().schedule(this::probeTick, machine.settings().reconnectProbeMillis());
        }
    }

    private void probeTick() {
        probeTimer = null;
        probeNow();
        startProbe();
    }

    /** "Try to restore the connections": when both links are up, check that the primary's notifier answers. */
    void probeNow() {
        PeerClient peer = machine.peer();
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
