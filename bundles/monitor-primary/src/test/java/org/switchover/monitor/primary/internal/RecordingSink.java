package org.switchover.monitor.primary.internal;

import java.util.ArrayList;
import java.util.List;

import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.monitor.SwitchoverEventSink;
import org.switchover.api.time.Scheduler;

/** The state machine's input as a test sees it: every report with its virtual time. */
final class RecordingSink implements SwitchoverEventSink {

    record Posted(long atMillis, MonitorReport report) {
        MonitorSignal signal() {
            return report.signal();
        }
    }

    private final Scheduler clock;
    private final List<Posted> posted = new ArrayList<>();

    RecordingSink(Scheduler clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void post(MonitorReport report) {
        posted.add(new Posted(clock.nowMillis(), report));
    }

    synchronized List<Posted> posted() {
        return new ArrayList<>(posted);
    }

    synchronized List<MonitorSignal> signals() {
        return posted.stream().map(Posted::signal).toList();
    }
}
