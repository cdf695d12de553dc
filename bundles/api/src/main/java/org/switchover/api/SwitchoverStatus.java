package org.switchover.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.switchover.api.status.NodeStatus;

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

    /**
     * The full status, the model every status view renders. The core answers once its state machine has caught up
     * (a primary that has just continued after a suspension first asks its peer), waiting a bounded time (about a
     * second) and otherwise answering from its last published picture; call it from a thread that may wait that long.
     *
     * @return the status now; a provider that keeps only the basic fields answers {@link NodeStatus#basic}
     * @since 1.3
     */
    default NodeStatus report() {
        return NodeStatus.basic(node(), state(), epoch(), lastSwitchReason());
    }

    /**
     * @return the switch warnings in force now ({@link org.switchover.api.warning.SwitchWarning}), one sentence each;
     *         answered at once, without waiting for the state machine
     * @since 1.3
     */
    default List<String> warnings() {
        return report().warnings();
    }
}
