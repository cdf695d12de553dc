package org.switchover.api.notifier;

/**
 * The end of a request.
 *
 * @param outcome how it ended
 * @param payload the reply body for {@link ResponseOutcome#REPLY}, otherwise empty; never null
 * @param detail why it ended that way when not a reply (e.g. "no handler for event id 'x'"), otherwise empty
 */
public record Response(ResponseOutcome outcome, byte[] payload, String detail) {

    /** @return true for {@link ResponseOutcome#REPLY}. */
    public boolean isReply() {
        return outcome == ResponseOutcome.REPLY;
    }

    /** Creates a non-reply outcome with a detail text. */
    public static Response of(ResponseOutcome outcome, String detail) {
        return new Response(outcome, new byte[0], detail);
    }
}
