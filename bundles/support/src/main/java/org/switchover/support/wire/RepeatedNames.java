package org.switchover.support.wire;

import java.nio.charset.StandardCharsets;

/**
 * A small cache of short ASCII strings for a decoder that reads many objects with the same names in them (a mail's
 * header names, a chat's parties, attribute keys): a value read again is the string read before, not a new one.
 * Direct-mapped by a hash of the bytes, {@value #SLOTS} slots, values of at most {@value #MAX_LENGTH} bytes; a slot
 * holding another value is overwritten, so it costs a lookup and never grows. Not thread-safe: one per thread (see
 * {@link #forThisThread()}).
 */
public final class RepeatedNames {

    static final int SLOTS = 1024;
    static final int MAX_LENGTH = 40;
    private static final ThreadLocal<RepeatedNames> PER_THREAD = ThreadLocal.withInitial(RepeatedNames::new);

    private final String[] slots = new String[SLOTS];

    /** @return this thread's cache */
    public static RepeatedNames forThisThread() {
        return PER_THREAD.get();
    }

    /**
     * @return the string of {@code n} bytes of {@code data} from {@code from}: the cached one when equal, a new one
     *     cached now when the value is short ASCII, or null for a value this cache does not hold (longer, or not
     *     ASCII: the caller decodes it itself)
     */
    String get(byte[] data, int from, int n) {
        if (n > MAX_LENGTH) {
            return null;
        }
        int h = 0;
        for (int i = from; i < from + n; i++) {
            byte b = data[i];
            if (b < 0) {
                return null;
            }
            h = 31 * h + b;
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        String cached = slots[slot];
        if (cached != null && same(cached, data, from, n)) {
            return cached;
        }
        String s = new String(data, from, n, StandardCharsets.ISO_8859_1);
        slots[slot] = s;
        return s;
    }

    private static boolean same(String s, byte[] data, int from, int n) {
        if (s.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) != data[from + i]) {
                return false;
            }
        }
        return true;
    }
}
