package org.switchover.dssync.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counters of one resynchronisation: nodes compared, entries transferred (written or deleted on the backup), nodes
 * still queued, the transfer rate, and the payload bytes and round trips of its requests. Written by the sync thread, read by anyone.
 */
final class SyncProgress {

    final AtomicLong compared = new AtomicLong();
    final AtomicLong transferred = new AtomicLong();
    final AtomicLong remaining = new AtomicLong();
    /** Payload bytes of the compare's requests and their replies, both directions together. */
    final AtomicLong bytes = new AtomicLong();
    /** Round trips (requests answered). */
    final AtomicLong requests = new AtomicLong();
    private final LongSupplier clockMillis;
    private final long startMillis;
    private volatile long endMillis = -1;

    SyncProgress(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.startMillis = clockMillis.getAsLong();
    }

    void finish() {
        endMillis = clockMillis.getAsLong();
    }

    boolean finished() {
        return endMillis >= 0;
    }

    /** @return entries transferred per second since the start (until the end once finished) */
    double rate() {
        long end = endMillis >= 0 ? endMillis : clockMillis.getAsLong();
        long ms = Math.max(1, end - startMillis);
        return transferred.get() * 1000.0 / ms;
    }

    long elapsedMillis() {
        long end = endMillis >= 0 ? endMillis : clockMillis.getAsLong();
        return end - startMillis;
    }

    /**
     * @return one line, e.g. "compared 120, transferred 7, remaining 3, 35.0 entries/s, 5120 bytes moved in 4
     *     requests"
     */
    String line() {
        return String.format(java.util.Locale.ROOT,
                "compared %d, transferred %d, remaining %d, %.1f entries/s, %d bytes moved in %d requests",
                compared.get(), transferred.get(), remaining.get(), rate(), bytes.get(), requests.get());
    }
}
