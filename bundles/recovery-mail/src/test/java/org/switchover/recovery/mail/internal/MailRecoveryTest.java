package org.switchover.recovery.mail.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.MailContent;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.ShadowFilter;
import org.switchover.testing.EnablingParameter;

class MailRecoveryTest {

    static Interaction mail(String id, InteractionState state, QueueRef queue, String agent,
                            MailContent.Attachment... attachments) {
        return new Interaction(id, Channel.MAIL, state, queue, agent, 1000L, 3, Map.of(),
                new MailContent(Map.of("Subject", "Order 42"), "plain", "<b>html</b>", List.of(attachments)));
    }

    @Test
    void theFilterShadowsOnlyEmailsAssignedToAnAgentAndFollowsThemAfterwards() {
        ShadowFilter f = new AssignedMailFilter();
        assertFalse(f.admits(mail("m1", InteractionState.QUEUED, QueueRef.workgroup("sales"), "")),
                "unassigned: requeues from the mailbox after a switch");
        assertTrue(f.admits(mail("m1", InteractionState.CONNECTED, QueueRef.user("alice"), "alice")));
        assertTrue(f.admits(mail("m1", InteractionState.QUEUED, QueueRef.workgroup("support"), "")),
                "transferred to another workgroup queue: still followed");
        f.forget("m1");
        assertFalse(f.admits(mail("m1", InteractionState.QUEUED, QueueRef.workgroup("support"), "")));
    }

    @Test
    void promotionKeepsHtmlAndAttachmentsAndReportsAnAttachmentNeverStored() {
        MailContent.Attachment stored = new MailContent.Attachment("a.pdf", "application/pdf", 10, "store:1", false);
        MailContent.Attachment uploading = new MailContent.Attachment("draft.png", "image/png", 5, "", true);
        Promotion p = MailPromotion.promote(mail("m1", InteractionState.CONNECTED, QueueRef.user("alice"), "alice",
                stored, uploading));
        MailContent kept = (MailContent) p.restored().content();
        assertEquals("<b>html</b>", kept.htmlBody());
        assertEquals(List.of(stored), kept.attachments());
        assertEquals(List.of("draft attachment 'draft.png' had no stored copy: it must be added again"), p.lost());
        assertEquals("m1", p.restored().id());
        assertEquals(1000L, p.restored().createdMillis());
        assertEquals("alice", p.restored().agent());

        Promotion whole = MailPromotion.promote(mail("m2", InteractionState.OFFERING, QueueRef.workgroup("sales"),
                "bob", stored));
        assertTrue(whole.lost().isEmpty());
        assertEquals(InteractionState.QUEUED, whole.restored().state(), "offering on a workgroup: requeued");
    }

    @Test
    void bothParametersAreReadLiveInTheirDocumentedForms() {
        MailRecoveryComponent c = new MailRecoveryComponent();
        EnablingParameter enabling = new EnablingParameter("mail.interaction.recovery.enabled", c::configure, c::enabled);
        assertTrue(enabling.enabledAfter("1"));
        assertEquals(ShadowFilter.ALL.toString(), c.filterName());
        c.configure(Map.of("mail.interaction.recovery.enabled", "Yes", "mail.interaction.recovery.filter.enabled",
                "1"));
        assertTrue(c.enabled());
        assertEquals(AssignedMailFilter.NAME, c.filterName());
        assertTrue(c.newFilter() instanceof AssignedMailFilter);
        assertTrue(enabling.enabledAfter("maybe"), "a malformed value keeps the previous one");
        assertFalse(enabling.enabledAfter(0));
        c.configure(Map.of());
        assertFalse(c.enabled(), "default 0");
    }
}
