package org.switchover.recovery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.CallbackContent;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.MailContent;
import org.switchover.api.interaction.QueueRef;
import org.switchover.support.wire.MalformedMessageException;

class InteractionCodecTest {

    @Test
    void aMailKeepsHeadersHtmlAndAttachmentsThroughTheCodec() throws Exception {
        String big = "x".repeat(100_000);
        Interaction mail = new Interaction("m-1", Channel.MAIL, InteractionState.CONNECTED, QueueRef.user("alice"),
                "alice", 1234L, 9, Map.of("priority", "high"),
                new MailContent(Map.of("Subject", "Order 42", "From", "c@example.com"), big, "<p>" + big + "</p>",
                        List.of(new MailContent.Attachment("a.pdf", "application/pdf", 1000, "store:1", false),
                                new MailContent.Attachment("draft.png", "image/png", 10, "store:2", true))));
        byte[] bytes = InteractionCodec.encode(mail);
        assertEquals(9, InteractionCodec.version(bytes));
        assertEquals(mail, InteractionCodec.decode(bytes));
        Interaction cb = new Interaction("cb", Channel.CALLBACK, InteractionState.QUEUED, QueueRef.workgroup("w"),
                "", 1, 1, Map.of(), new CallbackContent("+1", 99, 2));
        assertEquals(cb, InteractionCodec.decode(InteractionCodec.encode(cb)));
    }

    @Test
    void aTruncatedOrPaddedInteractionIsRefusedByName() {
        Interaction cb = new Interaction("cb", Channel.CALLBACK, InteractionState.QUEUED, QueueRef.workgroup("w"),
                "", 1, 1, Map.of(), new CallbackContent("+1", 99, 2));
        byte[] bytes = InteractionCodec.encode(cb);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> InteractionCodec.decode(Arrays.copyOf(bytes, bytes.length - 3)));
        assertTrue(e.getMessage().startsWith("recovery interaction: "), e.getMessage());
        assertThrows(MalformedMessageException.class,
                () -> InteractionCodec.decode(Arrays.copyOf(bytes, bytes.length + 1)));
        byte[] badState = bytes.clone();
        badState[8 + 1 + 2 + 2 + 1] = 42;
        assertThrows(MalformedMessageException.class, () -> InteractionCodec.decode(badState));
        assertThrows(MalformedMessageException.class, () -> RecoveryWire.pageRequest(new byte[] {1, 99, 0, 0}));
    }
}
