package org.switchover.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.switchover.api.SwitchoverState;

/** Records the state changes the machine announces and the monitoring condition it raises and drops. */
final class RecordingOutputs implements RoleOutputs {

    record Change(long at, SwitchoverState from, SwitchoverState to, String reason, long epoch) {
    }

    private final LongSupplier clock;
    final List<Change> changes = new ArrayList<>();
    /** Optional: what the status service shows at the moment of each announcement. */
    java.util.function.Supplier<Snapshot> status;
    final List<Snapshot> seenAtAnnouncement = new ArrayList<>();
    /** The monitoring condition is registered (the primary monitor component would be active). */
    volatile boolean monitoring;
    /** How often the monitoring condition was raised. */
    int monitoringRaised;

    RecordingOutputs(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void stateChanged(SwitchoverState from, SwitchoverState to, String reason, long epoch) {
        changes.add(new Change(clock.getAsLong(), from, to, reason, epoch));
        if (status != null) {
            seenAtAnnouncement.add(status.get());
        }
    }

    @Override
    public synchronized void monitoring(boolean on) {
        monitoring = on;
        if (on) {
            monitoringRaised++;
        }
    }

    synchronized List<SwitchoverState> states() {
        return changes.stream().map(Change::to).toList();
    }

    synchronized Change last() {
        return changes.get(changes.size() - 1);
    }
}
