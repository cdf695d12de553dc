package org.switchover.support.wire;

import java.io.IOException;

/**
 * A message that cannot be decoded: truncated, an unknown version, a count or length over its bound, trailing bytes.
 * The message names the kind of message, the field and what was wrong, so the log line alone explains the refusal.
 */
public final class MalformedMessageException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, naming the message kind and the field */
    public MalformedMessageException(String message) {
        super(message);
    }

    /** @param message what was wrong, naming the message kind and the field; {@code cause} the decoder's error */
    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
