package org.switchover.api.interaction;

import java.util.ArrayList;
import java.util.List;

/**
 * What a shadow becomes at a promotion, and what of it could not be kept.
 *
 * @param restored the interaction handed to {@link InteractionSource#restore}, with the shadow's id and creation time
 * @param action what the promotion does with it, for the report ("stays connected to alice", "requeued on sales")
 * @param lost what could not be kept, one phrase each; empty when nothing was lost
 */
public record Promotion(Interaction restored, String action, List<String> lost) {

    public Promotion {
        lost = List.copyOf(lost);
    }

    /**
     * The common state rule of the reference (spec section 10): an interaction connected (or held, or alerting) on a
     * user queue stays with its agent unchanged; one offering or queued on a workgroup queue is requeued for
     * distribution (state QUEUED, no agent); an interaction assigned to an agent, or disconnected and awaiting its
     * release, stays as it is. Id, creation time, attributes and content are kept.
     *
     * @param shadow the shadow
     * @return the promotion by state, losing nothing
     */
    public static Promotion byState(Interaction shadow) {
        QueueRef q = shadow.queue();
        switch (shadow.state()) {
            case OFFERING:
            case QUEUED:
                if (!q.isUser()) {
                    return new Promotion(shadow.routed(InteractionState.QUEUED, q, ""),
                            "requeued on " + q + " for distribution", List.of());
                }
                return new Promotion(shadow, "stays " + shadow.state() + " on " + q, List.of());
            case CONNECTED:
            case HELD:
                return new Promotion(shadow, "stays " + shadow.state() + (shadow.agent().isEmpty() ? ""
                        : " to " + shadow.agent()) + " on " + q, List.of());
            default:
                return new Promotion(shadow, "stays " + shadow.state() + " on " + q, List.of());
        }
    }

    /**
     * The transcript rule shared by chat, SMS and social channels: every typed text is kept (including what was typed
     * during the switch, which reached the backup as a change), generated status messages are kept as history but
     * reported because the host does not send them again, and a file transfer still in flight is removed and
     * reported: it must be sent again.
     *
     * @param base the promotion by state
     * @return the promotion with the transcript rule applied
     */
    public static Promotion keepTranscript(Promotion base) {
        Interaction i = base.restored();
        if (!(i.content() instanceof Transcript t)) {
            return base;
        }
        int status = 0;
        int inFlight = 0;
        for (Transcript.Entry e : t.entries()) {
            if (e.kind() == Transcript.Kind.FILE_TRANSFER && !e.complete()) {
                inFlight++;
            } else if (e.kind() == Transcript.Kind.STATUS) {
                status++;
            }
        }
        if (status == 0 && inFlight == 0) {
            return base;
        }
        // most transcripts keep every entry: a new entry list is made only when a transfer in flight is dropped
        List<Transcript.Entry> kept = inFlight == 0 ? t.entries() : new ArrayList<>(t.entries().size() - inFlight);
        List<String> lost = new ArrayList<>(base.lost().size() + inFlight + 1);
        lost.addAll(base.lost());
        for (Transcript.Entry e : t.entries()) {
            if (e.kind() == Transcript.Kind.FILE_TRANSFER && !e.complete()) {
                lost.add("file transfer '" + e.text() + "' from " + e.party() + " was in flight: it must be sent again");
            } else if (inFlight > 0) {
                kept.add(e);
            }
        }
        if (status > 0) {
            lost.add(status + " generated status message" + (status == 1 ? "" : "s")
                    + " kept as history only (not sent again)");
        }
        return new Promotion(kept.size() == t.entries().size() ? i : i.withContent(new Transcript(kept)),
                base.action(), lost);
    }
}
