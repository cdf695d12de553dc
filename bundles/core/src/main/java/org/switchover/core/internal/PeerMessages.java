package org.switchover.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Request;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * What the peer tells this node (rows 26, 26a, 26c, 26n, 26r, 27, 27b, 27c, B2; decisions E4 to E6): requests
 * arriving over the notifier are decoded here and queued as events; the rows below answer them - become stale when
 * the peer outranks this node, refuse and tell it to discontinue when it does not. Decoding runs on the notifier's
 * threads, the row actions on the machine's thread. Text the peer chose is escaped before it reaches a log line, and a
 * refused request is logged at most once a minute per event id (the peer can repeat it at will).
 */
final class PeerMessages {

    /** At most one refusal line per event id in this period. */
    static final long REFUSAL_LOG_MILLIS = 60_000L;

    private final StateMachine machine;
    private final Journal journal;
    private final RateLimitedLog refusals;

    PeerMessages(StateMachine machine) {
        this.machine = machine;
        this.journal = machine.journal();
        this.refusals = new RateLimitedLog(journal::warn, REFUSAL_LOG_MILLIS, machine.scheduler::nowMillis, 100);
    }

    // ---- requests from the peer (notifier threads) ----

    /**
     * Answers a request from the peer.
     *
     * @return the reply body; fails (peer sees REJECTED) with a clear message on a malformed request
     */
    CompletionStage<byte[]> handle(Request request) {
        try {
            return switch (request.eventId()) {
                case EventIds.STATE_QUERY -> answerStateQuery(request);
                case EventIds.DISCONTINUE -> {
                    Wire.Discontinue d = Wire.decode(request.payload(), Wire.Discontinue.class);
                    checkSender(d.node(), "DISCONTINUE");
                    yield inbound(EventType.PEER_TOOK_OVER, "DISCONTINUE from peer " + d.node(), d);
                }
                case EventIds.PREPARE_SWITCH -> {
                    Wire.Prepare p = Wire.decode(request.payload(), Wire.Prepare.class);
                    checkSender(p.node(), "PREPARE_SWITCH");
                    yield inbound(EventType.PREPARE_SWITCH, "PREPARE_SWITCH from peer " + p.node(), p);
                }
                case EventIds.REQUEST_SWITCH -> {
                    Wire.SwitchAsk ask = Wire.decode(request.payload(), Wire.SwitchAsk.class);
                    checkSender(ask.node(), "REQUEST_SWITCH");
                    yield machine.requestSwitch(ask.immediate(), ask.requestedBy() + " on node " + ask.node(), true,
                            ask.acceptWarnings()).thenApply(Wire::encode);
                }
                default -> CompletableFuture.failedFuture(new IllegalArgumentException(
                        "the switchover core does not answer event id '" + request.eventId() + "'"));
            };
        } catch (IllegalArgumentException e) {
            String eventId = LogText.escape(request.eventId());
            refusals.log(eventId, "Refusing {} from {}: {}", eventId, LogText.escape(request.senderId()),
                    LogText.escape(e.getMessage()));
            return CompletableFuture.failedFuture(e);
        }
    }

    private void checkSender(NodeId sender, String what) {
        NodeId self = machine.settings().node();
        if (self != null && sender == self) {
            throw new IllegalArgumentException("malformed " + what + ": it claims to come from node " + sender
                    + ", which is this node's own letter");
        }
    }

