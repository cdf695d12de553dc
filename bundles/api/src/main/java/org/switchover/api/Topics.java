package org.switchover.api;

/**
 * EventAdmin topics posted by the switchover bundles and the keys of their payloads. Topics are hierarchical:
 * {@code org/switchover/<kind>/<SUFFIX>}; events are posted asynchronously.
 */
public final class Topics {
    private Topics() {
    }

    /** Prefix of every switchover topic. */
    public static final String PREFIX = "org/switchover/";
    /** This node is becoming primary (the reference's Commence). */
    public static final String ROLE_COMMENCE = PREFIX + "role/COMMENCE";
    /** This node stops being primary (the reference's Discontinue). Delivery to a dead node is not guaranteed. */
    public static final String ROLE_DISCONTINUE = PREFIX + "role/DISCONTINUE";
    /** The switchover state changed; payload carries {@link #KEY_STATE} and {@link #KEY_PREVIOUS_STATE}. */
    public static final String STATE_CHANGED = PREFIX + "state/CHANGED";
    /** A main or auxiliary notifier connection changed status; payload carries {@link #KEY_LINK}, {@link #KEY_STATUS}. */
    public static final String LINK_CHANGED = PREFIX + "notifier/LINK_CHANGED";
    /** Wildcard for every switchover topic. */
    public static final String ALL = PREFIX + "*";

    /** String: the new {@link SwitchoverState} name. */
    public static final String KEY_STATE = "state";
    /** String: the previous {@link SwitchoverState} name. */
    public static final String KEY_PREVIOUS_STATE = "previous.state";
    /** Long: the epoch after the change. */
    public static final String KEY_EPOCH = "epoch";
    /** String: why the change happened, in words an operator searches for (e.g. "TS Ping Failure"). */
    public static final String KEY_REASON = "reason";
    /** String: "MAIN" or "AUX". */
    public static final String KEY_LINK = "link";
    /** String: the connection status name. */
    public static final String KEY_STATUS = "status";
    /** String: free-text detail of a status. */
    public static final String KEY_DETAIL = "detail";
}
