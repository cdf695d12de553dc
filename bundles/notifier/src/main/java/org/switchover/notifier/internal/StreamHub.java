package org.switchover.notifier.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;

import org.switchover.support.Threads;

/**
 * The streams of one notifier, both sides: the publishers of this node with the followers attached to them, and
 * the subscriptions this node follows (one thread {@code switchover-notifier-stream-*} each). Thread-safe.
 */
final class StreamHub {

    private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

    private final NotifierEngine engine;
    private final Executor completions;
    private final ThreadFactory streamThreads = Threads.factory("switchover-notifier-stream");
    private final Map<String, PublishedStream> streams = new ConcurrentHashMap<>();
    private final Map<String, SubscriptionImpl> subscriptions = new ConcurrentHashMap<>();

    /**
     * @param engine the engine (configuration, scheduler, the active MAIN connection)
     * @param completions runs the completions of {@link StreamPublisher#whenAcknowledged}
     */
    StreamHub(NotifierEngine engine, Executor completions) {
        this.engine = engine;
        this.completions = completions;
    }

    /** @see org.switchover.api.notifier.Notifier#publish */
    StreamPublisher publish(String stream, String replicationId) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(replicationId, "replicationId");
        Message headerOnly = new Message.Data(stream, replicationId, Long.MAX_VALUE, Message.EMPTY);
        PublishedStream ps;
        PublisherImpl p;
        PublisherImpl old;
        // under the map's lock: a stream entry is only dropped (detachFollower) while nobody publishes on it
        synchronized (streams) {
            ps = streams.computeIfAbsent(stream, PublishedStream::new);
            PublisherImpl[] self = new PublisherImpl[1];
            p = new PublisherImpl(ps, replicationId, engine.config().streamBacklogSize(), completions,
                    () -> MessageCodec.maxPayload(engine.config().maxFrameBytes(), headerOnly),
                    () -> {
                        synchronized (ps) {
                            if (ps.publisher == self[0]) {
                                ps.publisher = null;
                            }
                        }
                    });
            self[0] = p;
            synchronized (ps) {
                old = ps.publisher;
                ps.publisher = p;
            }
        }
        if (old != null) {
            old.close();
        }
        LOG.debug("Publishing stream '{}' under replication id '{}' (payloads up to {} bytes)", stream,
                replicationId, MessageCodec.maxPayload(engine.config().maxFrameBytes(), headerOnly));
        ps.wakeAll();
        return p;
    }

    /** @see org.switchover.api.notifier.Notifier#follow */
    StreamSubscription follow(String stream, StreamPosition from, StreamListener listener, boolean closed) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(listener, "listener");
        SubscriptionImpl s = new SubscriptionImpl(engine, stream, from, listener, streamThreads);
        SubscriptionImpl old = subscriptions.put(stream, s);
        if (old != null) {
            old.close();
        }
        if (closed) {
            s.shutdown();
            return s;
        }
        s.refresh();
        return s;
    }

    /** Applies a new backlog size to every publisher. */
    void resizeBacklogs(int size) {
        for (PublishedStream ps : streams.values()) {
            PublisherImpl p = ps.publisher;
            if (p != null) {
                p.backlog.resize(size);
            }
        }
    }

    /** A MAIN connection came up: every subscription looks for the best one again. */
    void mainLinkUp() {
        subscriptions.values().forEach(SubscriptionImpl::refresh);
    }

    /** A logged-on MAIN connection ended. */
    void mainLinkDown(Connection c) {
        for (SubscriptionImpl s : subscriptions.values()) {
            s.connectionClosed(c);
            s.refresh();
        }
    }

    /**
     * A peer's connection follows {@code stream}. A name nobody publishes here yet costs one entry while a follower
     * waits for it (each connection follows at most {@code max.subscriptions} names); the entry goes with the last
     * follower.
     */
    FollowerSession attachFollower(Connection c, String stream) {
        synchronized (streams) {
            PublishedStream ps = streams.computeIfAbsent(stream, PublishedStream::new);
            FollowerSession fs = new FollowerSession(ps, c);
            ps.sessions.add(fs);
            return fs;
        }
    }

    void detachFollower(FollowerSession fs) {
        fs.detach();
        PublishedStream ps = fs.stream;
        synchronized (streams) {
            ps.sessions.remove(fs);
            if (ps.sessions.isEmpty() && ps.publisher == null) {
                streams.remove(ps.name, ps);
            }
        }
    }

    /** @return the stream names this node holds an entry for (published, or waited for by a follower) */
    int streamNames() {
        return streams.size();
    }

    void onData(Message.Data d) {
        SubscriptionImpl s = subscriptions.get(d.stream());
        if (s != null) {
            s.onData(d);
        }
    }

    void onResync(Message.Resync r) {
        SubscriptionImpl s = subscriptions.get(r.stream());
        if (s != null) {
            s.onResync(r);
        }
    }

    void subscriptionClosed(SubscriptionImpl s) {
        subscriptions.remove(s.stream(), s);
    }

    /** Stops every subscription thread (without telling the peer) and closes every publisher. */
    void close() {
        subscriptions.values().forEach(SubscriptionImpl::shutdown);
        subscriptions.clear();
        for (PublishedStream ps : streams.values()) {
            PublisherImpl p = ps.publisher;
            if (p != null) {
                p.close();
            }
        }
    }
}
