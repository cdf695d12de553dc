package org.switchover.core.internal;

import org.switchover.api.RoleConditions;
import org.switchover.api.SwitchoverState;
import org.switchover.api.log.Journal;
import org.switchover.api.monitor.PrimaryMonitor;
import org.switchover.api.notifier.Link;
import org.switchover.api.time.Cancellable;

/**
 * The backup's supervision of its primary monitor: the monitor runs while the {@link RoleConditions#MONITORING}
 * condition is registered (raised by {@link #start}, dropped by {@link #stop}); started only once both links are up
 * (bounded wait, row 3w); polled as the watchdog every {@code watchdog.poll.interval} while Backup (suspended while
 * Reconnecting, spec section 5.4), three failed polls in a row halt the backup (row 23, decision D9). Owned by
 * {@link BackupDuties}; runs on the machine's thread.
 */
final class MonitorSupervision {

    private static final int WATCHDOG_FAILURE_LIMIT = 3;

    private final StateMachine machine;
    private final Journal journal;
    private boolean wanted;
    private boolean pending;
    private Cancellable linkWait;
    private Cancellable watchdogTimer;
    private int watchdogFailures;

    MonitorSupervision(StateMachine machine) {
        this.machine = machine;
        this.journal = machine.journal();
    }

    /** @return true while the core wants the monitor running. */
    boolean wanted() {
        return wanted;
    }

    /** @return true while the monitors wait for both links to come up. */
    boolean pending() {
        return pending;
    }

    /**
     * Row 3 opens the links, then starts the monitors: a monitor started before the links are up would diagnose the
     * connection set-up as a failure. Bounded: after twice the notifier's reconnect delay the monitors start anyway
     * (row 3w; a primary that died right after the negotiation must still be detected).
     */
    void startOnceLinked() {
        PeerClient peer = machine.peer;
        if (peer.linkActive(Link.MAIN) && peer.linkActive(Link.AUX)) {
            start();
            return;
        }
        long wait = peer.linkWaitMillis();
        pending = true;
        StateMachine.cancel(linkWait);
        journal.info("The monitors start once both links are up (at most {} s from now)", StateMachine.seconds(wait));
        linkWait = machine.scheduler.schedule(() -> {
            linkWait = null;
            machine.post(Event.of(EventType.MONITOR_WAIT_EXPIRED));
        }, wait);
    }

    /** Row 3w: the bounded wait for the links is over. */
    void waitOver() {
        pending = false;
    }

    /** Raises the monitoring condition and starts the watchdog. */
    void start() {
        pending = false;
        StateMachine.cancel(linkWait);
        linkWait = null;
        wanted = true;
        watchdogFailures = 0;
        machine.monitoring(true);
        journal.info("Primary monitor started (condition {} raised)", RoleConditions.MONITORING);
        SwitchoverState state = machine.state();
        if (state == SwitchoverState.BACKUP || state == SwitchoverState.RECONNECTING) {
            resumeWatchdog();
        }
    }

    /** Drops the monitoring condition (when it was raised) and stops the watchdog and the wait for the links. */
    void stop() {
        boolean was = wanted;
        wanted = false;
        pending = false;
        StateMachine.cancel(linkWait);
        linkWait = null;
        StateMachine.cancel(watchdogTimer);
        watchdogTimer = null;
        if (was) {
            machine.monitoring(false);
            journal.info("Primary monitor stopped (condition {} dropped)", RoleConditions.MONITORING);
        }
    }

    /** @return true when the monitor is wanted and reports that it runs. */
    boolean running() {
        PrimaryMonitor pm = machine.primaryMonitor();
        try {
            return wanted && pm != null && pm.isRunning();
        } catch (RuntimeException ex) {
            return false;
        }
    }

    /** Starts the watchdog period unless it runs (or the monitor is not wanted). */
    void resumeWatchdog() {
        if (watchdogTimer == null && wanted) {
            watchdogTimer = machine.scheduler.schedule(this::watchdogTick, machine.settings().watchdogMillis());
        }
    }

    private void watchdogTick() {
        watchdogTimer = null;
        if (!wanted) {
            return;
        }
        // Tracking is suspended while reconnecting (spec section 5.4).
        if (machine.state() == SwitchoverState.BACKUP) {
            PrimaryMonitor pm = machine.primaryMonitor();
            if (pm != null) {
                try {
                    pm.watchdogPoll();
                    watchdogFailures = 0;
                } catch (RuntimeException ex) {
                    watchdogFailures++;
                    journal.warn("Watchdog poll of the primary monitor failed ({} of {}): {}", watchdogFailures,
                            WATCHDOG_FAILURE_LIMIT, String.valueOf(ex));
                    if (watchdogFailures >= WATCHDOG_FAILURE_LIMIT) {
                        machine.post(Event.of(EventType.SUBSYSTEM_FAILED, "primary monitor",
                                "watchdog poll failed " + watchdogFailures + " times: " + ex));
                        return;
                    }
                }
            }
        }
        resumeWatchdog();
    }
}
