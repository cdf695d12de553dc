package org.switchover.api.ds;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary form of a {@link DirectoryEntry}, used by durable stores and on the wire: path, class name, attribute count,
 * then per attribute its name, value count and values; strings in {@link DataOutput#writeUTF} form. Bounded: more
 * than {@link #MAX_ITEMS} attributes or values is refused as malformed. Every refusal is an {@link IOException} whose
 * message starts with "malformed directory entry" and names the field and what was wrong (truncated, a count out of
 * range, a bad path, trailing bytes). On the wire it is embedded in the messages of the bounded reader/writer of the
 * replicating bundle, which hands it its {@link DataInput} and {@link DataOutput}.
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
        String path = utf(in, "path");
        String cls = utf(in, "class name");
        int n = count(in, "attribute count");
        TreeMap<String, List<String>> attrs = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = utf(in, "attribute name");
            int m = count(in, "value count of " + name);
            List<String> values = new ArrayList<>(Math.min(m, 1024));
            for (int j = 0; j < m; j++) {
                values.add(utf(in, "value of " + name));
            }
            attrs.put(name, values);
        }
        try {
            return new DirectoryEntry(path, cls, attrs);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed directory entry: " + e.getMessage(), e);
        }
    }

    private static int count(DataInput in, String what) throws IOException {
        int n;
        try {
            n = in.readInt();
        } catch (EOFException e) {
            throw truncated(what, e);
        }
        if (n < 0 || n > MAX_ITEMS) {
            throw new IOException("malformed directory entry: " + what + " " + n + " outside 0.." + MAX_ITEMS);
        }
        return n;
    }

    private static String utf(DataInput in, String what) throws IOException {
        try {
            return in.readUTF();
        } catch (EOFException e) {
            throw truncated(what, e);
        } catch (UTFDataFormatException e) {
            throw new IOException("malformed directory entry: " + what + " is not valid modified UTF-8", e);
        }
    }

    private static IOException truncated(String what, EOFException e) {
        return new IOException("malformed directory entry: truncated in " + what, e);
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

    /** @return the entry read from {@code bytes}; IOException when malformed, or when bytes follow the entry */
    public static DirectoryEntry fromBytes(byte[] bytes) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        DirectoryEntry e = read(new DataInputStream(in));
        if (in.available() > 0) {
            throw new IOException("malformed directory entry: " + in.available() + " trailing byte(s)");
        }
        return e;
    }
}
