package org.switchover.recovery.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;

/**
 * A follower's notifier whose stream messages can be held as if received but not yet applied: while {@link #hold}
 * is on, a message is taken off the wire and queued; {@link #release} applies the queue. Like the real subscription,
 * a queued message is dropped once its subscription is closed. On a publisher's node, {@link #holdSending} keeps
 * published messages in the publisher's backlog, numbered but not yet sent (so not acknowledged); {@link #sendHeld}
 * sends them. Like the real publisher, one closed before it sent them never does. Everything else goes to the
 * notifier wrapped.
 */
final class HeldStreams implements Notifier {

    private record Held(StreamListener listener, Sub sub, String replicationId, long seq, byte[] payload) {
    }

    private final Notifier delegate;
    private final List<Held> held = new ArrayList<>();
    private final List<Unsent> publishers = new ArrayList<>();
    private boolean hold;
    private boolean holdSending;

    HeldStreams(Notifier delegate) {
        this.delegate = delegate;
    }

    synchronized void hold(boolean on) {
        hold = on;
    }

    /** @return how many held messages were applied (those of a closed subscription are dropped) */
    int release() throws Exception {
        List<Held> now;
        synchronized (this) {
            now = new ArrayList<>(held);
            held.clear();
            hold = false;
        }
        int n = 0;
        for (Held h : now) {
            if (!h.sub().closed) {
                h.listener().onMessage(h.replicationId(), h.seq(), h.payload());
                n++;
            }
        }
        return n;
    }

    synchronized int held() {
        return held.size();
    }

    private final class Sub implements StreamSubscription {
        volatile StreamSubscription inner;
        volatile boolean closed;

        @Override
        public StreamPosition position() {
            return inner.position();
        }

        @Override
        public boolean isLive() {
            return !closed && inner.isLive();
        }

        @Override
        public void close() {
            closed = true;
            inner.close();
        }
    }

    @Override
    public StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        Sub sub = new Sub();
        sub.inner = delegate.follow(stream, from, new StreamListener() {
            @Override
            public void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
                synchronized (HeldStreams.this) {
                    if (hold) {
                        held.add(new Held(listener, sub, replicationId, sequence, payload));
                        return;
                    }
                }
                listener.onMessage(replicationId, sequence, payload);
            }

            @Override
            public void flush() throws Exception {
                listener.flush();
            }

            @Override
            public void onResync(String replicationId, long headSequence) throws Exception {
                listener.onResync(replicationId, headSequence);
            }
        });
        return sub;
    }

    @Override
    public String listenAddress() {
        return delegate.listenAddress();
    }

    @Override
    public PendingRequest send(Link link, String objectId, String eventId, byte[] payload, Duration timeout) {
        return delegate.send(link, objectId, eventId, payload, timeout);
    }

    @Override
    public PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout) {
        return delegate.sendOnce(objectId, eventId, payload, timeout);
    }

    @Override
    public Duration reconnectDelay() {
        return delegate.reconnectDelay();
    }

    @Override
    public LinkStatus status(Link link) {
        return delegate.status(link);
    }

    @Override
    public void openPeerLinks() {
        delegate.openPeerLinks();
    }

    @Override
    public void closePeerLinks() {
        delegate.closePeerLinks();
    }

    @Override
    public boolean peerLinksOpen() {
        return delegate.peerLinksOpen();
    }

    @Override
    public StreamPublisher publish(String stream, String replicationId) {
        Unsent p = new Unsent(delegate.publish(stream, replicationId));
        synchronized (this) {
            publishers.add(p);
        }
        return p;
    }

    /** While on, what the publishers of this node publish stays in their backlog, unsent. */
    synchronized void holdSending(boolean on) {
        holdSending = on;
    }

    private synchronized boolean holdingSends() {
        return holdSending;
    }

    /** Stops holding and sends what the open publishers held; @return how many messages went out */
    int sendHeld() {
        List<Unsent> now;
        synchronized (this) {
            holdSending = false;
            now = List.copyOf(publishers);
        }
        int n = 0;
        for (Unsent p : now) {
            n += p.sendAll();
        }
        return n;
    }

    /** A publisher whose messages wait, numbered, until they are sent. */
    private final class Unsent implements StreamPublisher {
        private final StreamPublisher inner;
        private final List<byte[]> unsent = new ArrayList<>();
        private boolean closed;

        Unsent(StreamPublisher inner) {
            this.inner = inner;
        }

        @Override
        public String stream() {
            return inner.stream();
        }

        @Override
        public String replicationId() {
            return inner.replicationId();
        }

        @Override
        public synchronized long publish(byte[] payload) {
            if (closed) {
                throw new IllegalStateException("publisher of stream '" + inner.stream() + "' is closed");
            }
            if (holdingSends() || !unsent.isEmpty()) {
                unsent.add(payload);
                return inner.headSequence() + unsent.size();
            }
            return inner.publish(payload);
        }

        synchronized int sendAll() {
            List<byte[]> now = closed ? List.of() : List.copyOf(unsent);
            unsent.clear();
            // delivery is synchronous here: the last acknowledgement may close this publisher on the way
            for (byte[] p : now) {
                inner.publish(p);
            }
            return now.size();
        }

        @Override
        public synchronized long headSequence() {
            return inner.headSequence() + unsent.size();
        }

        @Override
        public long acknowledgedSequence() {
            return inner.acknowledgedSequence();
        }

        @Override
        public java.util.concurrent.CompletionStage<Long> whenAcknowledged(long sequence) {
            return inner.whenAcknowledged(sequence);
        }

        @Override
        public synchronized void close() {
            closed = true;
            unsent.clear();
            inner.close();
        }
    }
}
