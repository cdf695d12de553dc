package org.switchover.api.notifier;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The receiving end of a stream. Called on one thread per subscription, in sequence order, never concurrently.
 */
@ConsumerType
public interface StreamListener {

    /**
     * Applies one message. When this returns normally the message counts as applied and is acknowledged; when it
     * throws, the subscription stops and is re-established after the connection's reconnect delay, resuming after
     * the last applied message.
     *
     * @param replicationId the publisher's replication id
     * @param sequence this message's number; always the previous one plus one
     * @param payload the message body
     * @throws Exception when the message could not be applied
     */
    void onMessage(String replicationId, long sequence, byte[] payload) throws Exception;

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
