package org.switchover.core.internal;

import java.time.Duration;
import java.util.function.Consumer;

import org.switchover.api.SwitchResult;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Response;

/**
 * Everything the core asks its peer over the notifier - state queries, PREPARE_SWITCH, a forwarded REQUEST_SWITCH,
 * DISCONTINUE, the reconnect probe - and what the peer last said. Answers arrive on notifier threads and are handed
 * to the given callbacks as decoded values (a failure or an undecodable answer becomes a value saying why, never an
 * exception); the callbacks post them to the machine. The peer view is touched only on the machine's thread.
 */
final class PeerClient {

    private static final long PROBE_TIMEOUT_MAX_MILLIS = 2_000L;
    static final String LINKS_LOST = "both notifier connections to the peer were lost";

    private final StateMachine machine;
    private final Notifier notifier;

    private Wire.StateInfo last;
    private long lastMillis;
    private long answeredMillis;
    private String lastFailure = "";

    PeerClient(StateMachine machine, Notifier notifier) {
        this.machine = machine;
        this.notifier = notifier;
    }

    // ---- what the peer last said ----

    /** Records a state answer (or why there is none) and the peer's epoch. */
    void note(PeerAnswer a) {
        lastMillis = machine.scheduler.nowMillis();
        if (a.info() != null) {
            last = a.info();
            answeredMillis = lastMillis;
            lastFailure = "";
            machine.epochs.notePeer(a.info().epoch());
        } else {
            lastFailure = a.failure();
        }
    }

    /**
     * Both links to the peer went down: the peer cannot be reached over them, so whatever it said before is only its
     * last known state (the status shows it unreachable until it answers again).
     */
    void linksLost() {
        lastMillis = machine.scheduler.nowMillis();
        lastFailure = LINKS_LOST;
    }

    /** @return true while the last word on the peer is that both links to it went down. */
    boolean lostWithLinks() {
        return LINKS_LOST.equals(lastFailure);
    }

    /** Row 28: forget the peer; it is asked again. */
    void forget() {
        last = null;
        lastFailure = "";
    }

    /**
     * What is known of the peer, for the published snapshot.
     *
     * @param last the peer's last answer, null when none
     * @param lastMillis scheduler time of the last query (answered or not)
     * @param lastFailure why the last query got no answer, empty when it did
     * @param answeredMillis scheduler time of {@code last} (its age is the age of what the peer said)
     */
    record Knowledge(Wire.StateInfo last, long lastMillis, String lastFailure, long answeredMillis) {
    }

    Knowledge knowledge() {
        return new Knowledge(last, lastMillis, lastFailure, answeredMillis);
    }

    // ---- links ----

    /** @return the primary's UDP heartbeats as the notifier sees them now; OFF when it cannot say */
    PeerHeartbeat heartbeat() {
        try {
            PeerHeartbeat h = notifier.heartbeat();
            return h == null ? PeerHeartbeat.OFF : h;
        } catch (RuntimeException ex) {
            return PeerHeartbeat.OFF;
        }
    }

    /** @return true when {@code link} is ACTIVE as the notifier sees it now. */
    boolean linkActive(Link link) {
        try {
            LinkStatus s = notifier.status(link);
            return s != null && s.isActive();
        } catch (RuntimeException ex) {
            return false;
        }
    }

    /** The backup opens the main and auxiliary links to the primary (rows 3 to 5). */
    void openLinks() {
        try {
            notifier.openPeerLinks();
        } catch (RuntimeException ex) {
            machine.journal().warn("Opening the peer links failed: {}", String.valueOf(ex));
        }
    }

    /** A node that leaves the backup role closes its outgoing links (the new backup opens its own). */
    void closeLinks() {
        try {
            if (notifier.peerLinksOpen()) {
                notifier.closePeerLinks();
            }
        } catch (RuntimeException ex) {
            machine.journal().warn("Closing the peer links failed: {}", String.valueOf(ex));
        }
    }

    /** @return twice the notifier's reconnect delay, bounded to 2..120 s (how long row 3 waits for the links). */
    long linkWaitMillis() {
        long wait;
        try {
            wait = notifier.reconnectDelay().toMillis() * 2;
        } catch (RuntimeException ex) {
            wait = 10_000L;
        }
        return Math.max(2_000L, Math.min(120_000L, wait));
    }

    // ---- requests ----

    /** Asks the peer's state over a one-shot connection, telling it this node's own (decision N1). */
    void queryState(Duration timeout, Consumer<PeerAnswer> then) {
        PendingRequest p;
        try {
            p = notifier.sendOnce("*", EventIds.STATE_QUERY, Wire.encode(machine.selfInfo()), timeout);
        } catch (RuntimeException ex) {
            then.accept(new PeerAnswer(null, "the notifier failed: " + ex));
            return;
        }
        p.response().whenComplete((r, ex) -> then.accept(toPeerAnswer(r, ex)));
    }

    /**
     * Asks the peer's state over a one-shot connection only to learn whether its machine refuses the connection
     * ({@link Response#refused()}); {@code then} gets the response (an exception becomes a CONNECTION_LOST that is
     * not a refusal).
     */
    void queryRefused(Duration timeout, Consumer<Response> then) {
        PendingRequest p;
        try {
            p = notifier.sendOnce("*", EventIds.STATE_QUERY, Wire.encode(machine.selfInfo()), timeout);
        } catch (RuntimeException ex) {
            then.accept(Response.of(org.switchover.api.notifier.ResponseOutcome.CONNECTION_LOST,
                    "the notifier failed: " + ex));
            return;
        }
        p.response().whenComplete((r, ex) -> then.accept(ex != null || r == null
                ? Response.of(org.switchover.api.notifier.ResponseOutcome.CONNECTION_LOST, "the notifier failed: " + ex)
                : r));
    }

