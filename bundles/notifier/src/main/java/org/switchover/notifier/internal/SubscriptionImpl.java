package org.switchover.notifier.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamSubscription;

/**
 * A follower's subscription. All stream state (replication id, last applied number) lives on the subscription's
 * own thread, which also calls the listener, so messages are applied one at a time in order. Exactly-once delivery
 * across reconnects follows from one rule applied on that thread: a message is applied only when it is the next
 * number of the current replication id; older numbers are duplicates and are dropped; a jump ahead is a gap and
 * makes the subscription start again from the last applied number (while a fresh subscription is starting, jumps are
 * leftovers of the previous cursor and are only dropped).
 *
 * <p>The listener may keep messages and write them in groups ({@link StreamListener#flush()}): the subscription
 * flushes when its queue is momentarily empty or every {@link StreamListener#FLUSH_EVERY_MESSAGES} messages, and
 * acknowledges (and reports as its position) only what was flushed. A failed flush rolls the position back to the
 * last flushed message before pausing, so the dropped messages are asked for again.
 */
final class SubscriptionImpl implements StreamSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionImpl.class);

    private final NotifierEngine engine;
    private final String stream;
    private final StreamListener listener;
    private final ExecutorService thread;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean ackQueued = new AtomicBoolean();

    // confined to the subscription thread
    private String replicationId;
    private long lastApplied;
    /** The last message the listener made durable ({@link StreamListener#flush()}); never after lastApplied. */
    private long lastFlushed;
    private boolean expectRestart;
    private Throwable lastFlushFailure;

    private volatile StreamPosition position;
    private volatile Connection connection;
    private volatile boolean paused;
    private volatile boolean closed;
    private volatile boolean live;
    private volatile long ackSeq;

    SubscriptionImpl(NotifierEngine engine, String stream, StreamPosition from, StreamListener listener,
                     ThreadFactory threads) {
        this.engine = engine;
        this.stream = stream;
        this.listener = listener;
        StreamPosition start = from == null ? StreamPosition.NONE : from;
        this.replicationId = start.replicationId() == null ? "" : start.replicationId();
        this.lastApplied = Math.max(0L, start.sequence());
        this.lastFlushed = lastApplied;
        this.position = new StreamPosition(replicationId, lastApplied);
        this.thread = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, queue, threads);
    }

    String stream() {
        return stream;
    }

    @Override
    public StreamPosition position() {
        return position;
    }

    @Override
    public boolean isLive() {
        Connection c = connection;
        return live && !paused && !closed && c != null && c.isActive();
    }

    /** The set of usable main connections changed: subscribe on the best one unless already live there. */
    void refresh() {
        submit(() -> {
            Connection best = engine.activeConnection(org.switchover.api.notifier.Link.MAIN);
            if (best == null) {
                live = false;
                return;
            }
            if (best == connection && live && best.isActive()) {
                return;
            }
            subscribe(best);
        });
    }

    /** The connection carrying this subscription closed. Any thread. */
    void connectionClosed(Connection c) {
        if (connection == c) {
            live = false;
        }
    }

    void onData(Message.Data d) {
        submit(() -> applyData(d));
    }

    void onResync(Message.Resync r) {
        submit(() -> applyResync(r));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        live = false;
        Connection c = connection;
        if (c != null && c.isActive()) {
            c.send(new Message.Unsubscribe(stream));
        }
        engine.streams.subscriptionClosed(this);
        thread.shutdown();
    }

    /** Ends the thread without telling the peer (engine shutdown). */
    void shutdown() {
        closed = true;
        live = false;
        thread.shutdownNow();
    }

    private void subscribe(Connection c) {
        if (closed || paused || !c.isActive()) {
            return;
        }
        Connection old = connection;
        connection = c;
        if (old != null && old != c && old.isActive()) {
            old.send(new Message.Unsubscribe(stream));
        }
        expectRestart = true;
        c.send(new Message.Subscribe(stream, replicationId, lastApplied));
        live = true;
        LOG.debug("Stream '{}': subscribed on {} after {}#{}", stream, c.peer(), replicationId, lastApplied);
    }

    private void applyData(Message.Data d) {
        if (closed || paused) {
            return;
        }
        if (!d.replicationId().equals(replicationId)) {
            if (!expectRestart) {
                restart("message of replication id '" + d.replicationId() + "' while following '" + replicationId
                        + "' without a resynchronisation");
            }
            return;
        }
        if (d.seq() <= lastApplied) {
            return;
        }
        if (d.seq() != lastApplied + 1) {
            if (!expectRestart) {
                restart("message " + d.seq() + " arrived after " + lastApplied);
            }
            return;
        }
        try {
            listener.onMessage(replicationId, d.seq(), d.payload());
        } catch (Exception | LinkageError e) {
            // keep what was received before the failing message, then start again after it
            flush();
            lastApplied = lastFlushed;
            pause("applying message " + d.seq(), e);
            return;
        }
        expectRestart = false;
        lastApplied = d.seq();
        if (lastApplied - lastFlushed >= StreamListener.FLUSH_EVERY_MESSAGES || queue.isEmpty()) {
            if (!flush()) {
                lastApplied = lastFlushed;
                pause("flushing up to message " + d.seq(), lastFlushFailure);
            }
        }
    }

    /**
     * Asks the listener to make the messages up to lastApplied durable, then acknowledges them. On failure the
     * caller rolls back to lastFlushed (the listener has dropped the rest).
     *
     * @return false when the listener failed ({@link #lastFlushFailure} says why)
     */
    private boolean flush() {
        if (lastApplied == lastFlushed) {
            return true;
        }
        try {
            listener.flush();
        } catch (Exception | LinkageError e) {
            lastFlushFailure = e;
            return false;
        }
        lastFlushed = lastApplied;
        position = new StreamPosition(replicationId, lastFlushed);
        acknowledge(lastFlushed);
        return true;
    }

    private void applyResync(Message.Resync r) {
        if (closed || paused) {
            return;
        }
        if (!flush()) {
            lastApplied = lastFlushed;
            pause("flushing before a resynchronisation", lastFlushFailure);
            return;
        }
        try {
            listener.onResync(r.replicationId(), r.head());
        } catch (Exception | LinkageError e) {
            pause("resynchronising to " + r.replicationId() + "#" + r.head(), e);
            return;
        }
        expectRestart = false;
        replicationId = r.replicationId();
        lastApplied = r.head();
        lastFlushed = lastApplied;
        position = new StreamPosition(replicationId, lastApplied);
        acknowledge(lastApplied);
    }

    private void restart(String why) {
        LOG.warn("Stream '{}': {}; subscribing again after {}#{}", stream, why, replicationId, lastApplied);
        Connection c = connection;
        if (c != null && c.isActive()) {
            subscribe(c);
        } else {
            live = false;
        }
    }

    private void pause(String what, Throwable e) {
        paused = true;
        live = false;
        long delay = engine.config().reconnectDelay().toMillis();
        LOG.warn("Stream '{}': listener failed {}: {}; paused, following again in {} ms after {}#{}", stream, what,
                e.toString(), delay, replicationId, lastApplied);
        engine.scheduler.schedule(() -> submit(() -> {
            paused = false;
            Connection best = engine.activeConnection(org.switchover.api.notifier.Link.MAIN);
            if (best != null) {
                subscribe(best);
            }
        }), delay);
    }

    private void acknowledge(long seq) {
        ackSeq = seq;
        Connection c = connection;
        if (c == null || !ackQueued.compareAndSet(false, true)) {
            return;
        }
        // One ACK per event-loop turn carries the newest applied number: acknowledgements batch themselves.
        c.channel().eventLoop().execute(() -> {
            ackQueued.set(false);
            Connection now = connection;
            if (now != null && now.isActive()) {
                now.send(new Message.Ack(stream, ackSeq));
            }
        });
    }

    private void submit(Runnable r) {
        if (closed) {
            return;
        }
        try {
            thread.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("Stream '{}': unexpected failure on the subscription thread", stream, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Stream '{}': subscription thread already stopped", stream);
        }
    }
}
