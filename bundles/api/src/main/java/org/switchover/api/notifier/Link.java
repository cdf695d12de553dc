package org.switchover.api.notifier;

/**
 * The two independent connections between the backup and the primary. Main carries all traffic; auxiliary exists
 * so that a problem on main alone is not mistaken for a dead primary.
 */
public enum Link {
    /** The main connection. */
    MAIN,
    /** The auxiliary connection, used for diagnosis and as ping fallback. */
    AUX
}
