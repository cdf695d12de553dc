package org.switchover.api.notifier;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The receiving end of a stream. Called on one thread per subscription, in sequence order, never concurrently.
 * Messages may be applied in groups: {@link #onMessage} takes them one by one, {@link #flush()} makes what was taken
 * durable, and only flushed messages are acknowledged to the publisher.
 */
@ConsumerType
public interface StreamListener {

    /**
     * Takes one message. A listener may apply it at once or keep it for the next {@link #flush()}. When this returns
     * normally the message counts as received; it is acknowledged to the publisher once a later {@link #flush()}
     * returns. When this throws, the subscription first flushes the messages received before this one, then stops
     * and is re-established after the connection's reconnect delay, resuming after the last flushed message.
     *
     * @param replicationId the publisher's replication id
     * @param sequence this message's number; always the previous one plus one
     * @param payload the message body
     * @throws Exception when the message could not be applied
     */
    void onMessage(String replicationId, long sequence, byte[] payload) throws Exception;

    /**
     * Makes every message received so far durable (a listener that applies each message in {@link #onMessage} has
     * nothing to do: the default). Called on the subscription thread when its queue of received messages is
     * momentarily empty, at least every {@value #FLUSH_EVERY_MESSAGES} messages, and before {@link #onResync}. When
     * it returns, the messages received so far count as applied and are acknowledged to the publisher (the
     * subscription's {@link StreamSubscription#position() position} moves to the last of them).
     *
     * <p>When it throws, the listener must drop what it kept: the subscription rolls its position back to the last
     * flushed message, stops, and is re-established after the connection's reconnect delay, so that the dropped
     * messages are delivered again. When the subscription is closed, messages not yet flushed are not acknowledged;
     * a listener that keeps messages decides itself whether to write or drop them.
     *
     * @throws Exception when the messages could not be made durable
     */
    default void flush() throws Exception {
    }

    /**
     * The longest run of messages delivered without a {@link #flush()}: half the publisher's window of
     * unacknowledged messages, so that the publisher keeps sending while the follower flushes.
     */
    int FLUSH_EVERY_MESSAGES = 512;

    /**
     * The publisher cannot resume this follower (other replication id, or the follower's position has left the
     * backlog). The follower must run its full resynchronisation; messages after {@code headSequence} follow.
     *
     * @param replicationId the publisher's replication id
     * @param headSequence the newest sequence number at the moment of the answer
     * @throws Exception when the resynchronisation failed; the subscription is then re-established later
     */
    void onResync(String replicationId, long headSequence) throws Exception;
}
