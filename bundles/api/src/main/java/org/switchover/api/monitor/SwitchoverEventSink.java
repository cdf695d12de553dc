package org.switchover.api.monitor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The state machine's input, provided by the core. Posting never blocks: the report is queued for the state
 * machine's single thread.
 */
@ProviderType
public interface SwitchoverEventSink {

    /** @param report a monitor's determination */
    void post(MonitorReport report);
}
