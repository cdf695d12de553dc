package org.switchover.mirror.internal;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The file extensions that are never mirrored ({@code MirrorExceptions}, spec section 8): {@code ;}-separated,
 * with or without a leading dot or {@code *.}, compared case-insensitively. Immutable.
 */
final class Extensions {

    static final Extensions NONE = new Extensions(Set.of());

    private final Set<String> excluded;

    private Extensions(Set<String> excluded) {
        this.excluded = excluded;
    }

    static Extensions parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Set<String> set = new TreeSet<>();
        for (String raw : text.split(";")) {
            String e = raw.trim().toLowerCase(Locale.ROOT);
            if (e.startsWith("*")) {
                e = e.substring(1);
            }
            if (e.startsWith(".")) {
                e = e.substring(1);
            }
            if (!e.isEmpty()) {
                set.add(e);
            }
        }
        return new Extensions(Set.copyOf(set));
    }

    /** @return true when a file of this name must not be mirrored. */
    boolean excludes(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1 || excluded.isEmpty()) {
            return false;
        }
        return excluded.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return String.join("; ", new TreeSet<>(excluded));
    }
}
