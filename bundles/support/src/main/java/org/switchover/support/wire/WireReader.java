package org.switchover.support.wire;

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
 * more than the message it sent. The fields are read straight from the array (no stream, no lock, no per-field
 * allocation): codecs decode large batches with it. Not thread-safe; one reader per message.
 */
public final class WireReader {

    private final byte[] payload;
    private final String what;
    private final int start;
    private final int end;
    private int pos;

    /**
     * @param payload the message
     * @param what the kind of message, for errors ("dssync stream message")
     */
    public WireReader(byte[] payload, String what) {
        this(payload == null ? new byte[0] : payload, 0, payload == null ? 0 : payload.length, what);
    }

    /**
     * A message that is a part of a larger array (one element of a batch), read in place.
     *
     * @param payload the array holding the message
     * @param offset where the message starts
     * @param length its length in bytes
     * @param what the kind of message, for errors
     * @throws IndexOutOfBoundsException when the part is not inside the array
     */
    public WireReader(byte[] payload, int offset, int length, String what) {
        java.util.Objects.checkFromIndexSize(offset, length, payload.length);
        this.payload = payload;
        this.what = what;
        this.start = offset;
        this.pos = offset;
        this.end = offset + length;
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
        return payload[pos++] & 0xff;
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
        need(field, Integer.BYTES);
        return int32();
    }

    /** @return a 64-bit integer */
    public long i64(String field) throws MalformedMessageException {
        need(field, Long.BYTES);
        long v = (long) int32() << 32;
        return v | (int32() & 0xffffffffL);
    }

