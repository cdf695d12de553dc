package org.switchover.core.internal;

import java.time.Duration;

import org.switchover.api.time.Cancellable;

/**
 * Asks the peer's state every {@code peer.query.interval}: a primary watches for a second primary (row 27, decision
 * E5), a backup that has not met a primary yet searches for one (decision N5). Each answer becomes a
 * {@link EventType#PEER_STATE} event. Owned by the duties of the role; runs on the machine's thread.
 */
final class PeerWatch {

    private final StateMachine machine;
    private Cancellable timer;
    private boolean inFlight;

    PeerWatch(StateMachine machine) {
        this.machine = machine;
    }

    /** Starts the period (no effect when running). */
    void start() {
        if (timer == null) {
            timer = machine.scheduler.schedule(this::tick, machine.settings().peerQueryMillis());
        }
    }

    void stop() {
        StateMachine.cancel(timer);
        timer = null;
    }

    /** Asks now and starts a fresh period (a link came up: look for the primary at once). */
    void now() {
        stop();
        tick();
    }

    /**
     * Asks once now, without starting the period (a backup whose links came back after a loss: what the peer is now
     * replaces the verdict the loss left).
     */
    void askOnce() {
        ask();
    }

    private void tick() {
        timer = null;
        ask();
        start();
    }

    private void ask() {
        if (!inFlight) {
            inFlight = true;
            CoreSettings s = machine.settings();
            machine.peer.queryState(Duration.ofMillis(Math.min(s.peerQueryMillis(), s.negotiationTimeoutMillis())),
                    a -> machine.scheduler.execute(() -> {
                        inFlight = false;
                        machine.process(Event.of(EventType.PEER_STATE, "", a));
                    }));
        }
    }
}
