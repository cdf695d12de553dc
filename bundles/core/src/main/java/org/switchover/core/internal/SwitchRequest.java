package org.switchover.core.internal;

import java.util.concurrent.CompletableFuture;

import org.switchover.api.SwitchResult;

/**
 * A manual switch request on its way through the machine.
 *
 * @param immediate skip the controlled hand-off
 * @param requestedBy who asked, for the audit line
 * @param fromPeer forwarded by the peer (REQUEST_SWITCH)
 * @param acceptWarnings the requester accepted the switch warnings in force
 * @param result completes with the outcome, never exceptionally
 */
record SwitchRequest(boolean immediate, String requestedBy, boolean fromPeer, boolean acceptWarnings,
                     CompletableFuture<SwitchResult> result) {
}
