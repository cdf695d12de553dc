package org.switchover.console.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control endpoint's refused attempts (bad or missing token, malformed request, too slow, too many at once): every
 * refusal is counted, and at most one WARN per period says how many there were and what the last one was, so a
 * client hammering the endpoint cannot flood the log. Text a client sent is cut short and stripped of control
 * characters before it is logged. Thread-safe.
 */
final class RefusalLog {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** Longest reason logged, in characters. */
    private static final int MAX_REASON = 200;

    private final long periodNanos;
    private final LongSupplier nanoClock;
    private long total;
    private long lines;
    private long unlogged;
    private long lastLogNanos;
    private boolean logged;

    /**
     * @param periodMillis at most one WARN per this period
     * @param nanoClock monotonic time in nanoseconds
     */
    RefusalLog(long periodMillis, LongSupplier nanoClock) {
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.nanoClock = nanoClock;
    }

    /** Counts one refusal and logs it, or the ones held back since the last line, when the period allows. */
    void refused(String reason) {
        long now = nanoClock.getAsLong();
        long count;
        synchronized (this) {
            total++;
            unlogged++;
            if (logged && now - lastLogNanos < periodNanos) {
                return;
            }
            logged = true;
            lastLogNanos = now;
            count = unlogged;
            unlogged = 0;
            lines++;
        }
        LOG.warn("Control endpoint refused {} request(s) since its last report; the last: {}", count, clean(reason));
    }

    /** @return how many requests were refused since the endpoint started. */
    synchronized long total() {
        return total;
    }

    /** @return how many WARN lines were written. */
    synchronized long lines() {
        return lines;
    }

    static String clean(String text) {
        String s = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON) + "...";
    }
}
