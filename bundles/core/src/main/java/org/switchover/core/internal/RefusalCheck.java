package org.switchover.core.internal;

import java.time.Duration;

import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.notifier.Response;
import org.switchover.api.time.Cancellable;

/**
 * The quick verdict on a primary whose process is gone while its machine is up (issue 13, fast failover): once both
 * links to the primary are down, a one-shot connection to the primary's notifier port is tried; when the machine
 * refuses it (nothing listens there any more) it is tried again {@code switchover.reconnect.refused.confirm.ms}
 * later, and a second refusal - both links still down - posts CONNECTIONS_DOWN, so the backup switches at once
 * instead of waiting for the reconnect timeout. Anything else (an answer, a timeout, an unreachable machine, a TLS
 * failure) ends the check and leaves the decision to the primary monitor and the reconnect timer: a hung or
 * unreachable primary does not refuse connections, and a primary that still answers keeps its role.
 *
 * <p>Why this is safe (DESIGN.md, "never two primaries while they can talk"): a refused connection means the peer's
 * notifier does not listen, so the two nodes cannot talk; the peer's epoch stays lower than the one this node takes,
 * so when its notifier comes back it is told to discontinue (or learns the higher epoch from the peer query).
 * Owned by {@link BackupDuties}; runs on the machine's thread.
 */
final class RefusalCheck {

    /** Refused connections in a row that prove the primary's process gone. */
    static final int REFUSALS_NEEDED = 2;
    /** Upper bound of one probe's wait: a refusal arrives in a round trip, anything slower is not one. */
    private static final long PROBE_TIMEOUT_MAX_MILLIS = 2_000L;

    private final StateMachine machine;
    private boolean running;
    private boolean inFlight;
    private int refusals;
    private long firstRefusalMillis;
    private long generation;
    private Cancellable next;

    RefusalCheck(StateMachine machine) {
        this.machine = machine;
    }

    /** @return true while a check runs */
    boolean running() {
        return running;
    }

    /**
     * Starts a check unless one runs or the feature is off ({@code confirm = 0}).
     *
     * @param why what made both links go down, for the log
     */
    void start(String why) {
        long confirm = machine.settings().refusedConfirmMillis();
        if (running || confirm <= 0) {
            return;
        }
        running = true;
        refusals = 0;
        generation++;
        machine.journal().info("Both links to the primary are down ({}): checking whether its machine refuses"
                + " connections to the notifier port", why);
        probe();
    }

    /** Ends the check (links back, the role left, a switch under way). */
    void stop() {
        running = false;
        inFlight = false;
        generation++;
        StateMachine.cancel(next);
        next = null;
    }

    private void probe() {
        next = null;
        if (!running || inFlight) {
            return;
        }
        inFlight = true;
        long gen = generation;
        long confirm = machine.settings().refusedConfirmMillis();
        long timeout = Math.min(PROBE_TIMEOUT_MAX_MILLIS, Math.max(500L, confirm * 2));
        machine.peer.queryRefused(Duration.ofMillis(timeout), r -> machine.onMachine(() -> answered(gen, r)));
    }

    private void answered(long gen, Response r) {
        if (gen != generation || !running) {
            return;
        }
        inFlight = false;
        if (machine.link(Link.MAIN).isActive() || machine.link(Link.AUX).isActive()) {
            machine.journal().info("A link to the primary is back: refusal check ended");
            stop();
            return;
        }
        if (!r.refused()) {
            machine.journal().info("The primary's notifier port does not refuse connections ({}{}): the primary"
                    + " monitor and the reconnect timer decide", r.outcome(),
                    r.detail() == null || r.detail().isEmpty() ? "" : ": " + r.detail());
            stop();
            return;
        }
        long now = machine.scheduler.nowMillis();
        refusals++;
        if (refusals == 1) {
            firstRefusalMillis = now;
        }
        if (refusals < REFUSALS_NEEDED) {
            long confirm = machine.settings().refusedConfirmMillis();
            machine.journal().info("The primary's machine refused a connection to its notifier port ({}); asking"
                    + " again in {} ms", r.detail(), confirm);
            next = machine.scheduler.schedule(this::probe, confirm);
            return;
        }
        PeerHeartbeat hb = machine.peer.heartbeat();
        if (hb.enabled() && hb.ageMillis() >= 0 && hb.ageMillis() < now - firstRefusalMillis) {
            // a heartbeat signed after the first refusal: the process runs (only its port refuses); never switch on it
            long confirm = machine.settings().refusedConfirmMillis();
            machine.journal().info("The primary's machine refused {} connections but its heartbeats still arrive"
                    + " ({}): its process runs; asking again in {} ms", refusals, hb.describe(), confirm);
            refusals = 0;
            next = machine.scheduler.schedule(this::probe, confirm);
            return;
        }
        stop();
        String detail = "both links down and the primary's machine refused " + refusals + " connections to its"
                + " notifier port over " + (now - firstRefusalMillis) + " ms: its process is gone ("
                + r.detail().substring(Response.REFUSED_PREFIX.length()) + ")";
        machine.journal().info("{}; switching without waiting for the reconnect timeout", detail);
        machine.post(Event.of(EventType.CONNECTIONS_DOWN, StateMachine.REASON_NOTIFIER, detail));
    }
}
