package org.switchover.tracker.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The CSV form of a {@link Row}: one line, the kind's tag first, numbers plain, texts always between double quotes
 * (a quote doubled). {@link #decode} is strict: a line that is not exactly what {@link #encode} writes is refused
 * with a message naming what is wrong, never half read.
 */
final class RowCodec {

    /** The longest line the journal accepts (texts are at most {@value Row#MAX_TEXT} characters each). */
    static final int MAX_LINE = 4096;

    private RowCodec() {
    }

    /** @return the line of {@code row}, without its line end */
    static String encode(Row row) {
        StringBuilder b = new StringBuilder(row.tag());
        for (Object v : row.values()) {
            b.append(',');
            if (v instanceof String s) {
                b.append('"').append(s.replace("\"", "\"\"")).append('"');
            } else {
                b.append(v);
            }
        }
        return b.toString();
    }

    /**
     * @param line one journal line, without its line end
     * @return the row
     * @throws IllegalArgumentException naming what is wrong with the line
     */
    static Row decode(String line) {
        if (line.length() > MAX_LINE) {
            throw new IllegalArgumentException("line longer than " + MAX_LINE + " characters");
        }
        List<Object> f = fields(line);
        String tag = (String) f.get(0);
        return switch (tag) {
            case "S" -> {
                count(f, 10, tag);
                yield new Row.Summary(text(f, 1), seqno(f, 2), text(f, 3), num(f, 4), num(f, 5), text(f, 6),
                        text(f, 7), text(f, 8), (int) num(f, 9));
            }
            case "G" -> {
                count(f, 9, tag);
                yield new Row.Segment(text(f, 1), seqno(f, 2), (int) num(f, 3), num(f, 4), num(f, 5), text(f, 6),
                        text(f, 7), text(f, 8));
            }
            case "W" -> {
                count(f, 7, tag);
                yield new Row.Wrapup(text(f, 1), seqno(f, 2), text(f, 3), text(f, 4), num(f, 5), num(f, 6));
            }
            case "I" -> {
                count(f, 10, tag);
                Row.Interval i = new Row.Interval(text(f, 1), num(f, 2), num(f, 3), num(f, 4), num(f, 5),
                        (int) num(f, 6), (int) num(f, 7), (int) num(f, 8), (int) num(f, 9));
                if (i.pieceStart() < i.intervalStart() || i.pieceEnd() < i.pieceStart()
                        || i.pieceEnd() > i.intervalEnd()) {
                    throw new IllegalArgumentException("interval piece " + i.pieceStart() + ".." + i.pieceEnd()
                            + " does not lie within its interval " + i.intervalStart() + ".." + i.intervalEnd());
                }
                yield i;
            }
            default -> throw new IllegalArgumentException("unknown row kind '" + tag + "'");
        };
    }

    /** Splits a line into its fields: a quoted field becomes a String, an unquoted one a Long (the tag a String). */
    private static List<Object> fields(String line) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        int comma = line.indexOf(',');
        if (comma <= 0) {
            throw new IllegalArgumentException("no row kind before the first comma");
        }
        out.add(line.substring(0, comma));
        i = comma + 1;
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quoted field " + (out.size() + 1));
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            b.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        b.append(c);
                    }
                }
                out.add(b.toString());
            } else {
                int end = line.indexOf(',', i);
                String t = line.substring(i, end < 0 ? n : end);
                try {
                    out.add(Long.parseLong(t));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("field " + (out.size() + 1) + " is neither a number nor a"
                            + " quoted text");
                }
                i = end < 0 ? n : end;
            }
            if (i == n) {
                return out;
            }
            if (line.charAt(i) != ',') {
                throw new IllegalArgumentException("field " + out.size() + " is followed by text, not a comma");
            }
            i++;
        }
    }

    private static void count(List<Object> f, int want, String tag) {
        if (f.size() != want) {
            throw new IllegalArgumentException("row kind " + tag + " has " + want + " fields, this line " + f.size());
        }
    }

    private static String text(List<Object> f, int k) {
        if (f.get(k) instanceof String s) {
            if (s.length() > Row.MAX_TEXT) {
                throw new IllegalArgumentException("field " + (k + 1) + " is longer than " + Row.MAX_TEXT);
            }
            return s;
        }
        throw new IllegalArgumentException("field " + (k + 1) + " should be a quoted text");
    }

    private static long num(List<Object> f, int k) {
        if (f.get(k) instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("field " + (k + 1) + " should be a number");
    }

    private static int seqno(List<Object> f, int k) {
        long v = num(f, k);
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException("seqno " + v + " is neither 0 nor 1");
        }
        return (int) v;
    }
}
