package org.switchover.api.notifier;

/**
 * Status of one notifier connection, in the vocabulary operators know from the reference's server status page.
 */
public enum ConnectionStatus {
    /** No connection: the peer could not be reached, or the link is closed. Reconnect attempts continue. */
    NOT_CONNECTED("Not Connected"),
    /** The peer was reached but the TLS handshake failed: its certificate (or ours) is not of the server group. */
    AUTHENTICATION_FAILURE("Authentication Failure"),
    /** The peer was reached and authenticated but the logon failed for another reason; see the detail text. */
    NOTIFIER_CONNECTION_FAILURE("Notifier Connection Failure"),
    /** Connected and authenticated; waiting for the peer to accept the logon. */
    WAITING_FOR_CLIENT("Waiting for Client"),
    /** Logged on: requests and streams flow. */
    ACTIVE("Active");

    private final String label;

    ConnectionStatus(String label) {
        this.label = label;
    }

    /** @return the display text, e.g. "Not Connected". */
    public String label() {
        return label;
    }
}
