package org.switchover.notifier.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.time.Cancellable;

/**
 * A request in flight. Whatever ends it first (answer, timeout, connection loss, cancel) wins; every later attempt
 * is ignored, so each request ends exactly once. The response future is completed on the notifier's event thread,
 * never on a network thread.
 */
final class PendingRequestImpl implements PendingRequest {

    private final long id;
    private final Executor completions;
    private final CompletableFuture<Response> future = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Cancellable timeout;
    private volatile Connection connection;

    PendingRequestImpl(long id, Executor completions) {
        this.id = id;
        this.completions = completions;
    }

    @Override
    public long requestId() {
        return id;
    }

    @Override
    public CompletionStage<Response> response() {
        return future;
    }

    @Override
    public void cancel() {
        finish(Response.of(ResponseOutcome.CANCELLED, "cancelled by the sender"));
    }

    void timeout(Cancellable t) {
        timeout = t;
        if (done.get()) {
            t.cancel();
        }
    }

    void sentOn(Connection c) {
        connection = c;
    }

    boolean isDone() {
        return done.get();
    }

    /** Ends the request unless it has already ended. Any thread. */
    boolean finish(Response r) {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        Cancellable t = timeout;
        if (t != null) {
            t.cancel();
        }
        Connection c = connection;
        if (c != null) {
            c.forget(id);
        }
        try {
            completions.execute(() -> future.complete(r));
        } catch (RejectedExecutionException e) {
            future.complete(r);
        }
        return true;
    }
}
