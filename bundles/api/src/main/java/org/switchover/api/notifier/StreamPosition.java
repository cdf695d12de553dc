package org.switchover.api.notifier;

/**
 * Where a follower stands in a stream: the replication id it belongs to and the last sequence number it applied.
 *
 * @param replicationId the publisher's replication id (the primary's epoch); empty when the follower has nothing
 * @param sequence last applied sequence number; 0 when none
 */
public record StreamPosition(String replicationId, long sequence) {

    /** Position of a follower that has applied nothing. */
    public static final StreamPosition NONE = new StreamPosition("", 0L);
}
