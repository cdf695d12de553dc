package org.switchover.api.notifier;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service answering requests for one or more event ids, named by the service property
 * {@link #EVENT_ID}. A request whose event id has no handler is answered {@link ResponseOutcome#REJECTED} at once.
 */
@ConsumerType
public interface RequestHandler {

    /** Service property, String or String[]: the event ids this handler answers. */
    String EVENT_ID = "switchover.notifier.event.id";

    /**
     * Answers a request. Called on a notifier handler thread; long work should complete the stage later rather
     * than block. A stage that completes exceptionally is answered as {@link ResponseOutcome#REJECTED} with the
     * exception's message.
     *
     * @param request the request
     * @return the reply body
     */
    CompletionStage<byte[]> handle(Request request);
}
