package org.switchover.console.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * The control endpoint's refused attempts (bad or missing token, malformed request, too slow, too many at once): every
 * refusal is counted, and at most one WARN per period names the last one and how many were held back before it, so a
 * client hammering the endpoint cannot flood the log. Text a client sent is escaped and cut short ({@link LogText})
 * before it is logged. Thread-safe.
 */
final class RefusalLog {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final AtomicLong total = new AtomicLong();
    private final RateLimitedLog limiter;

    /**
     * @param periodMillis at most one WARN per this period
     * @param nanoClock monotonic time in nanoseconds
     */
    RefusalLog(long periodMillis, LongSupplier nanoClock) {
        this.limiter = new RateLimitedLog(LOG::warn, periodMillis, () -> nanoClock.getAsLong() / 1_000_000L, 1);
    }

    /** Counts one refusal and logs it unless a line was written less than a period ago. */
    void refused(String reason) {
        total.incrementAndGet();
        limiter.log("refused", "Control endpoint refused a request: {}", LogText.escape(reason));
    }

    /** @return how many requests were refused since the endpoint started. */
    long total() {
        return total.get();
    }

    /** @return how many WARN lines were written. */
    long lines() {
        return limiter.written();
    }
}