    /** @return a {@code writeUTF} string */
    public String utf(String field) throws MalformedMessageException {
        need(field, 2);
        int n = ((payload[pos] & 0xff) << 8) | (payload[pos + 1] & 0xff);
        if (n <= end - pos - 2 && ascii(pos + 2, n)) {
            // plain ASCII reads the same in modified UTF-8: decode it at once
            String s = new String(payload, pos + 2, n, StandardCharsets.ISO_8859_1);
            pos += 2 + n;
            return s;
        }
        try {
            return DataInputStream.readUTF(data());
        } catch (EOFException e) {
            throw malformed(field, "truncated string", e);
        } catch (UTFDataFormatException e) {
            throw malformed(field, "invalid modified UTF-8", e);
        } catch (IOException e) {
            throw malformed(field, String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * As {@link #utf(String)}, taking a short ASCII value from {@code names} when it holds an equal one (see
     * {@link #text(String, int, RepeatedNames)}).
     */
    public String utf(String field, RepeatedNames names) throws MalformedMessageException {
        need(field, 2);
        int n = ((payload[pos] & 0xff) << 8) | (payload[pos + 1] & 0xff);
        if (n <= end - pos - 2) {
            String s = names.get(payload, pos + 2, n);
            if (s != null) {
                pos += 2 + n;
                return s;
            }
        }
        return utf(field);
    }

    private boolean ascii(int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (payload[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** @return exactly {@code length} bytes */
    public byte[] raw(String field, int length) throws MalformedMessageException {
        if (length < 0) {
            throw malformed(field, "negative length " + length);
        }
        need(field, length);
        byte[] b = Arrays.copyOfRange(payload, pos, pos + length);
        pos += length;
        return b;
    }

    /** @return bytes preceded by a 4-byte length of at most {@code maxLength} */
    public byte[] blob(String field, int maxLength) throws MalformedMessageException {
        return raw(field, length(field, maxLength));
    }

    /**
     * Skips a blob without copying it: the caller reads it in place, from {@link #array()} at the offset returned,
     * for the length it reads from {@link #position()} minus that offset.
     *
     * @return the offset of the blob's first byte in {@link #array()}
     */
    public int skipBlob(String field, int maxLength) throws MalformedMessageException {
        int n = length(field, maxLength);
        need(field, n);
        int at = pos;
        pos += n;
        return at;
    }

    /**
     * @return UTF-8 text preceded by a 4-byte length of at most {@code maxBytes} (the form {@code blob(text bytes)}
     *     writes), decoded straight from the message without an intermediate copy
     */
    public String text(String field, int maxBytes) throws MalformedMessageException {
        int n = length(field, maxBytes);
        need(field, n);
        String s = new String(payload, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /**
     * As {@link #text(String, int)}, taking a short ASCII value from {@code names} when it holds an equal one: the
     * names that repeat across thousands of decoded objects (header names, a transcript's parties, attribute keys)
     * then share one string instead of one each.
     */
    public String text(String field, int maxBytes, RepeatedNames names) throws MalformedMessageException {
        int n = length(field, maxBytes);
        need(field, n);
        String s = names.get(payload, pos, n);
        if (s == null) {
            s = new String(payload, pos, n, StandardCharsets.UTF_8);
        }
        pos += n;
        return s;
    }

    private int length(String field, int max) throws MalformedMessageException {
        if (end - pos < Integer.BYTES) {
            need(field + " length", Integer.BYTES);
        }
        int n = int32();
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
        return pos < end;
    }

    /** @return the number of bytes not read yet */
    public int remaining() {
        return end - pos;
    }

    /** @return the array the message is read from (for parts read in place, see {@link #skipBlob}) */
    public byte[] array() {
        return payload;
    }

    /** @return the offset in {@link #array()} of the next byte to read */
    public int position() {
        return pos;
    }

    /** Refuses trailing bytes: call after the last field. */
    public void end() throws MalformedMessageException {
        if (pos < end) {
            throw malformed("end", (end - pos) + " unexpected trailing byte(s)");
        }
    }

    /**
     * @return the underlying input, for codecs written against {@link DataInput}, reading from where this reader
     *     stands and moving it on; an {@link EOFException} it throws means the message was truncated ({@link #wrap}
     *     turns it into a {@link MalformedMessageException})
     */
    public DataInput data() {
        return new Input();
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
        return new MalformedMessageException(what + ": " + field + ": " + problem + " (" + (end - start)
                + " bytes)", cause);
    }

    /** Four bytes, big-endian, as {@link DataInput#readInt()} reads them; the caller checked they are there. */
    private int int32() {
        int v = ((payload[pos] & 0xff) << 24) | ((payload[pos + 1] & 0xff) << 16) | ((payload[pos + 2] & 0xff) << 8)
                | (payload[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private void need(String field, int n) throws MalformedMessageException {
        if (end - pos < n) {
            throw malformed(field, "truncated: needs " + n + " byte(s), " + (end - pos) + " left");
        }
    }

    /** The reader as a {@link DataInput}: the same position, {@link EOFException} past the end. */
    private final class Input implements DataInput {

        private void ensure(int n) throws EOFException {
            if (end - pos < n) {
                throw new EOFException();
            }
        }

        @Override
        public void readFully(byte[] b) throws IOException {
            readFully(b, 0, b.length);
        }

        @Override
        public void readFully(byte[] b, int off, int len) throws IOException {
            ensure(len);
            System.arraycopy(payload, pos, b, off, len);
            pos += len;
        }

        @Override
        public int skipBytes(int n) {
            int k = Math.max(0, Math.min(n, end - pos));
            pos += k;
            return k;
        }

        @Override
        public boolean readBoolean() throws IOException {
            return readByte() != 0;
        }

        @Override
        public byte readByte() throws IOException {
            ensure(1);
            return payload[pos++];
        }

        @Override
        public int readUnsignedByte() throws IOException {
            return readByte() & 0xff;
        }

        @Override
        public short readShort() throws IOException {
            ensure(2);
            short v = (short) (((payload[pos] & 0xff) << 8) | (payload[pos + 1] & 0xff));
            pos += 2;
            return v;
        }

        @Override
        public int readUnsignedShort() throws IOException {
            return readShort() & 0xffff;
        }

        @Override
        public char readChar() throws IOException {
            return (char) readShort();
        }

        @Override
        public int readInt() throws IOException {
            ensure(4);
            return int32();
        }

        @Override
        public long readLong() throws IOException {
            ensure(8);
            long v = (long) int32() << 32;
            return v | (int32() & 0xffffffffL);
        }

        @Override
        public float readFloat() throws IOException {
            return Float.intBitsToFloat(readInt());
        }

        @Override
        public double readDouble() throws IOException {
            return Double.longBitsToDouble(readLong());
        }

        @Override
        public String readLine() throws IOException {
            if (pos >= end) {
                return null;
            }
            StringBuilder b = new StringBuilder();
            while (pos < end) {
                int c = payload[pos++] & 0xff;
                if (c == '\n') {
                    break;
                }
                if (c == '\r') {
                    if (pos < end && payload[pos] == '\n') {
                        pos++;
                    }
                    break;
                }
                b.append((char) c);
            }
            return b.toString();
        }

        @Override
        public String readUTF() throws IOException {
            return DataInputStream.readUTF(this);
        }
    }
}
