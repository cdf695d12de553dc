package org.switchover.notifier.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Open connections per key (a source address, a certificate subject), each key capped. Thread-safe.
 */
final class ConnectionCounts {

    private final Map<String, Integer> open = new HashMap<>();
    private final Map<String, Long> warnedAt = new HashMap<>();

    /** @return true when {@code key} had fewer than {@code max} connections; the caller then owes a release */
    synchronized boolean acquire(String key, int max) {
        int n = open.getOrDefault(key, 0);
        if (n >= max) {
            return false;
        }
        open.put(key, n + 1);
        return true;
    }

    synchronized void release(String key) {
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** @return the connections open for {@code key} */
    synchronized int open(String key) {
        return open.getOrDefault(key, 0);
    }
}
