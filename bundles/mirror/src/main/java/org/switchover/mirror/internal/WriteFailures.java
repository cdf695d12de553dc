package org.switchover.mirror.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.support.log.RateLimitedLog;

/**
 * The backup's changes that could not be written to its own disk (full, no permission, read-only): each stays here,
 * pending, until a later comparison of its path writes it; while any is here the mirror raises its warning. Also
 * limits the WARN lines ({@link RateLimitedLog}): one per path per retry period at most (later failures are counted
 * and the count is given on the next line), and {@value #LINES_PER_PERIOD} lines per period over all paths (that many
 * paths less one are remembered; further paths share one line).
 *
 * <p>Failures are recorded against a <em>round</em>: each comparison of the follower is one round, and when it ends
 * the paths it covered that did not fail again in it have landed ({@link #settle}). Thread-safe.
 */
final class WriteFailures {

    private static final Logger LOG = LoggerFactory.getLogger(WriteFailures.class);
    /** Most WARN lines about single paths in one retry period; the rest are counted in the period's summary. */
    static final int LINES_PER_PERIOD = 20;

    /** One path of one root not written. */
    record Key(MirrorRoot root, String path) {
        @Override
        public String toString() {
            return root.path() + (path.isEmpty() ? "" : "/" + path);
        }
    }

    private static final class Failure {
        final long sinceMillis;
        String reason;
        long round;

        Failure(long sinceMillis) {
            this.sinceMillis = sinceMillis;
        }
    }

    private final LongSupplier clock;
    private final Map<Key, Failure> failures = new LinkedHashMap<>();
    private long periodMillis;
    private RateLimitedLog lines;
    private long heldBack;

    /**
     * @param clock milliseconds (the mirror's scheduler)
     * @param periodSeconds the retry interval: also the rate limit of the WARN lines
     */
    WriteFailures(LongSupplier clock, int periodSeconds) {
        this.clock = clock;
        period(periodSeconds);
    }

    synchronized void period(int seconds) {
        periodMillis = seconds * 1000L;
        lines = new RateLimitedLog(LOG::warn, periodMillis, clock, LINES_PER_PERIOD - 1);
    }

    synchronized long periodMillis() {
        return periodMillis;
    }

    /** Records (or refreshes) a failure of {@code path} in comparison {@code round}; logs it, rate-limited. */
    void failed(MirrorRoot root, String path, String reason, long round) {
        Key key = new Key(root, path);
        RateLimitedLog log;
        long seconds;
        synchronized (this) {
            long now = clock.getAsLong();
            Failure f = failures.computeIfAbsent(key, k -> new Failure(now));
            f.reason = reason;
            f.round = round;
            log = lines;
            seconds = periodMillis / 1000;
        }
        if (!log.log(key.toString(), "Mirror: could not write {} on this backup: {}; kept pending, retried every {} s",
                key, reason, seconds)) {
            synchronized (this) {
                heldBack++;
            }
        }
    }

    /** A path under a failure that was skipped in {@code round} for another reason: it stays pending. */
    synchronized void keep(MirrorRoot root, String path, long round) {
        Failure f = failures.get(new Key(root, path));
        if (f != null) {
            f.round = round;
        }
    }

    /**
     * A comparison of {@code scope} of {@code root} ended: the failures it covered that it did not record again have
     * landed.
     *
     * @return how many landed
     */
    int settle(MirrorRoot root, String scope, long round) {
        List<Key> landed = new ArrayList<>();
        boolean allClear;
        synchronized (this) {
            for (Iterator<Map.Entry<Key, Failure>> it = failures.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Key, Failure> e = it.next();
                Key k = e.getKey();
                if (k.root().equals(root) && under(k.path(), scope) && e.getValue().round < round) {
                    landed.add(k);
                    it.remove();
                }
            }
            allClear = failures.isEmpty();
        }
        if (!landed.isEmpty()) {
            LOG.info("Mirror: written now after earlier failures: {}{}", landed.size() > 5
                    ? landed.subList(0, 5) + " and " + (landed.size() - 5) + " more" : landed,
                    allClear ? "; every change is written on this backup again" : "");
        }
        return landed.size();
    }

    private static boolean under(String path, String scope) {
        return scope.isEmpty() || path.equals(scope) || path.startsWith(scope + "/");
    }

    /** Forgets the failures under roots no longer mirrored here. */
    synchronized void retain(Collection<MirrorRoot> roots) {
        failures.keySet().removeIf(k -> !roots.contains(k.root()));
    }

    /** Forgets the failures under {@code root} (the primary no longer has it). */
    synchronized void forget(MirrorRoot root) {
        failures.keySet().removeIf(k -> k.root().equals(root));
    }

    /** Forgets everything (the node stopped following). */
    synchronized void clear() {
        failures.clear();
        heldBack = 0;
    }

    synchronized int count() {
        return failures.size();
    }

    /** @return the failed paths, oldest first */
    synchronized List<Key> keys() {
        return List.copyOf(failures.keySet());
    }

    /** @return the WARN lines held back by the limit since the last call (for the retry's summary line) */
    synchronized long takeHeldBack() {
        long n = heldBack;
        heldBack = 0;
        return n;
    }

    /** @return "N change(s) ... (first: ...)" while something is pending, empty otherwise */
    synchronized Optional<String> summary() {
        if (failures.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<Key, Failure> first = failures.entrySet().iterator().next();
        long forS = (clock.getAsLong() - first.getValue().sinceMillis) / 1000;
        return Optional.of(failures.size() + " change(s) could not be written on this backup (first: "
                + first.getKey() + ": " + first.getValue().reason + ", for " + forS + " s); retried every "
                + periodMillis / 1000 + " s");
    }

    /** @return the operator's warning while a change is not written, empty otherwise */
    Optional<String> warning() {
        return summary().map(s -> "This backup's copy of the primary's files may be stale: " + s);
    }
}
