package org.switchover.core.internal;

/**
 * Everything the state machine reacts to (spec section 3). Monitor signals, timers, negotiation answers, peer
 * messages and operator requests all become one of these on the machine's single queue.
 */
enum EventType {
    /** Row 1: the service started; read the parameters and start negotiating. */
    SERVICE_START,
    /** The peer's answer (or the failure to get one) to a start-up state query. */
    PEER_ANSWER,
    /** Ask the starting peer again. */
    NEGOTIATION_RETRY,
    /** Service mode decided: primary (row 2). */
    MODE_PRIMARY,
    /** Service mode decided: backup (row 3). */
    MODE_BACKUP,
    /** Service mode decided: backup on a newer release (row 4). */
    MODE_UPGRADE_HIGHER,
    /** Service mode decided: backup on an older release (row 5). */
    MODE_UPGRADE_LOWER,
    /** The roles cannot be determined (row 6). */
    ROLE_UNDETERMINED,
    /** Start-up did not complete within its maximum time (row 7). */
    STARTUP_TIMEOUT,
    /** Primary monitor: the backup's own network is not good. */
    NETWORK_DOWN,
    /** Primary monitor: the primary's notifier is unavailable (or both links were lost with no monitor running). */
    NOTIFIER_DOWN,
    /** Primary monitor: the primary's machine does not answer. */
    PRIMARY_UNREACHABLE,
    /** Primary monitor: network and connections fine, the module does not answer (eTSDown). */
    MODULE_DOWN,
    /** Primary monitor: the module answers again. */
    MODULE_UP,
    /** Both links are back and the primary's notifier answers. */
    CONNECTIONS_RESTORED,
    /** A diagnosis named NetTestUnreachable: assume a WAN failure (legacy rule, row 29). */
    WAN_FAILURE,
    /** An intermediate step of a reconnect attempt: a link came back (row 22, Reconnecting to Backup). */
    RECONNECT_STEP,
    /** A link dropped again while a reconnect attempt is still running (row 22, Backup to Reconnecting). */
    RECONNECT_STEP_LOST,
    /** The reconnect timer ran out (row 20). */
    RECONNECT_TIMER_EXPIRED,
    /** Both links used up their reconnect attempts (row 17). */
    RECONNECT_ATTEMPTS_EXHAUSTED,
    /** Posted when the reconnect period expired (eConnectionsDown, row 16). */
    CONNECTIONS_DOWN,
    /** The local host finished starting (a deferred switch may now run, row 14). */
    STARTUP_COMPLETE,
    /** Manual switch request (eInternalSwitchReq, rows 15 and 24). */
    INTERNAL_SWITCH_REQ,
    /** The primary's answer to PREPARE_SWITCH (or the failure to get one). */
    PREPARE_REPLY,
    /** DISCONTINUE received: the peer took over (row 26). */
    PEER_TOOK_OVER,
    /** PREPARE_SWITCH received: the backup takes over in a controlled hand-off (row 26). */
    PREPARE_SWITCH,
    /** Answer to a periodic peer state query (row 27 and the forced backup's search for a primary). */
    PEER_STATE,
    /** A critical local subsystem failed (row 23). */
    SUBSYSTEM_FAILED,
    /** A link changed status (payload: the new {@code LinkStatus}); the backup's reconnect logic reads it (rows 3, 22). */
    LINK_CHANGED,
    /** The links did not both come up within the bounded wait after row 3: start the monitors anyway. */
    MONITOR_WAIT_EXPIRED,
    /** Manual mode was switched on live: monitoring and the reconnect timer stop (decision D12). */
    MANUAL_MODE_ON,
    /** Manual mode was switched off live: monitoring and a fresh reconnect period resume (decision D12). */
    MANUAL_MODE_OFF,
    /** Restart of a stale, halted or failed node (row 28). */
    RESTART,
    /** The switchover service shuts down (row 30). */
    SHUTDOWN,
    /** An error condition (row 31). */
    ERROR
}
