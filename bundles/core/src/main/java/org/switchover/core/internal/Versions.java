package org.switchover.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares release strings ({@code switchover.version}) part by part: numeric parts as numbers (so 1.10 is newer than
 * 1.9), other parts as text; a missing part counts as 0 ("1.0" equals "1.0.0").
 */
final class Versions {
    private Versions() {
    }

    /** @return true when both name the same release. */
    static boolean equals(String a, String b) {
        return compare(a, b) == 0;
    }

    /** @return negative, zero or positive as {@code a} is older than, the same as, or newer than {@code b}. */
    static int compare(String a, String b) {
        List<String> pa = parts(a);
        List<String> pb = parts(b);
        int n = Math.max(pa.size(), pb.size());
        for (int i = 0; i < n; i++) {
            String x = i < pa.size() ? pa.get(i) : "0";
            String y = i < pb.size() ? pb.get(i) : "0";
            int c = comparePart(x, y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int comparePart(String x, String y) {
        boolean nx = isNumber(x);
        boolean ny = isNumber(y);
        if (nx && ny) {
            String sx = stripZeros(x);
            String sy = stripZeros(y);
            if (sx.length() != sy.length()) {
                return Integer.compare(sx.length(), sy.length());
            }
            return sx.compareTo(sy);
        }
        if (nx != ny) {
            // A release number sorts after a qualifier at the same place: 1.0.0 is newer than 1.0.rc1.
            return nx ? 1 : -1;
        }
        return x.compareToIgnoreCase(y);
    }

    private static List<String> parts(String v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (String p : v.trim().split("[.\\-_+]")) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        // Trailing zero parts do not make a release newer.
        while (!out.isEmpty() && isNumber(out.get(out.size() - 1)) && stripZeros(out.get(out.size() - 1)).equals("0")) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String stripZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }
}
