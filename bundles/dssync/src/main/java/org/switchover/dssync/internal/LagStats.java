package org.switchover.dssync.internal;

import java.util.Arrays;

/**
 * The replication lag of the most recent stream messages the backup applied: for each message, the time its change
 * was durable on the backup minus the primary's commit time (both wall clocks; the two nodes of a pair are expected
 * to run NTP, and a negative difference counts as 0). Keeps the last {@value #WINDOW} values; thread-safe.
 */
final class LagStats {

    /** How many recent messages the percentiles cover. */
    static final int WINDOW = 10_000;

    private final long[] micros = new long[WINDOW];
    private long recorded;
    private long last;

    /** Records one message's lag. */
    synchronized void record(long lagMicros) {
        long v = Math.max(0, lagMicros);
        micros[(int) (recorded % WINDOW)] = v;
        recorded++;
        last = v;
    }

    /** @return the last message's lag (ms, rounded); -1 before the first timed message */
    synchronized long lastMillis() {
        return recorded == 0 ? -1 : ms(last);
    }

    /** @return how many lags were recorded in all */
    synchronized long recorded() {
        return recorded;
    }

    /**
     * @return e.g. {@code "lag: last 12 ms, p50 3 ms, p99 40 ms over 10000 messages"} (the window's size or fewer),
     *     or {@code "lag: no timed messages yet"}
     */
    String line() {
        long[] copy;
        long lastValue;
        synchronized (this) {
            if (recorded == 0) {
                return "lag: no timed messages yet";
            }
            copy = Arrays.copyOf(micros, (int) Math.min(recorded, WINDOW));
            lastValue = last;
        }
        Arrays.sort(copy);
        return "lag: last " + ms(lastValue) + " ms, p50 " + ms(percentile(copy, 50)) + " ms, p99 "
                + ms(percentile(copy, 99)) + " ms over " + copy.length + " messages";
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static long ms(long micros) {
        return Math.round(micros / 1000.0);
    }
}
