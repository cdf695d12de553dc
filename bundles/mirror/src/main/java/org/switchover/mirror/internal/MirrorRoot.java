package org.switchover.mirror.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One mirrored directory as the parameters name it (spec section 8, formatting rules): the path as written in the
 * parameter (identical on both nodes; the {@link PathMapper} turns it into this node's directory) and whether a
 * leading {@code +} asked for recursion into subdirectories.
 *
 * @param path the directory as configured, without the {@code +}, trimmed
 * @param recursive true when the entry started with {@code +}
 */
record MirrorRoot(String path, boolean recursive) {

    /** Beyond this total length a path list is still used, with a warning (the reference's practical limit). */
    static final int PRACTICAL_MAX_CHARS = 2000;

    /**
     * Parses a {@code ;}-separated list. Empty entries are skipped; the same path twice keeps the recursive flag if
     * either entry had it.
     *
     * @param parameter documented parameter name, for the warning
     * @param text the raw value, may be null
     * @param warn receives the warning when the list is longer than {@link #PRACTICAL_MAX_CHARS}
     */
    static List<MirrorRoot> parseList(String parameter, String text, Consumer<String> warn) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        if (text.length() > PRACTICAL_MAX_CHARS) {
            warn.accept(String.format("Parameter '%s' is %d characters long; more than about %d may not be honoured "
                    + "by the peer's tools, the whole list is used here", parameter, text.length(),
                    PRACTICAL_MAX_CHARS));
        }
        Map<String, Boolean> roots = new LinkedHashMap<>();
        for (String raw : text.split(";")) {
            String entry = raw.trim();
            boolean recursive = entry.startsWith("+");
            if (recursive) {
                entry = entry.substring(1).trim();
            }
            entry = stripTrailingSeparator(entry);
            if (!entry.isEmpty()) {
                roots.merge(entry, recursive, Boolean::logicalOr);
            }
        }
        List<MirrorRoot> out = new ArrayList<>();
        roots.forEach((p, r) -> out.add(new MirrorRoot(p, r)));
        return Collections.unmodifiableList(out);
    }

    /** A single directory parameter (Handler Path etc.): never recursive unless written with {@code +}. */
    static List<MirrorRoot> parseSingle(String text) {
        return parseList("", text, w -> { });
    }

    private static String stripTrailingSeparator(String p) {
        String s = p;
        while (s.length() > 1 && (s.endsWith("/") || s.endsWith("\\"))) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** @return the entry as the parameter would spell it. */
    @Override
    public String toString() {
        return (recursive ? "+" : "") + path;
    }
}
