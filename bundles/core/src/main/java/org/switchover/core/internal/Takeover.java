package org.switchover.core.internal;

import org.switchover.api.SwitchResult;

/**
 * The switch itself (rows 13, 14b, 15c, 15u, 16 to 19, 24u): store the raised epoch, write the lines operators search
 * for (spec section 13.4) and take the PRIMARY role with duties that tell the old primary to DISCONTINUE. The backup's
 * duties (monitors, links, reconnect) are closed by the state change. Runs on the machine's thread.
 */
final class Takeover {
    private Takeover() {
    }

    /** Rows 13 and 16 to 19: an automatic switch. */
    static Outcome automatic(StateMachine m, Event e) {
        String reason = switchReason(e);
        switch (e.type()) {
            case MODULE_DOWN -> m.journal().info("{}: the monitored module is down; switching now and going to"
                    + " PRIMARY", m.state());
            case CONNECTIONS_DOWN -> m.journal().info("{}: lost the connections to the primary; switching now and"
                    + " going to PRIMARY", m.state());
            default -> m.journal().info("{}: {}; switching now and going to PRIMARY", m.state(), e.type());
        }
        return switchNow(m, reason, detailBeyond(reason, e), null, null, 0L);
    }

    /**
     * Switches to PRIMARY.
     *
     * @param reason the switch reason operators search for
     * @param detail what led to it
     * @param mode for a manual switch, controlled or not; null for an automatic one
     * @param req the manual request to complete, or null
     * @param proposedEpoch the epoch proposed in a controlled hand-off (the new epoch is at least this), or 0
     */
    static Outcome switchNow(StateMachine m, String reason, String detail, SwitchResult.Mode mode,
                             SwitchRequest req, long proposedEpoch) {
        Epochs epochs = m.epochs();
        long next = Math.max(epochs.next(), proposedEpoch);
        if (!epochs.persist(next)) {
            Outcome failed = Outcome.fail("the new epoch could not be stored; this node does not act as primary");
            return req == null ? failed : failed.then(() -> req.result().complete(SwitchResult.refused(
                    epochs.current(), "switch failed: the new epoch could not be stored")));
        }
        long epoch = epochs.current();
        // Reason first, then the line operators search for (spec section 13.4).
        m.journal().audit("Switch reason: {} - {}", reason, detail);
        m.journal().audit("Switchover Service: Switch Initiated");
        m.journal().audit("Initiating switch: node {} becomes PRIMARY with epoch {}{}", m.settings().node(), epoch,
                mode == null ? "" : " (" + mode.name().toLowerCase() + ")");
        Outcome out = Outcome.because(reason).enter(new PrimaryDuties(m, reason));
        if (req == null) {
            return out;
        }
        SwitchResult result = new SwitchResult(true, mode, epoch, "node " + m.settings().node()
                + " is PRIMARY with epoch " + epoch + " (" + detail + ")");
        return out.then(() -> req.result().complete(result));
    }

    /** The event's words without repeating the switch reason itself. */
    static String detailBeyond(String reason, Event e) {
        if (reason.equals(e.reason()) && !e.detail().isEmpty()) {
            return e.detail();
        }
        return e.describe().isEmpty() ? e.type().name() : e.describe();
    }

    /** @return the switch reason an event stands for (spec section 13.4). */
    static String switchReason(Event e) {
        return switch (e.type()) {
            case MODULE_DOWN -> StateMachine.REASON_TS;
            case INTERNAL_SWITCH_REQ, PREPARE_REPLY -> StateMachine.REASON_MANUAL;
            default -> StateMachine.REASON_NOTIFIER;
        };
    }
}
