package org.switchover.monitor.module.testing;

import java.util.ArrayList;
import java.util.List;

import org.switchover.api.monitor.ModuleMonitorListener;
import org.switchover.api.time.Scheduler;

/** Records the module monitor's events with their virtual time. */
public final class RecordingListener implements ModuleMonitorListener {

    /** One event. @param kind SYSTEM_OK or MODULE_DOWN */
    public record Event(long atMillis, String kind, String detail) {
    }

    private final Scheduler clock;
    private final List<Event> events = new ArrayList<>();

    public RecordingListener(Scheduler clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void systemOk(long incarnation) {
        events.add(new Event(clock.nowMillis(), "SYSTEM_OK", Long.toString(incarnation)));
    }

    @Override
    public synchronized void moduleDown(String why) {
        events.add(new Event(clock.nowMillis(), "MODULE_DOWN", why));
    }

    public synchronized List<Event> events() {
        return new ArrayList<>(events);
    }

    public synchronized List<Event> of(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).toList();
    }
}
