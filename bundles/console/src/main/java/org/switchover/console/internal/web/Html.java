package org.switchover.console.internal.web;

/** HTML text escaping for the console's pages: every value from the status model or a client goes through here. */
final class Html {
    private Html() {
    }

    /** @return {@code text} safe inside an element or a quoted attribute */
    static String esc(Object value) {
        String text = value == null ? "" : value.toString();
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? '?' : c);
            }
        }
        return b.toString();
    }

    /** @return {@code text} for a URL path or query part */
    static String url(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
