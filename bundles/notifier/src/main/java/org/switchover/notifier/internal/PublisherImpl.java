package org.switchover.notifier.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;

import org.switchover.api.notifier.StreamPublisher;

/** A stream publisher: appends to the backlog and wakes the followers; tracks acknowledgements. */
final class PublisherImpl implements StreamPublisher {

    private final PublishedStream stream;
    private final String replicationId;
    final StreamBacklog backlog;
    private final Executor completions;
    private final IntSupplier maxPayload;
    private final Runnable onClose;
    private final TreeMap<Long, List<CompletableFuture<Long>>> waiters = new TreeMap<>();
    private long acknowledged;
    private volatile boolean closed;

    PublisherImpl(PublishedStream stream, String replicationId, int backlogSize, Executor completions,
                  IntSupplier maxPayload, Runnable onClose) {
        this.stream = stream;
        this.replicationId = replicationId;
        this.backlog = new StreamBacklog(backlogSize);
        this.completions = completions;
        this.maxPayload = maxPayload;
        this.onClose = onClose;
    }

    @Override
    public String stream() {
        return stream.name;
    }

    @Override
    public String replicationId() {
        return replicationId;
    }

    @Override
    public long publish(byte[] payload) {
        if (closed) {
            throw new IllegalStateException("publisher of stream '" + stream.name + "' is closed");
        }
        byte[] p = payload == null ? Message.EMPTY : payload;
        int max = maxPayload.getAsInt();
        if (p.length > max) {
            throw new IllegalArgumentException("message of " + p.length + " bytes on stream '" + stream.name
                    + "' exceeds the largest payload a frame can carry (" + max + " bytes, max.frame.bytes)");
        }
        long seq = backlog.append(p);
        stream.wakeAll();
        return seq;
    }

    @Override
    public long headSequence() {
        return backlog.head();
    }

    @Override
    public synchronized long acknowledgedSequence() {
        return acknowledged;
    }

    @Override
    public CompletionStage<Long> whenAcknowledged(long sequence) {
        synchronized (this) {
            if (acknowledged >= sequence) {
                return CompletableFuture.completedFuture(acknowledged);
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "publisher of stream '" + stream.name + "' is closed"));
            }
            CompletableFuture<Long> f = new CompletableFuture<>();
            waiters.computeIfAbsent(sequence, k -> new ArrayList<>()).add(f);
            return f;
        }
    }

    /** A follower acknowledged {@code seq} under this publisher. */
    void acknowledged(long seq) {
        List<CompletableFuture<Long>> done = new ArrayList<>();
        long value;
        synchronized (this) {
            if (seq <= acknowledged || seq > backlog.head()) {
                return;
            }
            acknowledged = seq;
            value = seq;
            Map<Long, List<CompletableFuture<Long>>> due = waiters.headMap(seq, true);
            due.values().forEach(done::addAll);
            due.clear();
        }
        if (!done.isEmpty()) {
            run(() -> done.forEach(f -> f.complete(value)));
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            waiters.values().forEach(pending::addAll);
            waiters.clear();
        }
        onClose.run();
        if (!pending.isEmpty()) {
            IllegalStateException e = new IllegalStateException("publisher of stream '" + stream.name
                    + "' closed before the message was acknowledged");
            run(() -> pending.forEach(f -> f.completeExceptionally(e)));
        }
    }

    private void run(Runnable r) {
        try {
            completions.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }
}