    private <T> CompletionStage<byte[]> inbound(EventType type, String what, T message) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        machine.post(Event.of(type, what, new Inbound<>(message, reply)));
        return reply;
    }

    private CompletionStage<byte[]> answerStateQuery(Request request) {
        if (request.payload() != null && request.payload().length > 0) {
            Wire.StateInfo asker = Wire.decode(request.payload(), Wire.StateInfo.class);
            checkSender(asker.node(), "state query");
            machine.onMachine(() -> machine.peer.note(new PeerAnswer(asker, "")));
        }
        return CompletableFuture.completedFuture(Wire.encode(machine.selfInfo()));
    }

    // ---- guards ----

    /** Row 26: the peer that sent this DISCONTINUE outranks this node. */
    boolean discontinueOutranks(Event e) {
        Inbound<?> in = e.payload(Inbound.class);
        return in != null && in.message() instanceof Wire.Discontinue d && peerWins(d.epoch());
    }

    /** Row 26c: the PREPARE_SWITCH carries an epoch higher than this node's. */
    boolean prepareAcceptable(Event e) {
        Inbound<?> in = e.payload(Inbound.class);
        return in != null && in.message() instanceof Wire.Prepare p && p.epoch() > machine.epochs.current();
    }

    /** Rows 27b and B1: the peer answered PRIMARY. */
    static boolean peerIsPrimary(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        return a != null && a.info() != null && a.info().state() == SwitchoverState.PRIMARY;
    }

    /** Row 27: the peer answered PRIMARY and outranks this node. */
    boolean peerIsPrimaryAndWins(Event e) {
        return peerIsPrimary(e) && peerWins(e.payload(PeerAnswer.class).info().epoch());
    }

    private boolean peerWins(long peerEpoch) {
        return machine.epochs.peerWins(peerEpoch, machine.settings().node());
    }

    // ---- actions ----

    @SuppressWarnings("unchecked")
    private static <T> Inbound<T> inbound(Event e) {
        return (Inbound<T>) e.payload(Inbound.class);
    }

    private byte[] discontinueAck(boolean ack) {
        return Wire.encode(new Wire.DiscontinueAck(ack, machine.settings().node(), machine.state(),
                machine.epochs.current()));
    }

    /** Row 26: the peer took over with a higher epoch; this node becomes stale. */
    Outcome discontinued(Event e) {
        Inbound<Wire.Discontinue> in = inbound(e);
        Wire.Discontinue d = in.message();
        machine.epochs.notePeer(d.epoch());
        journal.audit("Peer {} took over with epoch {} ({}); this node (epoch {}) stops acting as primary and"
                + " becomes INACTIVE (stale)", d.node(), d.epoch(), LogText.escape(d.reason()),
                machine.epochs.current());
        return Outcome.because("peer " + d.node() + " took over with epoch " + d.epoch())
                .then(() -> in.reply().complete(discontinueAck(true)));
    }

    /** Row 26n: the peer claims primacy with a lower epoch; refuse and tell it to discontinue. */
    Outcome refuseDiscontinue(Event e) {
        Inbound<Wire.Discontinue> in = inbound(e);
        Wire.Discontinue d = in.message();
        machine.epochs.notePeer(d.epoch());
        journal.warn("Peer {} claims to have taken over with epoch {}, but this primary holds epoch {}: refusing"
                + " and telling it to discontinue", d.node(), d.epoch(), machine.epochs.current());
        in.reply().complete(discontinueAck(false));
        machine.duties(PrimaryDuties.class).discontinue("peer " + d.node() + " claims primacy with a lower epoch");
        return Outcome.asRow();
    }

    /** Row 26a: a node that is not primary acknowledges. */
    Outcome ackDiscontinue(Event e) {
        Inbound<Wire.Discontinue> in = inbound(e);
        machine.epochs.notePeer(in.message().epoch());
        journal.info("{}: peer {} announces it is primary with epoch {}", machine.state(), in.message().node(),
                in.message().epoch());
        in.reply().complete(discontinueAck(true));
        return Outcome.asRow();
    }

    /** Row 26c: a controlled hand-off - stop taking work, acknowledge, become stale (decision M1). */
    Outcome prepareAccept(Event e) {
        Inbound<Wire.Prepare> in = inbound(e);
        Wire.Prepare p = in.message();
        machine.epochs.notePeer(p.epoch());
        journal.audit("Peer {} takes over in a controlled hand-off ({}, requested by {}, new epoch {}): this node"
                + " stops taking new work and becomes INACTIVE", p.node(), LogText.escape(p.reason()),
                LogText.escape(p.requestedBy()), p.epoch());
        // ROLE_DISCONTINUE goes out with the state change; the acknowledgement waits (bounded) for the hand-over
        // participants, so that what they persist before it (the tracker's rows) is in place when the peer takes over
        return Outcome.because("controlled hand-off to peer " + p.node() + " (epoch " + p.epoch() + ")")
                .then(() -> {
                    byte[] ack = prepareAck(true, "stopped taking work");
                    machine.handOver(p.node().name()).whenComplete((x, ex) -> in.reply().complete(ack));
                });
    }

    private byte[] prepareAck(boolean accepted, String detail) {
        return Wire.encode(new Wire.PrepareAck(accepted, machine.settings().node(), machine.state(),
                machine.epochs.current(), detail));
    }

    /** Row 26r: refuse a hand-off with the reason. */
    Outcome prepareRefuse(Event e) {
        Inbound<Wire.Prepare> in = inbound(e);
        Wire.Prepare p = in.message();
        machine.epochs.notePeer(p.epoch());
        SwitchoverState state = machine.state();
        String why = state == SwitchoverState.PRIMARY
                ? "proposed epoch " + p.epoch() + " is not higher than this primary's epoch "
                + machine.epochs.current()
                : "this node is not primary (state " + state + ")";
        journal.warn("Refusing PREPARE_SWITCH from peer {}: {}", p.node(), why);
        in.reply().complete(prepareAck(false, why));
        return Outcome.asRow();
    }

    /** Row 27: split brain healed, the peer wins; this node becomes stale. */
    Outcome splitBrainYield(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        machine.peer.note(a);
        journal.audit("Peer {} is also PRIMARY with epoch {} (this node: {}): split brain healed, this node becomes"
                + " INACTIVE (stale)", a.info().node(), a.info().epoch(), machine.epochs.current());
        return Outcome.because("peer " + a.info().node() + " is primary with epoch " + a.info().epoch());
    }

    /** Row 27b: split brain, this node wins; tell the peer to discontinue. */
    Outcome splitBrainHold(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        machine.peer.note(a);
        journal.warn("Peer {} is also PRIMARY with epoch {} (this node: {}): telling it to discontinue",
                a.info().node(), a.info().epoch(), machine.epochs.current());
        machine.duties(PrimaryDuties.class).discontinue("split brain: this node holds the higher epoch");
        return Outcome.asRow();
    }

    /** Rows 27c and B2: note the peer; a primary stops re-sending DISCONTINUE once the peer is no longer primary. */
    Outcome peerNoted(Event e) {
        PeerAnswer a = e.payload(PeerAnswer.class);
        machine.peer.note(a);
        PrimaryDuties primary = machine.duties(PrimaryDuties.class);
        if (a.info() != null && primary != null && primary.discontinuing()
                && a.info().state() != SwitchoverState.PRIMARY && a.info().state() != SwitchoverState.INIT) {
            journal.info("Peer {} is {}: no further DISCONTINUE needed", a.info().node(), a.info().state());
            primary.stopDiscontinue();
        }
        return Outcome.asRow();
    }

    /** No row took {@code e}: answer the peer's request it carries. */
    void unhandled(Event e, String why) {
        Inbound<?> in = e.payload(Inbound.class);
        if (in != null) {
            in.reply().complete(in.message() instanceof Wire.Prepare ? prepareAck(false, why)
                    : discontinueAck(true));
        }
    }
}
