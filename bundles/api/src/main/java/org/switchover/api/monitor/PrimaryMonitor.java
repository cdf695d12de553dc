package org.switchover.api.monitor;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The backup's primary monitor (spec section 5), controlled by the state machine: started when the node enters
 * Backup in automatic mode, stopped when it leaves. Calls return at once; work happens on the monitor's own thread.
 */
@ConsumerType
public interface PrimaryMonitor {

    /** Starts pinging (and starts the module monitor). No effect when running. */
    void start();

    /** Stops pinging and the module monitor; outstanding pings end as cancelled. No effect when stopped. */
    void stop();

    /** @return true while running. */
    boolean isRunning();

    /**
     * The state machine's periodic watchdog poll: checks that the module monitor has reported within its expected
     * period and restarts it if not.
     */
    void watchdogPoll();

    /** @return one line for status displays: connection status, network status, last diagnosis. */
    String statusLine();
}
