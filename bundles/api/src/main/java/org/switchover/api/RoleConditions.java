package org.switchover.api;

/**
 * Identifiers of the OSGi condition services ({@code org.osgi.service.condition.Condition}) the core registers so
 * that role-gated components start and stop with the role: reference the condition with a target filter such as
 * {@code (osgi.condition.id=switchover.primary)}.
 */
public final class RoleConditions {
    private RoleConditions() {
    }

    /** String: the condition service property holding the identifier ({@code osgi.condition.id}). */
    public static final String CONDITION_ID = "osgi.condition.id";
    /** Registered while this node is {@link SwitchoverState#PRIMARY}. */
    public static final String PRIMARY = "switchover.primary";
    /** Registered while this node plays the backup role (Backup, Reconnecting or an upgrade state). */
    public static final String BACKUP = "switchover.backup";
    /**
     * Registered while the primary monitor should run: this node is backup in automatic mode and the links to the
     * primary are up (or the wait for them is over). The primary monitor component requires it.
     */
    public static final String MONITORING = "switchover.monitoring";
    /** Target filter selecting the primary condition. */
    public static final String PRIMARY_FILTER = "(" + CONDITION_ID + "=" + PRIMARY + ")";
    /** Target filter selecting the backup condition. */
    public static final String BACKUP_FILTER = "(" + CONDITION_ID + "=" + BACKUP + ")";
    /** Target filter selecting the monitoring condition. */
    public static final String MONITORING_FILTER = "(" + CONDITION_ID + "=" + MONITORING + ")";
}