    private static PeerAnswer toPeerAnswer(Response r, Throwable ex) {
        if (ex != null) {
            return new PeerAnswer(null, "the notifier failed: " + ex);
        }
        if (!r.isReply()) {
            return new PeerAnswer(null, r.outcome() + (r.detail().isEmpty() ? "" : ": " + r.detail()));
        }
        try {
            return new PeerAnswer(Wire.decode(r.payload(), Wire.StateInfo.class), "");
        } catch (IllegalArgumentException bad) {
            return new PeerAnswer(null, "the peer's answer cannot be verified: " + bad.getMessage());
        }
    }

    /** Row 15: PREPARE_SWITCH over MAIN, proposing {@code proposed} as the new epoch (decision M1). */
    void prepare(SwitchRequest r, long proposed, Consumer<PrepareOutcome> then) {
        CoreSettings s = machine.settings();
        PendingRequest p;
        try {
            p = notifier.send(Link.MAIN, "*", EventIds.PREPARE_SWITCH,
                    Wire.encode(new Wire.Prepare(s.node(), proposed, StateMachine.REASON_MANUAL, r.requestedBy())),
                    Duration.ofMillis(s.prepareTimeoutMillis()));
        } catch (RuntimeException ex) {
            then.accept(new PrepareOutcome(r, proposed, null, "the notifier failed: " + ex));
            return;
        }
        p.response().whenComplete((resp, ex) -> then.accept(toPrepareOutcome(r, proposed, resp, ex)));
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
            return new PrepareOutcome(r, proposed, Wire.decode(resp.payload(), Wire.PrepareAck.class), "");
        } catch (IllegalArgumentException bad) {
            return new PrepareOutcome(r, proposed, null, "the primary's answer is not valid: " + bad.getMessage());
        }
    }

    /**
     * Row 15f: a switch requested on the primary goes to the backup as REQUEST_SWITCH, over MAIN or, with no link up,
     * a one-shot connection (decision M3); {@code then} gets the backup's outcome.
     */
    void forward(SwitchRequest r, Consumer<SwitchResult> then) {
        CoreSettings s = machine.settings();
        byte[] body = Wire.encode(new Wire.SwitchAsk(s.node(), r.immediate(), r.requestedBy(), r.acceptWarnings()));
        Duration timeout = Duration.ofMillis(s.forwardTimeoutMillis());
        PendingRequest p;
        try {
            p = linkActive(Link.MAIN) ? notifier.send(Link.MAIN, "*", EventIds.REQUEST_SWITCH, body, timeout)
                    : notifier.sendOnce("*", EventIds.REQUEST_SWITCH, body, timeout);
        } catch (RuntimeException ex) {
            r.result().complete(SwitchResult.refused(machine.epochs.current(),
                    "switch failed: the notifier failed: " + ex));
            return;
        }
        p.response().whenComplete((resp, ex) -> then.accept(toSwitchResult(resp, ex, machine.snapshot().epoch())));
    }

    private static SwitchResult toSwitchResult(Response resp, Throwable ex, long epoch) {
        if (ex != null) {
            return SwitchResult.refused(epoch, "switch failed: the notifier failed: " + ex);
        }
        if (!resp.isReply()) {
            return SwitchResult.refused(epoch, "switch failed: the backup did not carry it out ("
                    + resp.outcome() + (resp.detail().isEmpty() ? "" : ": " + resp.detail()) + ")");
        }
        try {
            return Wire.decodeSwitchResult(resp.payload());
        } catch (IllegalArgumentException bad) {
            return SwitchResult.refused(epoch, "switch outcome unknown: " + bad.getMessage());
        }
    }

    /**
     * One DISCONTINUE over a one-shot connection (decision E5); {@code then} gets the peer's response (decode it with
     * {@link #decodeAck} on the machine's thread).
     */
    void discontinue(long epoch, String reason, Duration timeout, Consumer<Response> then) {
        try {
            PendingRequest p = notifier.sendOnce("*", EventIds.DISCONTINUE,
                    Wire.encode(new Wire.Discontinue(machine.settings().node(), epoch, reason)), timeout);
            p.response().whenComplete((r, ex) -> then.accept(r));
        } catch (RuntimeException ex) {
            machine.journal().warn("Sending DISCONTINUE failed: {}", String.valueOf(ex));
        }
    }

    /** @return the peer's answer to DISCONTINUE, or null when there is none or it cannot be decoded (logged). */
    Wire.DiscontinueAck decodeAck(Response r) {
        if (r == null || !r.isReply()) {
            return null;
        }
        try {
            return Wire.decode(r.payload(), Wire.DiscontinueAck.class);
        } catch (IllegalArgumentException bad) {
            machine.journal().warn("Ignoring the peer's DISCONTINUE answer: {}", bad.getMessage());
            return null;
        }
    }

    /**
     * The reconnect probe: does the primary's notifier answer a ping over MAIN? {@code then} gets true when it
     * answered.
     *
     * @return false when the ping could not be sent (then {@code then} is not called)
     */
    boolean ping(long probeMillis, Consumer<Boolean> then) {
        PendingRequest p;
        try {
            p = notifier.send(Link.MAIN, "*", EventIds.NOTIFIER_PING, new byte[0],
                    Duration.ofMillis(Math.min(probeMillis, PROBE_TIMEOUT_MAX_MILLIS)));
        } catch (RuntimeException ex) {
            return false;
        }
        p.response().whenComplete((r, ex) -> then.accept(r != null && r.isReply()));
        return true;
    }
}
