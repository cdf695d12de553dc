package org.switchover.api.monitor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The backup's primary monitor (spec section 5). It runs while the core registers the
 * {@link org.switchover.api.RoleConditions#MONITORING} condition (Backup in automatic mode): the condition appearing
 * starts the pings and the module monitor, its removal stops them and ends outstanding pings as cancelled. The
 * service exists only while the monitor runs. Calls return at once; work happens on the monitor's own thread.
 */
@ProviderType
public interface PrimaryMonitor {

    /** @return true while running (the service is registered only then, so normally true). */
    boolean isRunning();

    /**
     * The state machine's periodic watchdog poll: checks that the module monitor has reported within its expected
     * period and restarts it if not.
     */
    void watchdogPoll();

    /** @return one line for status displays: connection status, network status, last diagnosis. */
    String statusLine();
}
