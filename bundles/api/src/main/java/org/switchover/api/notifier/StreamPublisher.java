package org.switchover.api.notifier;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The sending end of a named, numbered stream. Messages are numbered from 1 under one replication id and kept in a
 * bounded backlog so that a follower that reconnects can resume after its last applied number. Thread-safe.
 */
@ProviderType
public interface StreamPublisher extends AutoCloseable {

    /** @return the stream's name. */
    String stream();

    /** @return the replication id this publisher numbers under. */
    String replicationId();

    /**
     * Appends a message and sends it to every follower. Never blocks on the network.
     *
     * @param payload message body; the publisher keeps a reference, the caller must not change it afterwards
     * @return the message's sequence number
     */
    long publish(byte[] payload);

    /** @return the sequence number of the newest message, 0 when none. */
    long headSequence();

    /** @return the highest sequence number a follower has acknowledged, 0 when none. */
    long acknowledgedSequence();

    /**
     * @param sequence a published sequence number
     * @return completes when a follower has acknowledged {@code sequence} (or a later one)
     */
    CompletionStage<Long> whenAcknowledged(long sequence);

    /** Stops publishing; followers keep their position and resume against the next publisher. */
    @Override
    void close();
}
