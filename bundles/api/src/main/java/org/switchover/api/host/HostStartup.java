package org.switchover.api.host;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optional host service telling whether the host is still starting. A module-down seen while the local host starts
 * schedules the switch for when start-up completes.
 */
@ConsumerType
public interface HostStartup {

    /** @return true while the local host is still starting. */
    boolean isStarting();

    /** @return completes when start-up has completed (at once when it already has). */
    CompletionStage<Void> started();
}
