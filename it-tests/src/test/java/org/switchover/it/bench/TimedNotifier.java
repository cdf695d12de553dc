package org.switchover.it.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;

/**
 * A node's real notifier with a stopwatch on its streams, for {@link RecoveryBench}: on the primary, the moment each
 * message is put on a stream (while {@link #timing} is on); on the backup, once the follower (the recovery backup
 * side) has applied a message, the time since it was published, given to {@link #lags}. Both nodes run in one JVM,
 * so one {@code System.nanoTime()} clock serves both ends.
 */
final class TimedNotifier implements Notifier {

    private final Notifier delegate;
    private final Map<String, Map<Long, Long>> published;
    /** Messages the followers applied. */
    final AtomicLong applied = new AtomicLong();
    volatile boolean timing;
    volatile LongConsumer lags = lag -> { };

    /** @param published shared by the primary's and the backup's wrapper: stream → sequence → publish nanos */
    TimedNotifier(Notifier delegate, Map<String, Map<Long, Long>> published) {
        this.delegate = delegate;
        this.published = published;
    }

    @Override
    public StreamPublisher publish(String stream, String replicationId) {
        StreamPublisher p = delegate.publish(stream, replicationId);
        Map<Long, Long> times = published.computeIfAbsent(stream, s -> new ConcurrentHashMap<>());
        return new StreamPublisher() {
            @Override
            public String stream() {
                return p.stream();
            }

            @Override
            public String replicationId() {
                return p.replicationId();
            }

            @Override
            public long publish(byte[] payload) {
                long now = System.nanoTime();
                long seq = p.publish(payload);
                if (timing) {
                    times.put(seq, now);
                }
                return seq;
            }

            @Override
            public long headSequence() {
                return p.headSequence();
            }

            @Override
            public long acknowledgedSequence() {
                return p.acknowledgedSequence();
            }

            @Override
            public CompletionStage<Long> whenAcknowledged(long sequence) {
                return p.whenAcknowledged(sequence);
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }

    @Override
    public StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        Map<Long, Long> times = published.computeIfAbsent(stream, s -> new ConcurrentHashMap<>());
        return delegate.follow(stream, from, new StreamListener() {
            @Override
            public void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
                listener.onMessage(replicationId, sequence, payload);
                Long at = times.remove(sequence);
                if (at != null) {
                    lags.accept(System.nanoTime() - at);
                }
                applied.incrementAndGet();
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
}
