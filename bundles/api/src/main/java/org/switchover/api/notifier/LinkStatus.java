package org.switchover.api.notifier;

/**
 * Immutable snapshot of one connection's status.
 *
 * @param link which connection
 * @param status its status
 * @param detail free text explaining a failure (empty when there is nothing to say)
 * @param peer address of the peer as {@code host:port}, or empty when unknown
 * @param sinceMillis scheduler time (ms) at which this status began
 * @param reconnectAttempt number of the reconnect attempt in progress, 0 while connected or before the first loss
 */
public record LinkStatus(Link link, ConnectionStatus status, String detail, String peer, long sinceMillis,
                         int reconnectAttempt) {

    /** @return true when the connection is logged on. */
    public boolean isActive() {
        return status == ConnectionStatus.ACTIVE;
    }

    /** @return a status for a link that was never opened. */
    public static LinkStatus notConnected(Link link) {
        return new LinkStatus(link, ConnectionStatus.NOT_CONNECTED, "", "", 0L, 0);
    }
}
