package org.switchover.core.internal;

import java.util.function.BooleanSupplier;

import org.switchover.api.monitor.PrimaryMonitor;

/**
 * A primary monitor that is active while the core's monitoring condition is registered (as the DS component is) and
 * records the watchdog polls.
 */
final class FakeMonitor implements PrimaryMonitor {
    private final BooleanSupplier active;
    int polls;
    volatile RuntimeException pollFailure;
    /** What {@link #statusLine()} answers; a test sets what a real monitor would have last rendered. */
    volatile String line = "fake monitor";

    FakeMonitor(BooleanSupplier active) {
        this.active = active;
    }

    // start() and stop() without @Override: the core no longer calls them (the condition activates the monitor).
    public void start() {
        throw new AssertionError("the core raises the monitoring condition instead of starting the monitor");
    }

    public void stop() {
        throw new AssertionError("the core drops the monitoring condition instead of stopping the monitor");
    }

    @Override
    public boolean isRunning() {
        return active.getAsBoolean();
    }

    @Override
    public synchronized void watchdogPoll() {
        polls++;
        if (pollFailure != null) {
            throw pollFailure;
        }
    }

    @Override
    public String statusLine() {
        return line;
    }
}
