package org.switchover.api.notifier;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Messaging between the two nodes. The notifier listens on the virtual-switch port; when asked to
 * {@link #openPeerLinks() open the peer links} (on the backup), it opens the main and auxiliary connections to the
 * peer and keeps them open, reconnecting after every loss. Requests and streams travel both ways over a link once
 * it is {@link ConnectionStatus#ACTIVE}, whichever side opened it. All methods are thread-safe and non-blocking.
 */
@ProviderType
public interface Notifier {

    /** Default virtual-switch / notifier TCP port. */
    int DEFAULT_PORT = 3633;

    /** @return the address this node listens on, {@code host:port}. */
    String listenAddress();

    /**
     * Sends a request to the peer over one link.
     *
     * @param link MAIN or AUX
     * @param objectId object addressed, "*" for none
     * @param eventId selects the peer's handler
     * @param payload body, may be empty, not null
     * @param timeout how long to wait for the answer; the request ends {@link ResponseOutcome#TIMEOUT} after it
     * @return the pending request; its response completes with one of the five outcomes
     */
    PendingRequest send(Link link, String objectId, String eventId, byte[] payload, Duration timeout);

    /**
     * Sends one request over a short-lived connection to the peer's virtual-switch port, opened for it and closed
     * after it. Used when no link is open: role negotiation at start, and a primary telling a stale peer to
     * discontinue. A peer that cannot be reached or fails authentication ends the request
     * {@link ResponseOutcome#CONNECTION_LOST} with a detail saying which.
     */
    PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout);

    /** @return the reconnect delay in force (the clamped {@code Switchover Notifier Reconnect Delay}). */
    Duration reconnectDelay();

    /** @return the current status of one link. */
    LinkStatus status(Link link);

    /** Opens (and keeps open) the main and auxiliary connections to the peer. Idempotent. */
    void openPeerLinks();

    /** Closes the outgoing connections to the peer and stops reconnecting. Idempotent. */
    void closePeerLinks();

    /** @return true while the outgoing connections are wanted (between open and close). */
    boolean peerLinksOpen();

    /**
     * Opens the publishing end of a stream. Any publisher of the same stream already open is closed first.
     *
     * @param stream the stream's name
     * @param replicationId the id messages are numbered under; a follower of another id must resynchronise
     * @return the publisher
     */
    StreamPublisher publish(String stream, String replicationId);

    /**
     * Follows a stream published by the peer over the main link, resuming after {@code from}. The subscription is
     * renewed after every reconnect.
     *
     * @param stream the stream's name
     * @param from the follower's position; {@link StreamPosition#NONE} to start from scratch
     * @param listener receives messages and resynchronisation signals
     * @return the subscription
     */
    StreamSubscription follow(String stream, StreamPosition from, StreamListener listener);

    /**
     * @return the peer's UDP heartbeats as seen now; {@link PeerHeartbeat#OFF} when this notifier sends none.
     *     Since 2.3.
     */
    default PeerHeartbeat heartbeat() {
        return PeerHeartbeat.OFF;
    }
}
