package org.switchover.api.notifier;

/**
 * The end of a request.
 *
 * @param outcome how it ended
 * @param payload the reply body for {@link ResponseOutcome#REPLY}, otherwise empty; never null
 * @param detail why it ended that way when not a reply (e.g. "no handler for event id 'x'"), otherwise empty
 */
public record Response(ResponseOutcome outcome, byte[] payload, String detail) {

    /**
     * Start of the detail of a {@link ResponseOutcome#CONNECTION_LOST} that ended because the peer's machine refused
     * the TCP connection (nothing listens on the peer's port: its process is gone while its machine is up), as
     * opposed to a peer that did not answer at all. Since 2.2.
     */
    public static final String REFUSED_PREFIX = "connection refused: ";

    /** @return true for {@link ResponseOutcome#REPLY}. */
    public boolean isReply() {
        return outcome == ResponseOutcome.REPLY;
    }

    /**
     * @return true when the request never reached the peer because its machine refused the connection (see
     *     {@link #REFUSED_PREFIX}); false for every other outcome, a timeout or an unreachable machine included.
     *     Since 2.2.
     */
    public boolean refused() {
        return outcome == ResponseOutcome.CONNECTION_LOST && detail != null && detail.startsWith(REFUSED_PREFIX);
    }

    /** Creates a non-reply outcome with a detail text. */
    public static Response of(ResponseOutcome outcome, String detail) {
        return new Response(outcome, new byte[0], detail);
    }
}
