package org.switchover.notifier.internal;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.Channel;

/**
 * The publisher's cursor for one follower on one connection. Everything but {@link #requestPump()} runs on the
 * connection's event loop. Sending stops when the channel is not writable or when the follower has too much
 * unacknowledged (a window of messages and bytes), so a slow follower costs bounded memory on both sides; a follower
 * whose cursor leaves the backlog while connected gets RESYNC.
 */
final class FollowerSession {

    /** Unacknowledged messages allowed per follower. */
    static final int WINDOW_MESSAGES = 1024;
    /** Unacknowledged payload bytes allowed per follower (at least one message is always allowed). */
    static final long WINDOW_BYTES = 8L * 1024 * 1024;
    /** Messages written per event-loop turn before yielding to other work. */
    private static final int BATCH = 256;

    private record InFlight(long seq, int bytes) {
    }

    final PublishedStream stream;
    private final Connection connection;
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private long inFlightBytes;

    private String followerId = "";
    private long followerPosition;
    private PublisherImpl boundTo;
    private long nextSeq;
    private boolean detached;

    FollowerSession(PublishedStream stream, Connection connection) {
        this.stream = stream;
        this.connection = connection;
    }

    /** The follower (re)subscribed: forget the old cursor and decide again. */
    void subscribe(String replicationId, long after) {
        followerId = replicationId;
        followerPosition = after;
        boundTo = null;
        inFlight.clear();
        inFlightBytes = 0;
        pump();
    }

    /** The follower applied everything up to {@code seq}. */
    void ack(long seq) {
        followerPosition = Math.max(followerPosition, seq);
        while (!inFlight.isEmpty() && inFlight.peekFirst().seq() <= seq) {
            inFlightBytes -= inFlight.pollFirst().bytes();
        }
        PublisherImpl p = boundTo;
        if (p != null && p == stream.publisher) {
            p.acknowledged(seq);
        }
        pump();
    }

    void detach() {
        detached = true;
    }

    /** Asks for a pump on the connection's event loop; coalesces requests. Any thread. */
    void requestPump() {
        if (detached) {
            return;
        }
        if (pumpQueued.compareAndSet(false, true)) {
            connection.channel().eventLoop().execute(() -> {
                pumpQueued.set(false);
                pump();
            });
        }
    }

    /** Sends what the channel, the window and the backlog allow. Event loop only. */
    void pump() {
        PublisherImpl p = stream.publisher;
        Channel ch = connection.channel();
        if (detached || p == null || p.isClosed() || !connection.isActive()) {
            return;
        }
        boolean wrote = false;
        if (boundTo != p) {
            StreamBacklog.Decision d = p.backlog.decide(p.replicationId(), followerId, followerPosition);
            boundTo = p;
            inFlight.clear();
            inFlightBytes = 0;
            if (d.resume()) {
                nextSeq = d.nextSeq();
            } else {
                resync(p, d.head());
                wrote = true;
            }
        }
        int sent = 0;
        while (sent < BATCH && ch.isWritable() && windowOpen()) {
            StreamBacklog.Slice slice = p.backlog.read(nextSeq, Math.min(64, BATCH - sent));
            if (slice.overrun()) {
                // The follower fell behind the backlog while connected: it must resynchronise.
                resync(p, slice.head());
                wrote = true;
                continue;
            }
            if (slice.payloads().isEmpty()) {
                break;
            }
            for (byte[] payload : slice.payloads()) {
                ch.write(new Message.Data(stream.name, p.replicationId(), nextSeq, payload), ch.voidPromise());
                inFlight.addLast(new InFlight(nextSeq, payload.length));
                inFlightBytes += payload.length;
                nextSeq++;
                sent++;
                wrote = true;
                if (!windowOpen()) {
                    break;
                }
            }
        }
        if (wrote) {
            ch.flush();
        }
        if (sent >= BATCH && ch.isWritable() && windowOpen() && nextSeq <= p.backlog.head()) {
            requestPump();
        }
    }

    private void resync(PublisherImpl p, long head) {
        connection.channel().write(new Message.Resync(stream.name, p.replicationId(), head),
                connection.channel().voidPromise());
        followerId = p.replicationId();
        followerPosition = head;
        nextSeq = head + 1;
        // Counts as one message in flight until the follower acknowledges the head after resynchronising.
        inFlight.addLast(new InFlight(head, 0));
    }

    private boolean windowOpen() {
        return inFlight.isEmpty() || (inFlight.size() < WINDOW_MESSAGES && inFlightBytes < WINDOW_BYTES);
    }
}
