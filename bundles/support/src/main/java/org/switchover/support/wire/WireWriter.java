package org.switchover.support.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Builds one binary message (big-endian, strings in {@link DataOutputStream#writeUTF} form, so the bytes are the
 * ones the {@code DataOutputStream} code wrote before). The counterpart of {@link WireReader}.
 */
public final class WireWriter {

    /** Writes a message body. */
    @FunctionalInterface
    public interface Body {
        /** Writes the fields in order. */
        void write(WireWriter w) throws IOException;
    }

    private final ByteArrayOutputStream bytes;
    private final DataOutputStream out;

    /** An empty message. */
    public WireWriter() {
        this(256);
    }

    /** An empty message whose buffer starts at {@code expectedSize} bytes. */
    public WireWriter(int expectedSize) {
        bytes = new ByteArrayOutputStream(Math.max(16, expectedSize));
        out = new DataOutputStream(bytes);
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
    public WireWriter u8(int v) throws IOException {
        return put(o -> o.writeByte(v));
    }

    /** A boolean as one byte. */
    public WireWriter bool(boolean v) throws IOException {
        return put(o -> o.writeBoolean(v));
    }

    /** A 32-bit integer. */
    public WireWriter i32(int v) throws IOException {
        return put(o -> o.writeInt(v));
    }

    /** A 64-bit integer. */
    public WireWriter i64(long v) throws IOException {
        return put(o -> o.writeLong(v));
    }

    /** A string of at most 65,535 UTF-8 bytes, with a 2-byte length ({@code writeUTF}). */
    public WireWriter utf(String v) throws IOException {
        return put(o -> o.writeUTF(v));
    }

    /** Bytes with no length: the reader knows how many ({@link WireReader#raw}). */
    public WireWriter raw(byte[] v) throws IOException {
        return put(o -> o.write(v));
    }

    /** Bytes with a 4-byte length before them ({@link WireReader#blob}). */
    public WireWriter blob(byte[] v) throws IOException {
        return i32(v.length).raw(v);
    }

    /** @return the underlying output, for codecs written against {@link DataOutput} */
    public DataOutput data() {
        return out;
    }

    /** @return the bytes written so far */
    public byte[] toBytes() {
        return bytes.toByteArray();
    }

    /** One field: a write to the underlying output. */
    @FunctionalInterface
    private interface Field {
        void writeTo(DataOutput o) throws IOException;
    }

    private WireWriter put(Field field) throws IOException {
        field.writeTo(out);
        return this;
    }
}
