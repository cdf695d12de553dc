package org.switchover.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.Response;
import org.switchover.api.time.Cancellable;

/**
 * What a primary does while it is primary, and stops the moment it is not: it watches its peer for a second primary
 * (row 27), checks its peer first after it was suspended (decision E7), and - after a switch - tells the old primary
 * to DISCONTINUE until it acknowledges (decision E5). Created by the rows that enter PRIMARY (2 and every switch);
 * runs on the machine's thread.
 */
final class PrimaryDuties implements Duties {

    /** A tick of the liveness check; one more than {@link #SUSPENSION_THRESHOLD_MILLIS} late means a suspension. */
    static final long LIVENESS_TICK_MILLIS = 250L;
    /** Lateness that counts as a suspension; below the quickest possible takeover (2 pings of 1 s, timer 0). */
    static final long SUSPENSION_THRESHOLD_MILLIS = 1_000L;

    private final StateMachine machine;
    private final PeerWatch peerWatch;
    private final String switchReason;
    private boolean closed;

    private Cancellable livenessTimer;
    private long livenessDueMillis;
    private boolean verifying;
    private Cancellable verifyGuard;
    private final List<CompletableFuture<Snapshot>> verifyWaiters = new ArrayList<>();

    private boolean discontinueActive;
    private int discontinueAttempts;
    private String discontinueReason = "";
    private Cancellable discontinueTimer;

    /**
     * @param switchReason the reason of the switch that made this node primary (its DISCONTINUE loop starts at
     *     once), or null when it took the role at start (row 2)
     */
    PrimaryDuties(StateMachine machine, String switchReason) {
        this.machine = machine;
        this.peerWatch = new PeerWatch(machine);
        this.switchReason = switchReason;
    }

    /** Row 2: store the raised epoch, then take the role (decision E1). */
    static Outcome take(StateMachine m, Event e) {
        if (!m.epochs().persist(m.epochs().next())) {
            return Outcome.fail("the epoch could not be stored; this node does not act as primary");
        }
        m.journal().audit("Node {} takes the PRIMARY role: {} (epoch {})", m.settings().node(), e.reason(),
                m.epochs().current());
        return Outcome.asRow().enter(new PrimaryDuties(m, null));
    }

    @Override
    public boolean covers(SwitchoverState state) {
        return state == SwitchoverState.PRIMARY;
    }

    @Override
    public void start() {
        if (switchReason != null) {
            discontinue(switchReason);
        }
        peerWatch.start();
        startLiveness();
    }

    @Override
    public void close() {
        closed = true;
        stopDiscontinue();
        peerWatch.stop();
        StateMachine.cancel(livenessTimer);
        livenessTimer = null;
        endVerification();
    }

    // ---- a primary that was suspended checks its peer first (decision E7) ----

    /** @return true while the check after a suspension waits for the peer's answer. */
    boolean verifying() {
        return verifying;
    }

    /** A status request waits for the check after a suspension. */
    void await(CompletableFuture<Snapshot> f) {
        verifyWaiters.add(f);
    }

    private void startLiveness() {
        if (livenessTimer == null && !closed) {
            livenessDueMillis = machine.scheduler().nowMillis() + LIVENESS_TICK_MILLIS;
            livenessTimer = machine.scheduler().schedule(this::livenessTick, LIVENESS_TICK_MILLIS);
        }
    }

    private void livenessTick() {
        livenessTimer = null;
        long late = machine.scheduler().nowMillis() - livenessDueMillis;
        if (late > SUSPENSION_THRESHOLD_MILLIS && !verifying) {
            machine.journal().warn("This primary ran {} ms late (the process was stopped or starved): asking peer {}"
                    + " whether it took over before anything else", late, machine.settings().peerAddress());
            verifying = true;
            verifyGuard = machine.scheduler().schedule(() -> {
                verifyGuard = null;
                if (verifying) {
                    machine.journal().warn("No answer from the peer within {} ms after the suspension: staying"
                            + " primary", StateMachine.VERIFY_TIMEOUT_MILLIS);
                    endVerification();
                    machine.publish();
                }
            }, StateMachine.VERIFY_TIMEOUT_MILLIS + 500L);
            machine.peer().queryState(Duration.ofMillis(StateMachine.VERIFY_TIMEOUT_MILLIS),
                    a -> machine.scheduler().execute(() -> {
                        machine.process(Event.of(EventType.PEER_STATE, "", a));
                        endVerification();
                    }));
        }
        startLiveness();
    }

    /** Ends the check after a suspension and answers the status requests that waited for it. */
    private void endVerification() {
        verifying = false;
        StateMachine.cancel(verifyGuard);
        verifyGuard = null;
        if (!verifyWaiters.isEmpty()) {
            machine.publish();
            Snapshot s = machine.snapshot();
            List<CompletableFuture<Snapshot>> w = new ArrayList<>(verifyWaiters);
            verifyWaiters.clear();
            w.forEach(f -> f.complete(s));
        }
    }

    // ---- DISCONTINUE (decision E5) ----

    /** Tells the peer to discontinue, at once and then every retry interval until it acknowledges. */
    void discontinue(String reason) {
        discontinueReason = reason;
        if (discontinueActive || closed) {
            return;
        }
        discontinueActive = true;
        discontinueAttempts = 0;
        discontinueTimer = machine.scheduler().schedule(this::discontinueTick, 0L);
    }

    /** @return true while DISCONTINUE is being re-sent. */
    boolean discontinuing() {
        return discontinueActive;
    }

    /** The peer is no longer primary: no further DISCONTINUE needed. */
    void stopDiscontinue() {
        discontinueActive = false;
        StateMachine.cancel(discontinueTimer);
        discontinueTimer = null;
    }

    private void discontinueTick() {
        discontinueTimer = null;
        if (!discontinueActive) {
            return;
        }
        CoreSettings s = machine.settings();
        if (discontinueAttempts >= s.discontinueMaxAttempts()) {
            machine.journal().warn("The peer did not acknowledge DISCONTINUE after {} attempts; the periodic state"
                    + " query continues", discontinueAttempts);
            stopDiscontinue();
            return;
        }
        discontinueAttempts++;
        long epoch = machine.epochs().current();
        if (discontinueAttempts == 1) {
            machine.journal().info("Sending DISCONTINUE (epoch {}) to the peer, every {} ms until it acknowledges",
                    epoch, s.discontinueIntervalMillis());
        }
        machine.peer().discontinue(epoch, discontinueReason, Duration.ofMillis(s.discontinueIntervalMillis()),
                r -> machine.onMachine(() -> onDiscontinueAnswer(r)));
        discontinueTimer = machine.scheduler().schedule(this::discontinueTick, s.discontinueIntervalMillis());
    }

    private void onDiscontinueAnswer(Response r) {
        if (r == null || !r.isReply() || !discontinueActive) {
            return;
        }
        Wire.DiscontinueAck ack = machine.peer().decodeAck(r);
        if (ack == null) {
            return;
        }
        machine.epochs().notePeer(ack.epoch());
        if (ack.ack()) {
            machine.journal().audit("Peer {} acknowledged DISCONTINUE; it is now {}", ack.node(), ack.state());
            stopDiscontinue();
        } else if (ack.state() == SwitchoverState.PRIMARY) {
            machine.post(Event.of(EventType.PEER_STATE, "", new PeerAnswer(
                    new Wire.StateInfo(ack.node(), ack.state(), ack.epoch(), "", false), "")));
        }
    }
}
