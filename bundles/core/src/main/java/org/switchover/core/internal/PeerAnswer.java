package org.switchover.core.internal;

/**
 * A peer's answer to a state query, or why there is none.
 *
 * @param info the answer, null when there is none
 * @param failure why there is none (empty when {@code info} is set)
 */
record PeerAnswer(Wire.StateInfo info, String failure) {
}
