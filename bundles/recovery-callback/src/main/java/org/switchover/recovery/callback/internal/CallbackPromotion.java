package org.switchover.recovery.callback.internal;

import java.time.Instant;

import org.switchover.api.interaction.CallbackContent;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.Promotion;

/**
 * The callback promotion rule: the request stays in the system and keeps routing (by state), with its number, its
 * requested time and its attempts; the host re-arms its timer for the requested time, or dials at once when that
 * time passed during the switch. Nothing is lost (the reference's own loss is the client's callback window
 * disappearing briefly, which is the client's business).
 */
final class CallbackPromotion {

    private CallbackPromotion() {
    }

    static Promotion promote(Interaction shadow, long nowMillis) {
        Promotion p = Promotion.byState(shadow);
        if (!(shadow.content() instanceof CallbackContent cb)) {
            return p;
        }
        String timer = cb.requestedMillis() > nowMillis
                ? "re-armed for " + Instant.ofEpochMilli(cb.requestedMillis())
                : "due since " + Instant.ofEpochMilli(cb.requestedMillis()) + ": dialled at once";
        return new Promotion(p.restored(), p.action() + "; " + timer + " (attempts so far " + cb.attempts() + ")",
                p.lost());
    }
}
