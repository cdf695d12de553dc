package org.switchover.support.wire;

import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one binary message (big-endian, strings in {@link DataOutputStream#writeUTF} form, so the bytes are the
 * ones the {@code DataOutputStream} code wrote before). The counterpart of {@link WireReader}. The fields go straight
 * into one growing array (no stream, no lock, no per-field allocation): codecs encode large batches with it.
 */
public final class WireWriter {

    /** Writes a message body. */
    @FunctionalInterface
    public interface Body {
        /** Writes the fields in order. */
        void write(WireWriter w) throws IOException;
    }

    private byte[] buf;
    private int count;
    private DataOutputStream data;

    /** An empty message. */
    public WireWriter() {
        this(256);
    }

    /** An empty message whose buffer starts at {@code expectedSize} bytes. */
    public WireWriter(int expectedSize) {
        buf = new byte[Math.max(16, expectedSize)];
    }

    /** @return the bytes {@code body} writes */
    public static byte[] encode(Body body) {
        return encode(256, body);
    }

    /**
     * Encodes one message into a buffer of {@code expectedSize} bytes to start with (a good guess spares the copies
     * a growing buffer makes for large messages).
     */
    public static byte[] encode(int expectedSize, Body body) {
        WireWriter w = new WireWriter(expectedSize);
        try {
            body.write(w);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into memory failed", e);
        }
        return w.toBytes();
    }

    /** One unsigned byte (0..255). */
    public WireWriter u8(int v) {
        ensure(1);
        buf[count++] = (byte) v;
        return this;
    }

    /** A boolean as one byte. */
    public WireWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    /** A 32-bit integer. */
    public WireWriter i32(int v) {
        ensure(4);
        put32(count, v);
        count += 4;
        return this;
    }

    /** A 64-bit integer. */
    public WireWriter i64(long v) {
        ensure(8);
        put32(count, (int) (v >>> 32));
        put32(count + 4, (int) v);
        count += 8;
        return this;
    }

    /** A string of at most 65,535 UTF-8 bytes, with a 2-byte length ({@code writeUTF}). */
    public WireWriter utf(String v) throws IOException {
        int n = v.length();
        if (n <= 65_535 && ascii(v)) {
            // plain ASCII is its own modified UTF-8
            ensure(2 + n);
            buf[count] = (byte) (n >>> 8);
            buf[count + 1] = (byte) n;
            for (int i = 0; i < n; i++) {
                buf[count + 2 + i] = (byte) v.charAt(i);
            }
            count += 2 + n;
            return this;
        }
        data().writeUTF(v);
        return this;
    }

    private static boolean ascii(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == 0 || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Bytes with no length: the reader knows how many ({@link WireReader#raw}). */
    public WireWriter raw(byte[] v) {
        return raw(v, 0, v.length);
    }

    /** {@code length} bytes of {@code v} from {@code offset}, with no length. */
    public WireWriter raw(byte[] v, int offset, int length) {
        ensure(length);
        System.arraycopy(v, offset, buf, count, length);
        count += length;
        return this;
    }

    /** Bytes with a 4-byte length before them ({@link WireReader#blob}). */
    public WireWriter blob(byte[] v) {
        return i32(v.length).raw(v);
    }

    /** Text as a blob of its UTF-8 bytes ({@link WireReader#text}). */
    public WireWriter text(String v) {
        return blob(v.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A blob whose bytes {@code body} writes in place, with its 4-byte length before them: a message nested in this
     * one without an array of its own ({@link WireReader#blob} reads it).
     */
    public WireWriter blob(Body body) throws IOException {
        int at = count;
        i32(0);
        body.write(this);
        put32(at, count - at - 4);
        return this;
    }

    /** @return the underlying output, for codecs written against {@link DataOutput} (it appends to this message) */
    public DataOutput data() {
        if (data == null) {
            data = new DataOutputStream(new OutputStream() {
                @Override
                public void write(int b) {
                    u8(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    raw(b, off, len);
                }
            });
        }
        return data;
    }

    /** @return the number of bytes written so far */
    public int size() {
        return count;
    }

    /** @return the bytes written so far */
    public byte[] toBytes() {
        // a full buffer is handed over as it is: any later write must grow it, so it is never written again
        return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }

    private void put32(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private void ensure(int n) {
        if (n > buf.length - count) {
            long want = Math.max((long) buf.length * 2, (long) count + n);
            if (want > Integer.MAX_VALUE - 8) {
                if ((long) count + n > Integer.MAX_VALUE - 8) {
                    throw new OutOfMemoryError("message of more than " + (Integer.MAX_VALUE - 8) + " bytes");
                }
                want = Integer.MAX_VALUE - 8;
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }
}
