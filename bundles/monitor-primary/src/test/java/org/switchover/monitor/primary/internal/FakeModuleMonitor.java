package org.switchover.monitor.primary.internal;

import java.util.ArrayList;
import java.util.List;

import org.switchover.api.monitor.ModuleMonitor;
import org.switchover.api.monitor.ModuleTiming;
import org.switchover.api.time.Scheduler;

/** A module monitor that only records being started and stopped. */
final class FakeModuleMonitor implements ModuleMonitor {

    private final Scheduler clock;
    private final List<String> calls = new ArrayList<>();
    private boolean running;
    private ModuleTiming timing = ModuleTiming.DEFAULTS;

    FakeModuleMonitor(Scheduler clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        running = true;
        calls.add(clock.nowMillis() + " start");
    }

    @Override
    public synchronized void stop() {
        running = false;
        calls.add(clock.nowMillis() + " stop");
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    @Override
    public String statusLine() {
        return "fake";
    }

    @Override
    public synchronized ModuleTiming timing() {
        return timing;
    }

    /** Sets the timing the module monitor reports, as a changed configuration would. */
    synchronized ModuleTiming timing(ModuleTiming t) {
        timing = t;
        return t;
    }

    synchronized List<String> calls() {
        return new ArrayList<>(calls);
    }

    /** Simulates a module monitor that died without anyone stopping it. */
    synchronized void die() {
        running = false;
    }
}
