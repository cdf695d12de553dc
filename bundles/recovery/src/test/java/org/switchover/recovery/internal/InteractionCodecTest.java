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

    @Test
    void aSnapshotPageIsReadInPlaceAndAMalformedOneIsRefusedByName() throws Exception {
        Interaction mail = new Interaction("m-1", Channel.MAIL, InteractionState.QUEUED, QueueRef.workgroup("Sales"),
                "", 5L, 3, Map.of("lang", "de"), new MailContent(Map.of("Subject", "Grüße"), "Grüße – 你好", "",
                List.of()));
        Interaction cb = new Interaction("m-2", Channel.CALLBACK, InteractionState.QUEUED, QueueRef.workgroup("w"),
                "", 1, 1, Map.of(), new CallbackContent("+1", 99, 2));
        byte[] bytes = RecoveryWire.page(List.of(mail, cb), true, 7, "m-3");
        RecoveryWire.Page page = RecoveryWire.page(bytes);
        assertEquals(2, page.size());
        assertTrue(page.last());
        assertEquals(7, page.liveCount());
        assertEquals("m-3", page.next());
        assertEquals(mail, InteractionCodec.decode(page.data(), page.offsets()[0], page.lengths()[0]));
        assertEquals("m-2", InteractionCodec.id(page.data(), page.offsets()[1], page.lengths()[1]));
        assertEquals(1, InteractionCodec.version(page.data(), page.offsets()[1], page.lengths()[1]));
        assertEquals(cb, InteractionCodec.decode(page.data(), page.offsets()[1], page.lengths()[1]));
        // each interaction is the same bytes as encoded on its own
        assertTrue(Arrays.equals(InteractionCodec.encode(cb), Arrays.copyOfRange(page.data(), page.offsets()[1],
                page.offsets()[1] + page.lengths()[1])));

        MalformedMessageException cut = assertThrows(MalformedMessageException.class,
                () -> RecoveryWire.page(Arrays.copyOf(bytes, bytes.length - 5)));
        assertTrue(cut.getMessage().startsWith("recovery snapshot page: interaction: truncated"), cut.getMessage());
        byte[] tooMany = bytes.clone();
        int countAt = 1 + 1 + 4 + 2 + 3;
        tooMany[countAt] = 0x7f;
        assertTrue(assertThrows(MalformedMessageException.class, () -> RecoveryWire.page(tooMany)).getMessage()
                .contains("interactions: count"));
        // an interaction cut inside the page is refused when it is read, naming the interaction
        byte[] inner = bytes.clone();
        RecoveryWire.Page p = RecoveryWire.page(inner);
        assertTrue(assertThrows(MalformedMessageException.class, () -> InteractionCodec.decode(p.data(),
                p.offsets()[1], p.lengths()[1] - 2)).getMessage().startsWith("recovery interaction: "));
    }
}
