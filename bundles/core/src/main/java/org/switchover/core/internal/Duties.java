package org.switchover.core.internal;

import org.switchover.api.SwitchoverState;

/**
 * The work a role owns while the machine is in it - its timers, its monitors, its links - the way Raft scopes a
 * leader's state to its term. A row's action creates the duties of the role it enters (returned in its
 * {@link Outcome}, nothing started yet); the machine {@link #start starts} them with the state change and
 * {@link #close closes} them the moment it leaves the states they {@link #covers cover}. Everything here runs on the
 * machine's thread.
 */
interface Duties {

    /** @return true while {@code state} still belongs to the role these duties serve. */
    boolean covers(SwitchoverState state);

    /** The role was entered (the state is already set): start the role's work. */
    void start();

    /** The machine moved to {@code state}, which these duties still cover. */
    default void moved(SwitchoverState state) {
    }

    /** Stops every timer and monitor these duties started; no effect when already closed. */
    void close();
}
