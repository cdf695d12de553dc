package org.switchover.api.interaction;

/**
 * A callback request.
 *
 * @param number the number to call back
 * @param requestedMillis when the customer asked to be called (ms since the epoch); the host arms its timer for it
 * @param attempts call attempts made so far
 */
public record CallbackContent(String number, long requestedMillis, int attempts) implements InteractionContent {
}
