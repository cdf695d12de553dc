package org.switchover.api.status;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Contributes the Interaction Recovery Service's per-channel figures to the node's one status model
 * ({@link NodeStatus#recovery()}): the recovery bundle registers it while it runs and the core collects it when it
 * builds a status, so the core knows nothing of the recovery's internals.
 *
 * <p>Called from any thread while a status is being built: answer at once from figures already known, never block
 * or ask the network.
 */
@ConsumerType
public interface RecoveryStatusContributor {

    /** @return one entry per channel, in the channels' order */
    List<RecoveryChannelStatus> recoveryStatus();
}
