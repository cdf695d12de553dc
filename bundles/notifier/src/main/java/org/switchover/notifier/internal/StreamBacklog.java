package org.switchover.notifier.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The bounded backlog of one stream publisher and the resume-or-resync rule. Messages are numbered from 1; the
 * backlog keeps the newest {@code capacity} of them. Thread-safe (publishers append from any thread, connection
 * threads read).
 */
public final class StreamBacklog {

    /**
     * Answer to a follower's position.
     *
     * @param resume true: send from {@code nextSeq}; false: send RESYNC with {@code head}, then from head + 1
     * @param nextSeq first sequence number to send
     * @param head newest sequence number at the time of the decision
     */
    public record Decision(boolean resume, long nextSeq, long head) {
    }

    /**
     * A run of consecutive messages.
     *
     * @param first sequence number of {@code payloads.get(0)}
     * @param payloads the messages, possibly none
     * @param head newest sequence number
     * @param oldest oldest sequence number still kept (head + 1 when the backlog is empty)
     */
    public record Slice(long first, List<byte[]> payloads, long head, long oldest) {
        /** @return true when {@code first} is older than anything kept: the reader was overrun. */
        public boolean overrun() {
            return first < oldest && first <= head;
        }
    }

    private byte[][] ring;
    private long head;
    private int size;

    /** @param capacity messages kept, at least 1 */
    public StreamBacklog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("backlog capacity must be at least 1, got " + capacity);
        }
        ring = new byte[capacity][];
    }

    /**
     * Pure resume rule: a follower can resume when it follows the same replication id and the message after its
     * position is still kept (or it is already at the head); otherwise it must resynchronise.
     *
     * @param publisherId the publisher's replication id
     * @param followerId the follower's replication id
     * @param after the follower's last applied sequence number
     * @param head the publisher's newest sequence number
     * @param oldest the oldest sequence number still kept (head + 1 when none)
     * @return the decision
     */
    public static Decision decide(String publisherId, String followerId, long after, long head, long oldest) {
        boolean sameId = publisherId.equals(followerId);
        if (sameId && after <= head && after + 1 >= oldest) {
            return new Decision(true, after + 1, head);
        }
        return new Decision(false, head + 1, head);
    }

    /** Applies {@link #decide(String, String, long, long, long)} to this backlog's current state. */
    public synchronized Decision decide(String publisherId, String followerId, long after) {
        return decide(publisherId, followerId, after, head, oldest());
    }

    /** @return the sequence number given to {@code payload}. */
    public synchronized long append(byte[] payload) {
        head++;
        ring[(int) ((head - 1) % ring.length)] = payload;
        if (size < ring.length) {
            size++;
        }
        return head;
    }

    /** @return the newest sequence number, 0 when none. */
    public synchronized long head() {
        return head;
    }

    /** @return the oldest kept sequence number; head + 1 when nothing is kept. */
    public synchronized long oldest() {
        return head - size + 1;
    }

    /** @return the number of messages kept. */
    public synchronized int size() {
        return size;
    }

    /** @return the capacity. */
    public synchronized int capacity() {
        return ring.length;
    }

    /**
     * Reads up to {@code max} messages from {@code from}. When {@code from} is no longer kept the slice is empty and
     * {@link Slice#overrun()} is true.
     */
    public synchronized Slice read(long from, int max) {
        long oldest = oldest();
        List<byte[]> out = new ArrayList<>(Math.min(max, 64));
        if (from >= oldest) {
            for (long s = from; s <= head && out.size() < max; s++) {
                out.add(ring[(int) ((s - 1) % ring.length)]);
            }
        }
        return new Slice(from, out, head, oldest);
    }

    /** Changes the capacity, dropping the oldest messages when it shrinks. */
    public synchronized void resize(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("backlog capacity must be at least 1, got " + capacity);
        }
        if (capacity == ring.length) {
            return;
        }
        int keep = Math.min(size, capacity);
        byte[][] next = new byte[capacity][];
        for (long s = head - keep + 1; s <= head; s++) {
            next[(int) ((s - 1) % capacity)] = ring[(int) ((s - 1) % ring.length)];
        }
        ring = next;
        size = keep;
    }
}
