package org.switchover.core.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A request from the peer that the machine answers.
 *
 * @param message the decoded request
 * @param reply completes with the reply body
 */
record Inbound<T>(T message, CompletableFuture<byte[]> reply) {
}
