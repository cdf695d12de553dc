package org.switchover.api.ds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of a {@link DirectoryStore}: its path, its class name and its attributes. Immutable; the attribute map is
 * sorted by name and each value is a list of strings (a single-valued attribute is a list of one).
 *
 * @param path the entry's path, see {@link DirectoryPaths}
 * @param className the entry's class (e.g. "User", "Workgroup"); never null, may be empty
 * @param attributes attribute name → values; copied, sorted and made unmodifiable
 */
public record DirectoryEntry(String path, String className, Map<String, List<String>> attributes) {

    /** Validates the path and copies the attributes. */
    public DirectoryEntry {
        DirectoryPaths.requireValid(path);
        if (className == null) {
            throw new IllegalArgumentException("entry " + path + ": class name is null");
        }
        TreeMap<String, List<String>> copy = new TreeMap<>();
        if (attributes != null) {
            for (Map.Entry<String, List<String>> e : attributes.entrySet()) {
                if (e.getKey() == null || e.getValue() == null || e.getValue().stream().anyMatch(v -> v == null)) {
                    throw new IllegalArgumentException("entry " + path + ": null attribute name or value");
                }
                copy.put(e.getKey(), List.copyOf(e.getValue()));
            }
        }
        attributes = Collections.unmodifiableMap(copy);
    }

    /** @return the first value of {@code name}, or null when the attribute is absent or empty. */
    public String value(String name) {
        List<String> v = attributes.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** @return the same entry with {@code names} removed from its attributes. */
    public DirectoryEntry without(java.util.Collection<String> names) {
        TreeMap<String, List<String>> copy = new TreeMap<>(attributes);
        copy.keySet().removeAll(names);
        return new DirectoryEntry(path, className, copy);
    }

    /**
     * @return SHA-256 of the entry's own content (path, class name, attributes) in a fixed, unambiguous encoding;
     *     two entries have the same content hash exactly when they are equal
     */
    public byte[] contentHash() {
        MessageDigest md = DirectoryHashes.sha256();
        DirectoryHashes.update(md, path);
        DirectoryHashes.update(md, className);
        DirectoryHashes.update(md, Integer.toString(attributes.size()));
        for (Map.Entry<String, List<String>> e : attributes.entrySet()) {
            DirectoryHashes.update(md, e.getKey());
            DirectoryHashes.update(md, Integer.toString(e.getValue().size()));
            for (String v : e.getValue()) {
                DirectoryHashes.update(md, v);
            }
        }
        return md.digest();
    }

    /** Helpers shared by the hash computations; not part of the contract. */
    static final class DirectoryHashes {
        private DirectoryHashes() {
        }

        static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 missing from the JRE", e);
            }
        }

        /** Length-prefixed, so that ("ab","c") and ("a","bc") never hash alike. */
        static void update(MessageDigest md, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            md.update((byte) (b.length >>> 24));
            md.update((byte) (b.length >>> 16));
            md.update((byte) (b.length >>> 8));
            md.update((byte) b.length);
            md.update(b);
        }
    }
}
