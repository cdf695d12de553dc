package org.switchover.core.internal;

import org.switchover.api.SwitchoverState;

/**
 * Where the state machine announces its state: EventAdmin and OSGi conditions in the framework, a recorder in tests.
 * Called on the machine's thread, in order, without locks held; must not block for long.
 */
interface RoleOutputs {

    /**
     * The state changed.
     *
     * @param from the previous state
     * @param to the new state
     * @param reason why, in the operator's words
     * @param epoch the epoch after the change
     */
    void stateChanged(SwitchoverState from, SwitchoverState to, String reason, long epoch);

    /** Outputs that do nothing. */
    RoleOutputs NONE = (from, to, reason, epoch) -> { };
}
