package org.switchover.api.time;

/** Handle of a scheduled task. */
@FunctionalInterface
public interface Cancellable {

    /** Prevents the task from running if it has not started; no effect otherwise. Idempotent. */
    void cancel();
}
