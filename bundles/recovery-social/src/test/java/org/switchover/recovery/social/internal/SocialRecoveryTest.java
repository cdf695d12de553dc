package org.switchover.recovery.social.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.Transcript;

class SocialRecoveryTest {

    @Test
    void conversationAndDirectMessageHaveTheirOwnNonZeroParameters() {
        SocialConversationRecoveryComponent conv = new SocialConversationRecoveryComponent();
        conv.configure(Map.of("socialconversation.interaction.recovery.enabled", "3"));
        DirectMessageRecoveryComponent dm = new DirectMessageRecoveryComponent();
        dm.configure(Map.of("directmessage.interaction.recovery.enabled", "0"));
        assertTrue(conv.enabled());
        assertFalse(dm.enabled());
        assertEquals(Channel.SOCIAL_CONVERSATION, conv.channel());
        assertEquals(Channel.DIRECT_MESSAGE, dm.channel());
        dm.configure(Map.of("directmessage.interaction.recovery.enabled", "Yes"));
        assertTrue(dm.enabled());
    }

    @Test
    void theSpellingWithASpaceIsReadWhenTheMainKeyIsAbsent() {
        SocialConversationRecoveryComponent conv = new SocialConversationRecoveryComponent();
        conv.configure(Map.of("social.conversation.interaction.recovery.enabled", "1"));
        assertTrue(conv.enabled());
        conv.configure(Map.of("socialconversation.interaction.recovery.enabled", "0",
                "social.conversation.interaction.recovery.enabled", "1"));
        assertFalse(conv.enabled(), "the documented main key wins");
    }

    @Test
    void aConversationKeepsItsHistoryAndStaysWithItsAgent() {
        DirectMessageRecoveryComponent dm = new DirectMessageRecoveryComponent();
        dm.configure(Map.of("directmessage.interaction.recovery.enabled", "1"));
        Interaction i = new Interaction("dm-1", Channel.DIRECT_MESSAGE, InteractionState.CONNECTED,
                QueueRef.user("dave"), "dave", 7, 1, Map.of("platform", "twitter"), new Transcript(List.of(
                        Transcript.Entry.text(8, "@customer", "hi"), Transcript.Entry.text(9, "dave", "hello"))));
        Promotion p = dm.promote(i, 10);
        assertEquals(i, p.restored());
        assertTrue(p.lost().isEmpty());
    }
}
