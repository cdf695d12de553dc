package org.switchover.monitor.module.internal;

import java.util.ArrayDeque;

/**
 * Counts module restarts (a reply carrying an incarnation id different from the previous reply's) in two ways:
 * restarts inside a sliding window, and restarts seen on consecutive replies. Not thread-safe: used on the module
 * monitor's scheduler only.
 */
final class RestartTracker {

    /** Hard bound on the remembered restart times, whatever the configured limits. */
    private static final int MAX_REMEMBERED = 1024;

    private final ArrayDeque<Long> restartTimes = new ArrayDeque<>();
    private Long lastIncarnation;
    private int sequential;

    /** What one reply told us. @param restarted the id changed @param inWindow restarts inside the window now */
    record Observation(boolean restarted, int inWindow, int sequential) {
    }

    /**
     * Records a reply.
     *
     * @param incarnation the id in the reply
     * @param nowMillis scheduler time of the reply
     * @param windowMillis the restart window ({@code Switchover Max Restarts Period})
     */
    Observation observe(long incarnation, long nowMillis, long windowMillis) {
        boolean restarted = lastIncarnation != null && lastIncarnation != incarnation;
        lastIncarnation = incarnation;
        if (restarted) {
            sequential++;
            restartTimes.addLast(nowMillis);
            if (restartTimes.size() > MAX_REMEMBERED) {
                restartTimes.removeFirst();
            }
        } else {
            sequential = 0;
        }
        prune(nowMillis, windowMillis);
        return new Observation(restarted, restartTimes.size(), sequential);
    }

    private void prune(long nowMillis, long windowMillis) {
        while (!restartTimes.isEmpty() && nowMillis - restartTimes.peekFirst() >= windowMillis) {
            restartTimes.removeFirst();
        }
    }

    /** @return restarts inside the window ending now. */
    int inWindow(long nowMillis, long windowMillis) {
        prune(nowMillis, windowMillis);
        return restartTimes.size();
    }

    /** @return the id of the last reply, or null before the first. */
    Long lastIncarnation() {
        return lastIncarnation;
    }

    /** Forgets the consecutive count after a limit fired, so one burst reports once per further restart. */
    void resetSequential() {
        sequential = 0;
    }
}
