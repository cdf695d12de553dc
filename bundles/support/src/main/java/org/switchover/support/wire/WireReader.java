package org.switchover.support.wire;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one binary message written by {@link WireWriter}, refusing anything malformed with a
 * {@link MalformedMessageException} that names the message kind, the field and what was wrong. Every count and
 * length is checked against a bound before anything is allocated, so a hostile peer cannot make the reader allocate
 * more than the message it sent. Not thread-safe; one reader per message.
 */
public final class WireReader {

    private final byte[] payload;
    private final String what;
    private final ByteArrayInputStream bytes;
    private final DataInputStream in;

    /**
     * @param payload the message
     * @param what the kind of message, for errors ("dssync stream message")
     */
    public WireReader(byte[] payload, String what) {
        this.payload = payload == null ? new byte[0] : payload;
        this.what = what;
        this.bytes = new ByteArrayInputStream(this.payload);
        this.in = new DataInputStream(bytes);
    }

    /**
     * Reads the version byte.
     *
     * @param accepted the versions this reader understands
     * @return the version read
     * @throws MalformedMessageException when it is none of them
     */
    public int version(int... accepted) throws MalformedMessageException {
        int v = u8("version");
        for (int a : accepted) {
            if (a == v) {
                return v;
            }
        }
        throw malformed("version", "version " + v + " not understood (this node reads " + Arrays.toString(accepted)
                + ")");
    }

    /** @return one unsigned byte */
    public int u8(String field) throws MalformedMessageException {
        need(field, 1);
        return bytes.read();
    }

    /** @return a boolean byte (0 or 1; anything else is refused) */
    public boolean bool(String field) throws MalformedMessageException {
        int b = u8(field);
        if (b > 1) {
            throw malformed(field, "boolean byte " + b + " is neither 0 nor 1");
        }
        return b == 1;
    }

    /** @return a 32-bit integer */
    public int i32(String field) throws MalformedMessageException {
        return (int) bigEndian(field, Integer.BYTES);
    }

    /** @return a 64-bit integer */
    public long i64(String field) throws MalformedMessageException {
        return bigEndian(field, Long.BYTES);
    }

    /** @return a {@code writeUTF} string */
    public String utf(String field) throws MalformedMessageException {
        need(field, 2);
        try {
            return in.readUTF();
        } catch (EOFException e) {
            throw malformed(field, "truncated string", e);
        } catch (UTFDataFormatException e) {
            throw malformed(field, "invalid modified UTF-8", e);
        } catch (IOException e) {
            throw malformed(field, String.valueOf(e.getMessage()), e);
        }
    }

    /** @return exactly {@code length} bytes */
    public byte[] raw(String field, int length) throws MalformedMessageException {
        if (length < 0) {
            throw malformed(field, "negative length " + length);
        }
        need(field, length);
        byte[] b = new byte[length];
        bytes.read(b, 0, length);
        return b;
    }

    /** @return bytes preceded by a 4-byte length of at most {@code maxLength} */
    public byte[] blob(String field, int maxLength) throws MalformedMessageException {
        return raw(field, length(field, maxLength));
    }

    /**
     * @return UTF-8 text preceded by a 4-byte length of at most {@code maxBytes} (the form {@code blob(text bytes)}
     *     writes), decoded straight from the message without an intermediate copy
     */
    public String text(String field, int maxBytes) throws MalformedMessageException {
        int n = length(field, maxBytes);
        need(field, n);
        String s = new String(payload, payload.length - bytes.available(), n, StandardCharsets.UTF_8);
        bytes.skip(n);
        return s;
    }

    private int length(String field, int max) throws MalformedMessageException {
        int n = i32(field + " length");
        if (n < 0 || n > max) {
            throw malformed(field, "length " + n + " outside 0.." + max);
        }
        return n;
    }

    /** @return a 4-byte count in {@code 0..max} */
    public int count(String field, int max) throws MalformedMessageException {
        int n = i32(field);
        if (n < 0 || n > max) {
            throw malformed(field, "count " + n + " outside 0.." + max);
        }
        return n;
    }

    /** @return whether bytes remain */
    public boolean hasMore() {
        return bytes.available() > 0;
    }

    /** @return the number of bytes not read yet */
    public int remaining() {
        return bytes.available();
    }

    /** Refuses trailing bytes: call after the last field. */
    public void end() throws MalformedMessageException {
        if (bytes.available() > 0) {
            throw malformed("end", bytes.available() + " unexpected trailing byte(s)");
        }
    }

    /**
     * @return the underlying input, for codecs written against {@link DataInput}; an {@link EOFException} it throws
     *     means the message was truncated ({@link #wrap} turns it into a {@link MalformedMessageException})
     */
    public DataInput data() {
        return in;
    }

    /** @return {@code e} as a malformed-message error of {@code field}, unless it already is one */
    public MalformedMessageException wrap(String field, IOException e) {
        if (e instanceof MalformedMessageException m) {
            return m;
        }
        return malformed(field, e instanceof EOFException ? "truncated" : String.valueOf(e.getMessage()), e);
    }

    /** @return an error naming this message, {@code field} and {@code problem} */
    public MalformedMessageException malformed(String field, String problem) {
        return malformed(field, problem, null);
    }

    private MalformedMessageException malformed(String field, String problem, Throwable cause) {
        return new MalformedMessageException(what + ": " + field + ": " + problem + " (" + payload.length
                + " bytes)", cause);
    }

    /** @return {@code n} bytes as a big-endian number, as {@link DataInput#readInt()}/{@code readLong()} read it */
    private long bigEndian(String field, int n) throws MalformedMessageException {
        need(field, n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | bytes.read();
        }
        return v;
    }

    private void need(String field, int n) throws MalformedMessageException {
        if (bytes.available() < n) {
            throw malformed(field, "truncated: needs " + n + " byte(s), " + bytes.available() + " left");
        }
    }
}
