package org.switchover.api;

/**
 * The states of the switchover state machine (spec section 2.1). {@link #role()} maps each state to the role a node
 * in that state plays; only {@link #PRIMARY} acts as primary.
 */
public enum SwitchoverState {
    /** First state at service start, while the service mode is decided. */
    INIT(Role.NONE),
    /** Runs as the active server. */
    PRIMARY(Role.PRIMARY),
    /** Normal backup operation with monitoring and replication. */
    BACKUP(Role.BACKUP),
    /** Backup that lost the primary or the module and is trying to reconnect; the reconnect timer runs. */
    RECONNECTING(Role.BACKUP),
    /** Backup on a newer release than the primary: opt-out replication, manual switch only. */
    UPGRADE_HIGHER(Role.BACKUP),
    /** Backup on an older release than the primary: opt-in replication, manual switch only. */
    UPGRADE_LOWER(Role.BACKUP),
    /** Stale: a former primary whose peer took over. Processes nothing until restarted. */
    INACTIVE(Role.NONE),
    /** Shutting down, or halted after a module-down in manual mode. */
    STOPPING(Role.NONE),
    /** Hit an error condition (for example, the node is neither server A nor server B). */
    ERROR(Role.NONE);

    private final Role role;

    SwitchoverState(Role role) {
        this.role = role;
    }

    /** @return the role a node in this state plays. */
    public Role role() {
        return role;
    }

    /** @return true for the states in which no automatic switch happens (the upgrade states). */
    public boolean isUpgrade() {
        return this == UPGRADE_HIGHER || this == UPGRADE_LOWER;
    }
}
