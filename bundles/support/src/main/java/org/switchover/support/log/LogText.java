package org.switchover.support.log;

/**
 * Makes untrusted text (peer-supplied names, paths and messages, shell arguments, control requests, certificate
 * subjects) safe to put into one log line: it can neither start a forged line nor drive a terminal, and it cannot make
 * a single line arbitrarily long. Control characters become visible escapes ({@code \n}, {@code \r}, {@code \t},
 * {@code \u001b} style), a backslash is doubled so an escape in the output is never ambiguous, and text longer than
 * the cap is cut with a marker saying how much was left out. Stateless and thread-safe.
 */
public final class LogText {

    /** Default cap on the characters kept from one untrusted value. */
    public static final int DEFAULT_MAX = 200;

    private LogText() {
    }

    /** @return {@code text} escaped and cut at {@value #DEFAULT_MAX} characters; {@code "null"} for null */
    public static String escape(String text) {
        return escape(text, DEFAULT_MAX);
    }

    /** @return {@link String#valueOf(Object)} of {@code value}, escaped and cut at {@value #DEFAULT_MAX} characters */
    public static String escape(Object value) {
        return escape(String.valueOf(value), DEFAULT_MAX);
    }

    /**
     * @param text untrusted text, may be null
     * @param max how many characters of {@code text} to keep (at least 1); the rest is replaced by a marker
     * @return the escaped text
     */
    public static String escape(String text, int max) {
        if (text == null) {
            return "null";
        }
        int keep = Math.min(text.length(), Math.max(1, max));
        StringBuilder out = null;
        for (int i = 0; i < keep; i++) {
            char c = text.charAt(i);
            String replacement = replacement(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(keep + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        if (keep == text.length()) {
            return out == null ? text : out.toString();
        }
        if (out == null) {
            out = new StringBuilder(keep + 24).append(text, 0, keep);
        }
        return out.append("...[").append(text.length() - keep).append(" more chars]").toString();
    }

    private static String replacement(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            default:
                break;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || isInvisibleFormatting(c)) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }

    /** Line and paragraph separators and the bidirectional overrides, which can disguise what a line says. */
    private static boolean isInvisibleFormatting(char c) {
        return c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
