package org.switchover.support.wire;

import java.io.IOException;

/**
 * Reads the fields of one whole message. {@link #decode} wraps a {@link WireReader} around the payload, runs the
 * decoder and refuses trailing bytes, so a message reader is one expression of its fields.
 *
 * @param <T> what the message decodes to
 */
@FunctionalInterface
public interface WireDecoder<T> {

    /** Reads the fields in order. */
    T read(WireReader in) throws IOException;

    /**
     * @param payload the message
     * @param what the kind of message, for errors ("mirror chunk request")
     * @return the decoded message
     * @throws MalformedMessageException when it is truncated, out of bounds or followed by trailing bytes
     */
    static <T> T decode(byte[] payload, String what, WireDecoder<T> decoder) throws IOException {
        WireReader in = new WireReader(payload, what);
        T out = decoder.read(in);
        in.end();
        return out;
    }
}
