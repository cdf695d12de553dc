package org.switchover.recovery.mail.internal;

import java.util.ArrayList;
import java.util.List;

import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.MailContent;
import org.switchover.api.interaction.Promotion;

/**
 * The mail promotion rule: by state (connected to an agent stays with the agent, queued on a workgroup is requeued),
 * and the whole email is kept, HTML body and attachment references included (the reference lost both). An
 * attachment whose bytes the host never stored (no location: a draft being uploaded at the switch) is reported: it
 * must be added again.
 */
final class MailPromotion {

    private MailPromotion() {
    }

    static Promotion promote(Interaction shadow) {
        Promotion p = Promotion.byState(shadow);
        if (!(shadow.content() instanceof MailContent mail)) {
            return p;
        }
        List<MailContent.Attachment> kept = new ArrayList<>(mail.attachments().size());
        List<String> lost = new ArrayList<>();
        for (MailContent.Attachment a : mail.attachments()) {
            if (a.location().isBlank()) {
                lost.add((a.draft() ? "draft attachment '" : "attachment '") + a.name()
                        + "' had no stored copy: it must be added again");
            } else {
                kept.add(a);
            }
        }
        if (lost.isEmpty()) {
            return p;
        }
        return new Promotion(p.restored().withContent(new MailContent(mail.headers(), mail.plainBody(),
                mail.htmlBody(), kept)), p.action(), lost);
    }
}
