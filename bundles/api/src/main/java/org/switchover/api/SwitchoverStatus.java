package org.switchover.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Read-only view of this node's switchover state, published by the core as a service. Safe to call from any thread;
 * every method returns a snapshot.
 */
@ProviderType
public interface SwitchoverStatus {

    /** @return this node's letter. */
    NodeId node();

    /** @return the current state of the state machine. */
    SwitchoverState state();

    /** @return the current role, derived from {@link #state()}. */
    default Role role() {
        return state().role();
    }

    /** @return the persisted epoch: raised by every switch; a node that meets a higher one never stays primary. */
    long epoch();

    /** @return the reference's Query Backup: true while this node runs as backup (any backup state). */
    default boolean isBackup() {
        return role() == Role.BACKUP;
    }

    /** @return why the last switch or role change happened, or an empty string when none has. */
    String lastSwitchReason();
}
