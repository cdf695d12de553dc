package org.switchover.dssync.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;

/**
 * Both nodes' notifiers in one object, in memory and synchronous: a stream published on it is followed on it, a
 * request sent on it goes to the handler set on it. Resumes a follower whose position is in the (unbounded) backlog
 * under the same replication id, otherwise signals a resync, like the real notifier.
 */
final class LoopNotifier implements Notifier {

    RequestHandler handler;
    private Publisher publisher;
    private Subscription subscription;
    private final AtomicLong ids = new AtomicLong();

    @Override
    public String listenAddress() {
        return "loop:0";
    }

    @Override
    public synchronized PendingRequest send(Link link, String objectId, String eventId, byte[] payload,
            Duration timeout) {
        long id = ids.incrementAndGet();
        CompletableFuture<Response> r = new CompletableFuture<>();
        if (handler == null) {
            r.complete(Response.of(ResponseOutcome.REJECTED, "no handler for event id '" + eventId + "'"));
        } else {
            handler.handle(new Request(objectId, eventId, id, "B/MAIN", payload)).whenComplete((b, e) -> r.complete(
                    e == null ? new Response(ResponseOutcome.REPLY, b, "")
                            : Response.of(ResponseOutcome.REJECTED, String.valueOf(e.getMessage()))));
        }
        return new PendingRequest() {
            @Override
            public long requestId() {
                return id;
            }

            @Override
            public CompletionStage<Response> response() {
                return r;
            }

            @Override
            public void cancel() {
                r.complete(Response.of(ResponseOutcome.CANCELLED, "cancelled"));
            }
        };
    }

    @Override
    public PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout) {
        return send(Link.MAIN, objectId, eventId, payload, timeout);
    }

    @Override
    public Duration reconnectDelay() {
        return Duration.ofSeconds(5);
    }

    @Override
    public LinkStatus status(Link link) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void openPeerLinks() {
    }

    @Override
    public void closePeerLinks() {
    }

    @Override
    public boolean peerLinksOpen() {
        return true;
    }

    @Override
    public synchronized StreamPublisher publish(String stream, String replicationId) {
        publisher = new Publisher(stream, replicationId);
        if (subscription != null) {
            subscription.start();
        }
        return publisher;
    }

    @Override
    public synchronized StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        subscription = new Subscription(from, listener);
        if (publisher != null) {
            subscription.start();
        }
        return subscription;
    }

    synchronized void deliver(Publisher p, long seq, byte[] payload) {
        if (subscription != null && subscription.live && p == publisher) {
            subscription.apply(p.replicationId, seq, payload);
        }
    }

    final class Publisher implements StreamPublisher {
        final String stream;
        final String replicationId;
        final List<byte[]> messages = new ArrayList<>();

        Publisher(String stream, String replicationId) {
            this.stream = stream;
            this.replicationId = replicationId;
        }

        @Override
        public String stream() {
            return stream;
        }

        @Override
        public String replicationId() {
            return replicationId;
        }

        @Override
        public long publish(byte[] payload) {
            long seq;
            synchronized (this) {
                messages.add(payload);
                seq = messages.size();
            }
            deliver(this, seq, payload);
            return seq;
        }

        @Override
        public synchronized long headSequence() {
            return messages.size();
        }

        @Override
        public long acknowledgedSequence() {
            return subscription == null ? 0 : subscription.position.sequence();
        }

        @Override
        public CompletionStage<Long> whenAcknowledged(long sequence) {
            return CompletableFuture.completedFuture(sequence);
        }

        @Override
        public void close() {
        }
    }

    final class Subscription implements StreamSubscription {
        volatile StreamPosition position;
        final StreamListener listener;
        volatile boolean live;
        volatile boolean closed;
        volatile Exception failure;

        Subscription(StreamPosition from, StreamListener listener) {
            this.position = from;
            this.listener = listener;
        }

        void start() {
            Publisher p = publisher;
            try {
                if (p.replicationId.equals(position.replicationId()) && position.sequence() <= p.headSequence()) {
                    for (long s = position.sequence() + 1; s <= p.headSequence(); s++) {
                        apply(p.replicationId, s, p.messages.get((int) s - 1));
                    }
                } else {
                    long head = p.headSequence();
                    listener.onResync(p.replicationId, head);
                    position = new StreamPosition(p.replicationId, head);
                    for (long s = head + 1; s <= p.headSequence(); s++) {
                        apply(p.replicationId, s, p.messages.get((int) s - 1));
                    }
                }
                live = !closed;
            } catch (Exception e) {
                failure = e;
            }
        }

        void apply(String rid, long seq, byte[] payload) {
            if (closed) {
                return;
            }
            try {
                listener.onMessage(rid, seq, payload);
                // synchronous delivery: the queue is always empty after a message, so every message is flushed
                listener.flush();
                position = new StreamPosition(rid, seq);
            } catch (Exception e) {
                failure = e;
                live = false;
            }
        }

        @Override
        public StreamPosition position() {
            return position;
        }

        @Override
        public boolean isLive() {
            return live;
        }

        @Override
        public void close() {
            closed = true;
            live = false;
        }
    }
}
