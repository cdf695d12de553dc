package org.switchover.api.ds;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary form of a {@link DirectoryEntry}, used by durable stores and on the wire: path, class name, attribute count,
 * then per attribute its name, value count and values; strings in {@link DataOutput#writeUTF} form. Bounded: more
 * than {@link #MAX_ITEMS} attributes or values is refused as malformed.
 */
public final class DirectoryCodec {

    /** Largest attribute count, and largest value count of one attribute, accepted when reading. */
    public static final int MAX_ITEMS = 65_536;

    private DirectoryCodec() {
    }

    /** Writes one entry. */
    public static void write(DataOutput out, DirectoryEntry e) throws IOException {
        out.writeUTF(e.path());
        out.writeUTF(e.className());
        out.writeInt(e.attributes().size());
        for (Map.Entry<String, List<String>> a : e.attributes().entrySet()) {
            out.writeUTF(a.getKey());
            out.writeInt(a.getValue().size());
            for (String v : a.getValue()) {
                out.writeUTF(v);
            }
        }
    }

    /**
     * Reads one entry.
     *
     * @throws IOException when the bytes are not an entry (truncated, bad counts, bad path)
     */
    public static DirectoryEntry read(DataInput in) throws IOException {
        String path = in.readUTF();
        String cls = in.readUTF();
        int n = count(in.readInt(), "attribute count");
        TreeMap<String, List<String>> attrs = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int m = count(in.readInt(), "value count of " + name);
            List<String> values = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                values.add(in.readUTF());
            }
            attrs.put(name, values);
        }
        try {
            return new DirectoryEntry(path, cls, attrs);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed directory entry: " + e.getMessage(), e);
        }
    }

    private static int count(int n, String what) throws IOException {
        if (n < 0 || n > MAX_ITEMS) {
            throw new IOException("malformed directory entry: " + what + " " + n);
        }
        return n;
    }

    /** @return the entry as bytes */
    public static byte[] toBytes(DirectoryEntry e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, e);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return bytes.toByteArray();
    }

    /** @return the entry read from {@code bytes}; IOException when malformed */
    public static DirectoryEntry fromBytes(byte[] bytes) throws IOException {
        return read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }
}
