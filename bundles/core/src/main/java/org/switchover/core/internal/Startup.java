package org.switchover.core.internal;

import java.io.IOException;
import java.time.Duration;

import org.switchover.api.SwitchoverState;
import org.switchover.api.time.Cancellable;

/**
 * The duties of INIT (rows 1, N1, N2, 7): read the parameters and the epoch, ask the peer, decide the service mode
 * with {@link Negotiation} and post it, bounded by the maximum start-up time. Closed when INIT is left, which stops
 * the retry and start-up timers. Runs on the machine's thread.
 */
final class Startup implements Duties {

    private final StateMachine machine;
    /** False when row 1 failed (no identity, unreadable epoch): nothing to start. */
    private boolean negotiate;
    private int attempt;
    private Cancellable retryTimer;
    private Cancellable startupTimer;

    private Startup(StateMachine machine) {
        this.machine = machine;
    }

    /** Row 1: read the parameters, load the epoch, ask the peer for its state. */
    static Outcome begin(StateMachine m, Event e) {
        CoreSettings s = m.settings();
        Startup fresh = new Startup(m);
        if (s.node() == null) {
            m.post(Event.of(EventType.ROLE_UNDETERMINED, s.nodeError()));
            return Outcome.asRow().enter(fresh);
        }
        try {
            m.epochs().open(s.dataDir());
        } catch (IOException ex) {
            m.post(Event.of(EventType.ERROR, "cannot read the epoch: " + ex.getMessage()));
            return Outcome.asRow().enter(fresh);
        }
        m.journal().info("Node {} starting: release {}, epoch {}, peer {}, manual switch only {}, force backup {},"
                        + " reconnect timeout {} s", s.node(), s.version(), m.epochs().current(), s.peerAddress(),
                s.manualSwitchOnly(), s.forceBackup(), StateMachine.seconds(s.reconnectTimeoutMillis()));
        fresh.negotiate = true;
        return Outcome.asRow().enter(fresh);
    }

    @Override
    public boolean covers(SwitchoverState state) {
        return state == SwitchoverState.INIT;
    }

    @Override
    public void start() {
        if (!negotiate) {
            return;
        }
        long max = machine.settings().startupMaxMillis();
        if (max > 0) {
            startupTimer = machine.scheduler().schedule(() -> machine.post(Event.of(EventType.STARTUP_TIMEOUT,
                    "the role was not decided within " + StateMachine.seconds(max) + " s")), max);
        }
        askPeer();
    }

    @Override
    public void close() {
        StateMachine.cancel(retryTimer);
        retryTimer = null;
        StateMachine.cancel(startupTimer);
        startupTimer = null;
    }

    private void askPeer() {
        retryTimer = null;
        attempt++;
        CoreSettings s = machine.settings();
        machine.journal().info("Asking peer {} for its switchover state (query {})", s.peerAddress(), attempt);
        machine.peer().queryState(Duration.ofMillis(s.negotiationTimeoutMillis()),
                a -> machine.post(Event.of(EventType.PEER_ANSWER, "", a)));
    }

    /** Row N1: decide the service mode on the peer's answer and post it, or ask again later. */
    Outcome decide(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        machine.peer().note(a);
        CoreSettings s = machine.settings();
        Negotiation.Decision d = Negotiation.decide(s.node(), s.version(), machine.epochs().current(),
                s.forceBackup(), a.info(), a.failure(), attempt, s.negotiationMaxAttempts());
        machine.journal().info("Negotiation: {} -> {}", a.info() != null ? "peer " + a.info().node() + " is "
                + a.info().state() + " (epoch " + a.info().epoch() + ", release " + a.info().version() + ")"
                : "no answer (" + a.failure() + ")", d.mode());
        switch (d.mode()) {
            case WAIT -> retryTimer = machine.scheduler().schedule(() -> machine.post(Event.of(
                    EventType.NEGOTIATION_RETRY, d.reason())), s.negotiationRetryMillis());
            case ERROR -> machine.post(Event.of(EventType.ROLE_UNDETERMINED, d.reason()));
            case PRIMARY -> machine.post(Event.of(EventType.MODE_PRIMARY, d.reason(), d));
            case BACKUP -> machine.post(Event.of(EventType.MODE_BACKUP, d.reason(), d));
            case UPGRADE_HIGHER -> machine.post(Event.of(EventType.MODE_UPGRADE_HIGHER, d.reason(), d));
            case UPGRADE_LOWER -> machine.post(Event.of(EventType.MODE_UPGRADE_LOWER, d.reason(), d));
        }
        return Outcome.asRow();
    }

    /** Row N2: ask the starting peer again. */
    Outcome retry(Event e) {
        askPeer();
        return Outcome.asRow();
    }
}
