package org.switchover.api.monitor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The backup's module monitor (spec section 4), controlled by the primary monitor. Reports to the
 * {@link ModuleMonitorListener} services.
 */
@ProviderType
public interface ModuleMonitor {

    /** Starts pinging the module on the primary. No effect when running. */
    void start();

    /** Stops pinging. No effect when stopped. */
    void stop();

    /** @return true while running. */
    boolean isRunning();

    /** @return one line for status displays: connection in use, error count, last incarnation id, restarts. */
    String statusLine();

    /**
     * @return the module, timeout, retry delay and failure limit in force; a change is also announced through
     *     {@link ModuleMonitorListener#timingChanged(ModuleTiming)}
     * @since 2.0
     */
    ModuleTiming timing();
}
