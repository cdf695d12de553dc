package org.switchover.recovery.mail.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.ShadowFilter;

/**
 * {@code Mail Interaction Recovery Filter Enabled} (spec section 10): only emails that have been assigned to an
 * agent's user queue are shadowed; from then on the shadow follows the email wherever agent activity moves it (ACD
 * assignment, transfer to another workgroup queue) until its release. Unassigned emails are not shadowed: after a
 * switch they requeue from the mailbox. What was assigned is remembered for one publishing run; at a full
 * synchronisation an email counts by where it is at that moment. Thread-safe.
 */
final class AssignedMailFilter implements ShadowFilter {

    static final String NAME = "only emails assigned to an agent's queue";

    private final Set<String> assigned = ConcurrentHashMap.newKeySet();

    @Override
    public boolean admits(Interaction mail) {
        if (mail.queue().isUser()) {
            assigned.add(mail.id());
            return true;
        }
        return assigned.contains(mail.id());
    }

    @Override
    public void forget(String id) {
        assigned.remove(id);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
