package org.switchover.support.log;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A warning that someone outside the process can trigger at will (a malformed frame, a refused logon, a bad control
 * request) logged at most once per key and period. Repeats inside the period are counted, not written; the next line
 * written for the key says how many were held back. Keys are a small fixed vocabulary (a kind of refusal) or a source
 * such as an address; at most {@code maxKeys} are remembered, further keys share one overflow key so that a spray of
 * distinct sources cannot grow memory. Time comes from an injected millisecond clock, so tests run on virtual time.
 * Thread-safe; the sink is never called while holding the lock.
 */
public final class RateLimitedLog {

    /** Where a line goes: an slf4j level method ({@code LOG::warn}) or a journal ({@code journal::warn}). */
    @FunctionalInterface
    public interface Sink {
        /** Writes one line with slf4j {@code {}} placeholders. */
        void log(String pattern, Object... args);
    }

    /** The key that distinct keys beyond {@code maxKeys} share. */
    public static final String OVERFLOW_KEY = "(other)";

    private static final class Window {
        long startMillis;
        long suppressed;
    }

    private final Sink sink;
    private final long periodMillis;
    private final LongSupplier clockMillis;
    private final int maxKeys;
    private final Map<String, Window> windows = new HashMap<>();
    private long written;
    private long suppressedTotal;

    /**
     * @param sink where lines go
     * @param periodMillis at most one line per key in this period (ms, at least 1)
     * @param clockMillis monotonic time in milliseconds
     * @param maxKeys how many distinct keys are remembered (at least 1)
     */
    public RateLimitedLog(Sink sink, long periodMillis, LongSupplier clockMillis, int maxKeys) {
        this.sink = sink;
        this.periodMillis = Math.max(1, periodMillis);
        this.clockMillis = clockMillis;
        this.maxKeys = Math.max(1, maxKeys);
    }

    /** @return a limiter on the monotonic system clock remembering up to 1000 keys */
    public static RateLimitedLog perPeriod(Sink sink, long periodMillis) {
        return new RateLimitedLog(sink, periodMillis, () -> System.nanoTime() / 1_000_000L, 1000);
    }

    /**
     * Writes the line now, or counts it when a line for {@code key} was written less than a period ago. A written
     * line that follows held-back repeats ends with their count. A trailing {@link Throwable} argument stays last so
     * slf4j still prints it as the exception.
     *
     * @return true when the line was written
     */
    public boolean log(String key, String pattern, Object... args) {
        long now = clockMillis.getAsLong();
        long heldBack;
        synchronized (this) {
            Window w = window(key, now);
            if (w.startMillis != Long.MIN_VALUE && now - w.startMillis < periodMillis) {
                w.suppressed++;
                suppressedTotal++;
                return false;
            }
            heldBack = w.suppressed;
            w.startMillis = now;
            w.suppressed = 0;
            written++;
        }
        if (heldBack == 0) {
            sink.log(pattern, args);
        } else {
            sink.log(pattern + " [{} more like this held back since the last such line]", withCount(args, heldBack));
        }
        return true;
    }

    /** @return lines written so far */
    public synchronized long written() {
        return written;
    }

    /** @return repeats held back so far */
    public synchronized long suppressed() {
        return suppressedTotal;
    }

    private Window window(String key, long now) {
        Window w = windows.get(key);
        if (w != null) {
            return w;
        }
        if (windows.size() >= maxKeys) {
            // forget keys whose period is over (their held-back count is lost, which only loses a number)
            for (Iterator<Window> it = windows.values().iterator(); it.hasNext();) {
                Window old = it.next();
                if (now - old.startMillis >= periodMillis && old.suppressed == 0) {
                    it.remove();
                }
            }
            if (windows.size() >= maxKeys) {
                key = OVERFLOW_KEY;
                w = windows.get(key);
                if (w != null) {
                    return w;
                }
            }
        }
        w = new Window();
        w.startMillis = Long.MIN_VALUE;
        windows.put(key, w);
        return w;
    }

    private static Object[] withCount(Object[] args, long heldBack) {
        boolean throwable = args.length > 0 && args[args.length - 1] instanceof Throwable;
        Object[] out = new Object[args.length + 1];
        int plain = throwable ? args.length - 1 : args.length;
        System.arraycopy(args, 0, out, 0, plain);
        out[plain] = heldBack;
        if (throwable) {
            out[out.length - 1] = args[args.length - 1];
        }
        return out;
    }
}
