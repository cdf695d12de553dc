package org.switchover.core.internal;

import java.util.Set;

import org.switchover.api.SwitchoverState;

/**
 * One row of the transition table: in one of {@code from}, on one of {@code on}, when {@code guard} holds, run
 * {@code action} and go to {@code to}.
 *
 * @param row the row of spec table 2.2 it implements ("13"), or a label for rows the spec implies ("N1")
 * @param from states the row applies in
 * @param on events the row applies to
 * @param guardText the guard in words ("-" for none)
 * @param guard the guard
 * @param actionText the action in words
 * @param action the action; its {@link Outcome} may replace {@code to} only when it failed (e.g. the epoch could
 *     not be stored)
 * @param to the target state, or null to stay in the current state
 */
record Transition(String row, Set<SwitchoverState> from, Set<EventType> on, String guardText, Guard guard,
                  String actionText, Action action, SwitchoverState to) {

    /** A row's condition, evaluated on the machine's thread. */
    @FunctionalInterface
    interface Guard {
        boolean test(StateMachine m, Event e);
    }

    /** A row's action, run on the machine's thread. */
    @FunctionalInterface
    interface Action {
        Outcome run(StateMachine m, Event e);
    }

    /** @return true when the row applies to {@code state} and {@code e} (guard included). */
    boolean matches(SwitchoverState state, Event e, StateMachine m) {
        return from.contains(state) && on.contains(e.type()) && guard.test(m, e);
    }
}
