package org.switchover.mirror.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.MirrorMessages;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;

/**
 * The backup's requests to the primary's mirror over the notifier's main link: manifests and chunks for the
 * {@link Follower}, and the File Monitor health request. A lost connection or a timeout is a
 * {@link Follower.TransferBroken} (retried later); a refusal is an {@link IOException} with the primary's reason.
 * Thread-safe.
 */
final class PrimaryRequests implements Follower.Remote {

    /** How long one manifest or chunk request may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** How much longer than the health-check timeout one health request may live before the notifier drops it. */
    static final long HEALTH_REQUEST_GRACE_MILLIS = 1000;

    private final Notifier notifier;

    PrimaryRequests(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public byte[] ask(String eventId, byte[] body) throws IOException {
        CompletionStage<Response> stage = notifier.send(Link.MAIN, "*", eventId, body, REQUEST_TIMEOUT).response();
        Response r;
        try {
            r = stage.toCompletableFuture().get(REQUEST_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Follower.TransferBroken(eventId + " interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new Follower.TransferBroken(eventId + " failed: " + e);
        }
        if (r.isReply()) {
            return r.payload();
        }
        throw refusedOrBroken(eventId, r);
    }

    /** Like {@link #ask}, without blocking: the follower keeps several chunk requests in flight. */
    @Override
    public CompletableFuture<byte[]> askAsync(String eventId, byte[] body) {
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        notifier.send(Link.MAIN, "*", eventId, body, REQUEST_TIMEOUT).response().whenComplete((r, e) -> {
            if (e != null) {
                out.completeExceptionally(new Follower.TransferBroken(eventId + " failed: " + e));
            } else if (r.isReply()) {
                out.complete(r.payload());
            } else {
                out.completeExceptionally(refusedOrBroken(eventId, r));
            }
        });
        return out;
    }

    private static IOException refusedOrBroken(String eventId, Response r) {
        if (r.outcome() == ResponseOutcome.REJECTED) {
            return new IOException("the primary refused " + eventId + ": " + r.detail());
        }
        return new Follower.TransferBroken(eventId + " ended " + r.outcome() + " " + r.detail());
    }

    /**
     * One File Monitor health request to the primary.
     *
     * @param timeoutMillis the health check's own timeout: it decides "no answer"; the request lives a little
     *     longer only to be cleaned up
     * @return completes when the primary's file monitor answered; fails with the primary's reason or the outcome
     */
    CompletionStage<?> askHealth(long timeoutMillis) {
        Duration requestTimeout = Duration.ofMillis(timeoutMillis + HEALTH_REQUEST_GRACE_MILLIS);
        return notifier.send(Link.MAIN, "*", MirrorMessages.FILE_MONITOR_HEALTH_CHECK, new byte[0], requestTimeout)
                .response().thenApply(r -> {
                    if (r.outcome() == ResponseOutcome.REJECTED && !r.detail().isEmpty()) {
                        throw new IllegalStateException(r.detail()); // the primary's own reason
                    }
                    if (!r.isReply()) {
                        throw new IllegalStateException(r.outcome().name().toLowerCase(Locale.ROOT)
                                + (r.detail().isEmpty() ? "" : ": " + r.detail()));
                    }
                    return r;
                });
    }
}
