package org.switchover.api.status;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Contributes a {@link StatusSection} to the node's one status model ({@link NodeStatus#sections()}): a bundle
 * registers it while it runs and the core collects every registered one when it builds a status, knowing nothing of
 * the bundle's internals. The generic form of {@link RecoveryStatusContributor}.
 *
 * <p>Called from any thread while a status is being built: answer at once from figures already known, never block
 * or ask the network.
 */
@ConsumerType
public interface StatusSectionContributor {

    /** @return the bundle's section as it stands now */
    StatusSection statusSection();
}
