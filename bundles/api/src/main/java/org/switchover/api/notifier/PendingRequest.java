package org.switchover.api.notifier;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** A request in flight. */
@ProviderType
public interface PendingRequest {

    /** @return the request id assigned by the notifier. */
    long requestId();

    /**
     * @return completes exactly once, always normally, with the {@link Response}; callbacks run on a notifier thread
     *     and must not block.
     */
    CompletionStage<Response> response();

    /** Ends the request with {@link ResponseOutcome#CANCELLED} unless it has already ended. */
    void cancel();
}
