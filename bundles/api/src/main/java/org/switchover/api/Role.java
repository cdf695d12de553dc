package org.switchover.api;

/**
 * The role a node plays in the pair. Roles belong to nodes at a moment in time, not to machines: the node that is
 * {@link #PRIMARY} today is the backup after the next switch.
 */
public enum Role {
    /** Does the work: owns the lines, serves the replicated data. The reference calls this "active". */
    PRIMARY,
    /** Watches the primary, mirrors its data and takes over when it fails. */
    BACKUP,
    /** Neither: starting, stale (inactive), stopping or in error. Never acts as primary. */
    NONE
}
