package org.switchover.core.internal;

import java.util.List;
import java.util.function.Supplier;

import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.Link;

/**
 * The manual switch (rows 15, 15c, 15f, 15p, 15r, 15u, 15w, 24, 24u; decisions M1 to M3, W1 to W6): a controlled
 * hand-off prepared with the primary, an uncontrolled switch when that is not possible, forwarding a request made on
 * the primary, refusals, and the switch warnings a request must accept. The hand-off in progress is kept here. Runs on
 * the machine's thread, except {@link #warnings(Supplier)}.
 */
final class ManualSwitch {

    private final StateMachine machine;
    private final Journal journal;
    private volatile Supplier<List<String>> warnings = List::of;
    private SwitchRequest pending;

    ManualSwitch(StateMachine machine) {
        this.machine = machine;
        this.journal = machine.journal();
    }

    /** Where the switch warnings come from; read when a manual switch is about to be carried out on this node. */
    void warnings(Supplier<List<String>> source) {
        warnings = source == null ? List::of : source;
    }

    // ---- guards ----

    /** Row 15p: a hand-off is in progress. */
    boolean inProgress() {
        return pending != null;
    }

    /** Rows 15 and 24: not immediate, and MAIN is up. */
    boolean canHandOff(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        return r != null && !r.immediate() && machine.peer().linkActive(Link.MAIN);
    }

    /** Row 15f: the request did not come from the peer. */
    boolean fromPeer(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        return r != null && r.fromPeer();
    }

    /** Row 15c: the answer belongs to this node's hand-off. */
    boolean isPending(Event e) {
        PrepareOutcome o = e.payload(PrepareOutcome.class);
        return o != null && o.request() == pending;
    }

    /** Row 15w: warnings in force that the requester did not accept. */
    boolean warningsNotAccepted(Event e) {
        return !e.payload(SwitchRequest.class).acceptWarnings() && !currentWarnings().isEmpty();
    }

    // ---- actions ----

    /** Rows 15 and 24: ask the primary to prepare a controlled hand-off. */
    Outcome prepare(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        long proposed = machine.epochs().next();
        pending = r;
        journal.info("{}: manual switch requested by {}; asking the primary to prepare a controlled hand-off"
                + " (new epoch {})", machine.state(), r.requestedBy(), proposed);
        machine.peer().prepare(r, proposed, o -> machine.post(Event.of(EventType.PREPARE_REPLY,
                StateMachine.REASON_MANUAL, o)));
        return Outcome.asRow();
    }

    /** Row 15c: the primary answered (or did not): switch, controlled when it accepted. */
    Outcome prepared(Event e) {
        PrepareOutcome o = e.payload(PrepareOutcome.class);
        pending = null;
        boolean controlled = o.ack() != null && o.ack().accepted();
        if (o.ack() != null) {
            machine.epochs().notePeer(o.ack().epoch());
        }
        String detail = controlled
                ? "controlled: primary " + o.ack().node() + " stopped taking work and acknowledged"
                : "uncontrolled: " + (o.ack() != null ? "the primary did not hand off (" + o.ack().detail() + ")"
                : o.failure());
        journal.info("{}: manual switch by {}; backup switching to primary mode", machine.state(),
                o.request().requestedBy());
        return Takeover.switchNow(machine, StateMachine.REASON_MANUAL, detail + "; requested by "
                        + o.request().requestedBy() + despiteWarnings(),
                controlled ? SwitchResult.Mode.CONTROLLED : SwitchResult.Mode.UNCONTROLLED, o.request(),
                o.proposedEpoch());
    }

    /** Rows 15u and 24u: switch now; the old primary is told afterwards. */
    Outcome uncontrolled(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        String why = r.immediate() ? "immediate request, the primary is told afterwards"
                : "the primary cannot be reached over the main connection";
        journal.info("{}: manual switch requested by {}{}; backup switching to primary mode", machine.state(),
                r.requestedBy(), r.immediate() ? " (immediate)" : "");
        return Takeover.switchNow(machine, StateMachine.REASON_MANUAL, "uncontrolled: " + why + "; requested by "
                + r.requestedBy() + despiteWarnings(), SwitchResult.Mode.UNCONTROLLED, r, 0L);
    }

    /** Row 15w: refuse, naming the warnings. */
    Outcome refuseWarnings(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        String w = String.join("; ", currentWarnings());
        journal.warn("Manual switch requested by {} refused: warnings not accepted: {}", r.requestedBy(), w);
        r.result().complete(SwitchResult.refused(machine.epochs().current(), "switch refused: " + w + ". "
                + StateMachine.WARNING_QUESTION + " Accept the warnings to switch anyway (switchoverctl switch"
                + " --ignore-warnings, switchover:switch --ignore-warnings)"));
        return Outcome.asRow();
    }

    /** Rows 15p and 15r: refuse with the reason. */
    Outcome refuse(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        SwitchoverState state = machine.state();
        String why;
        if (pending != null) {
            why = "a switch is already in progress";
        } else if (state == SwitchoverState.PRIMARY) {
            why = "this node is already PRIMARY (the request came from the peer, which is not the backup)";
        } else {
            why = "not possible in state " + state
                    + (state == SwitchoverState.INACTIVE ? " (stale: restart this node first)" : "");
        }
        journal.warn("Manual switch requested by {} refused: {}", r.requestedBy(), why);
        r.result().complete(SwitchResult.refused(machine.epochs().current(), "switch refused: " + why));
        return Outcome.asRow();
    }

    /** Row 15f: on the primary, the backup carries the switch out. */
    Outcome forward(Event e) {
        SwitchRequest r = e.payload(SwitchRequest.class);
        journal.info("PRIMARY: manual switch requested by {}; forwarding the request to the backup", r.requestedBy());
        machine.peer().forward(r, result -> {
            machine.onMachine(() -> journal.info("Forwarded switch request: {}", result.detail()));
            r.result().complete(result);
        });
        return Outcome.asRow();
    }

    /** The node went {@code target} (stale, halted, failed): a hand-off in progress is abandoned. */
    void abandon(SwitchoverState target) {
        if (pending != null) {
            SwitchRequest r = pending;
            pending = null;
            r.result().complete(SwitchResult.refused(machine.epochs().current(),
                    "switch abandoned: node went " + target));
        }
    }

    /** No row took {@code e}: complete the request it carries with a refusal. */
    void unhandled(Event e, String why) {
        SwitchRequest req = e.payload(SwitchRequest.class);
        if (req != null) {
            req.result().complete(SwitchResult.refused(machine.epochs().current(), "switch refused: " + why));
        }
        PrepareOutcome po = e.payload(PrepareOutcome.class);
        if (po != null) {
            if (po.request() == pending) {
                pending = null;
            }
            po.request().result().complete(SwitchResult.refused(machine.epochs().current(),
                    "switch refused: " + why));
        }
    }

    /** @return the switch warnings in force now (never null; a failing source counts as none, logged). */
    private List<String> currentWarnings() {
        try {
            List<String> w = warnings.get();
            return w == null ? List.of() : w;
        } catch (RuntimeException ex) {
            journal.warn("Reading the switch warnings failed: {}", ex.toString());
            return List.of();
        }
    }

    /** @return " despite the warnings: ..." for the audit line of a manual switch, or empty. */
    private String despiteWarnings() {
        List<String> w = currentWarnings();
        return w.isEmpty() ? "" : "; switched despite the warnings: " + String.join("; ", w);
    }
}
