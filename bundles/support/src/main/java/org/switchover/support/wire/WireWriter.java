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
        WireWriter w = new WireWriter();
        try {
            body.write(w);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into memory failed", e);
        }
        return w.toBytes();
    }

    /** One unsigned byte (0..255). */
    public WireWriter u8(int v) throws IOException {
        out.writeByte(v);
        return this;
    }

    /** A boolean as one byte. */
    public WireWriter bool(boolean v) throws IOException {
        out.writeBoolean(v);
        return this;
    }

    /** A 32-bit integer. */
    public WireWriter i32(int v) throws IOException {
        out.writeInt(v);
        return this;
    }

    /** A 64-bit integer. */
    public WireWriter i64(long v) throws IOException {
        out.writeLong(v);
        return this;
    }

    /** A string of at most 65,535 UTF-8 bytes, with a 2-byte length ({@code writeUTF}). */
    public WireWriter utf(String v) throws IOException {
        out.writeUTF(v);
        return this;
    }

    /** Bytes with no length: the reader knows how many ({@link WireReader#raw}). */
    public WireWriter raw(byte[] v) throws IOException {
        out.write(v);
        return this;
    }

    /** Bytes with a 4-byte length before them ({@link WireReader#blob}). */
    public WireWriter blob(byte[] v) throws IOException {
        out.writeInt(v.length);
        out.write(v);
        return this;
    }

    /** @return the underlying output, for codecs written against {@link DataOutput} */
    public DataOutput data() {
        return out;
    }

    /** @return the bytes written so far */
    public byte[] toBytes() {
        return bytes.toByteArray();
    }
}
