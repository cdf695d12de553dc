package org.switchover.api.interaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The shared promotion rules: by state, and the transcript rule. */
class PromotionTest {

    private static final long T0 = 1_700_000_000_000L;

    private static Interaction chat(InteractionState state, QueueRef queue, String agent, Transcript.Entry... entries) {
        return new Interaction("c1", Channel.CHAT, state, queue, agent, T0, 4, Map.of("lang", "en"),
                new Transcript(List.of(entries)));
    }

    @Test
    void aTranscriptWithNothingToReportKeepsThePromotionAsItIs() {
        Promotion base = Promotion.byState(chat(InteractionState.CONNECTED, QueueRef.user("alice"), "alice",
                Transcript.Entry.text(T0, "customer", "hello"), Transcript.Entry.text(T0 + 1, "alice", "hi")));
        assertSame(base, Promotion.keepTranscript(base));
        assertEquals("stays CONNECTED to alice on " + QueueRef.user("alice"), base.action());
        assertEquals(List.of(), base.lost());
    }

    @Test
    void statusMessagesAreKeptAndReportedAndATransferInFlightIsDroppedAndNamed() {
        Transcript.Entry text = Transcript.Entry.text(T0, "customer", "see attached");
        Transcript.Entry status = new Transcript.Entry(T0 + 1, "system", Transcript.Kind.STATUS, "alice joined", true);
        Transcript.Entry done = new Transcript.Entry(T0 + 2, "customer", Transcript.Kind.FILE_TRANSFER, "a.png", true);
        Transcript.Entry flying = new Transcript.Entry(T0 + 3, "customer", Transcript.Kind.FILE_TRANSFER, "b.pdf",
                false);
        Interaction shadow = chat(InteractionState.OFFERING, QueueRef.workgroup("sales"), "bob", text, status, done,
                flying);

        Promotion p = Promotion.keepTranscript(Promotion.byState(shadow));

        assertEquals(InteractionState.QUEUED, p.restored().state(), "offering on a workgroup queue is requeued");
        assertEquals("", p.restored().agent());
        assertEquals(List.of(text, status, done), ((Transcript) p.restored().content()).entries());
        assertEquals(List.of("file transfer 'b.pdf' from customer was in flight: it must be sent again",
                "1 generated status message kept as history only (not sent again)"), p.lost());

        Promotion statusOnly = Promotion.keepTranscript(Promotion.byState(chat(InteractionState.CONNECTED,
                QueueRef.user("alice"), "alice", text, status, status)));
        assertSame(((Transcript) statusOnly.restored().content()).entries().get(1), status);
        assertEquals(List.of("2 generated status messages kept as history only (not sent again)"), statusOnly.lost());
    }
}
