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
 * a queued message is dropped once its subscription is closed. Everything else goes to the notifier wrapped.
 */
final class HeldStreams implements Notifier {

    private record Held(StreamListener listener, Sub sub, String replicationId, long seq, byte[] payload) {
    }

    private final Notifier delegate;
    private final List<Held> held = new ArrayList<>();
    private boolean hold;

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
        return delegate.publish(stream, replicationId);
    }
}
