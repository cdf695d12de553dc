package org.switchover.notifier.internal;

/**
 * Emitted by the {@link FrameDecoder} instead of a message when the input broke the protocol; the connection
 * handler logs it once and closes the connection.
 *
 * @param type counter key, e.g. {@code frame-too-large}
 * @param reason what was wrong
 */
record ProtocolError(String type, String reason) {
}
