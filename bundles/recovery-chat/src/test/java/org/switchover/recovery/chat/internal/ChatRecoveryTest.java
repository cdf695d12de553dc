package org.switchover.recovery.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.Transcript;
import org.switchover.testing.EnablingParameter;

class ChatRecoveryTest {

    @Test
    void everyTypedTextIsKeptAndWhatCannotSurviveIsReported() {
        ChatRecoveryComponent c = new ChatRecoveryComponent();
        c.configure(Map.of("chat.interaction.recovery.enabled", "1"));
        Transcript t = new Transcript(List.of(
                Transcript.Entry.text(1, "customer", "hello"),
                new Transcript.Entry(2, "system", Transcript.Kind.STATUS, "alice has joined", true),
                Transcript.Entry.text(3, "alice", "how can I help?"),
                new Transcript.Entry(4, "customer", Transcript.Kind.FILE_TRANSFER, "photo.jpg", true),
                new Transcript.Entry(5, "customer", Transcript.Kind.FILE_TRANSFER, "video.mp4", false),
                Transcript.Entry.text(6, "customer", "typed while the servers switched")));
        Interaction chat = new Interaction("chat-1", Channel.CHAT, InteractionState.CONNECTED,
                QueueRef.user("alice"), "alice", 500, 9, Map.of(), t);
        Promotion p = c.promote(chat, 10_000);
        Transcript kept = (Transcript) p.restored().content();
        assertEquals(5, kept.entries().size());
        assertEquals("typed while the servers switched", kept.entries().get(4).text());
        assertEquals(List.of("file transfer 'video.mp4' from customer was in flight: it must be sent again",
                "1 generated status message kept as history only (not sent again)"), p.lost());
        assertEquals(InteractionState.CONNECTED, p.restored().state(), "connected on a user queue stays");
        assertEquals("alice", p.restored().agent());
        assertEquals(500, p.restored().createdMillis());
    }

    @Test
    void theParameterTakesOneOrZeroAndYesOrNo() {
        ChatRecoveryComponent c = new ChatRecoveryComponent();
        EnablingParameter p = new EnablingParameter("chat.interaction.recovery.enabled", c::configure, c::enabled);
        // the reference documents 1/0 for chat: 2 is refused and the previous value (disabled) kept
        assertEquals(List.of(true, false, false), p.enabledAfterEach("Yes", "0", "2"));
    }
}
