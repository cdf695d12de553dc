package org.switchover.core.internal;

import org.switchover.api.monitor.PrimaryMonitor;

/** A primary monitor that only records what the core asked of it. */
final class FakeMonitor implements PrimaryMonitor {
    volatile boolean running;
    int starts;
    int stops;
    int polls;
    volatile RuntimeException pollFailure;

    @Override
    public synchronized void start() {
        running = true;
        starts++;
    }

    @Override
    public synchronized void stop() {
        running = false;
        stops++;
    }

    @Override
    public boolean isRunning() {
        return running;
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
        return "fake monitor";
    }
}
