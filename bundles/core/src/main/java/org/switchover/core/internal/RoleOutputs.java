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

    /**
     * The backup wants its primary monitor running ({@code on}) or no longer: the framework raises or drops the
     * {@link org.switchover.api.RoleConditions#MONITORING} condition, on which the monitor component activates.
     */
    void monitoring(boolean on);

    /** Outputs that do nothing. */
    RoleOutputs NONE = new RoleOutputs() {
        @Override
        public void stateChanged(SwitchoverState from, SwitchoverState to, String reason, long epoch) {
        }

        @Override
        public void monitoring(boolean on) {
        }
    };
}
