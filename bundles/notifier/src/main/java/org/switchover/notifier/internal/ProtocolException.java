package org.switchover.notifier.internal;

/**
 * A frame that breaks the wire protocol. {@link #type()} is the counter key ({@code frame-too-large},
 * {@code malformed-frame}, ...), the message says what exactly was wrong.
 */
public final class ProtocolException extends Exception {

    /** Counter key: the length field announces more than {@code max.frame.bytes}. */
    public static final String FRAME_TOO_LARGE = "frame-too-large";
    /** Counter key: the frame does not decode (length, header length, JSON, kind or field). */
    public static final String MALFORMED_FRAME = "malformed-frame";
    /** Counter key: the bytes on the port are not TLS. */
    public static final String NOT_TLS = "not-tls";
    /** Counter key: a frame stayed half-received longer than {@code frame.timeout.ms}. */
    public static final String FRAME_TIMEOUT = "frame-timeout";
    /** Counter key: a connection asked for more streams than {@code max.subscriptions}. */
    public static final String TOO_MANY_SUBSCRIPTIONS = "too-many-subscriptions";
    /** Counter key: a well-formed message that is not allowed in the connection's state. */
    public static final String UNEXPECTED_MESSAGE = "unexpected-message";

    private final String type;

    /**
     * @param type counter key
     * @param message what was wrong
     */
    public ProtocolException(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    /** @return the counter key of this error. */
    public String type() {
        return type;
    }
}
