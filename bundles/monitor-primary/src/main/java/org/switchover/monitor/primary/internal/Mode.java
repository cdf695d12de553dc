package org.switchover.monitor.primary.internal;

/** What the primary monitor is doing (DECISIONS.md); the ping loop owns the current mode. */
enum Mode {
    /** Not started. */
    STOPPED,
    /** Pinging normally. */
    WATCHING,
    /** Retry pings after an unsuccessful one. */
    RETRYING,
    /** Checking connections and network; the ping loop waits. */
    DIAGNOSING,
    /** A connection problem was posted: module monitor stopped, watchdog suspended, pinging until restored. */
    TROUBLE
}
