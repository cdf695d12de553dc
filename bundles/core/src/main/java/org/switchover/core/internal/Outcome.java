package org.switchover.core.internal;

import java.util.ArrayList;
import java.util.List;

import org.switchover.api.SwitchoverState;

/**
 * What a row's action decided - the one way an action steers the transition. By default the row's own target
 * applies and the event's words are the reason; an action may instead name the reason ({@link #because}), fail to
 * {@link SwitchoverState#ERROR} ({@link #fail}), hand over the duties of the role it enters ({@link #enter}) and queue
 * completions that must see the new state ({@link #then}: a reply to the peer, a switch request's result).
 *
 * @param failedTo null, or the state that replaces the row's target because the action failed
 * @param reason null (the event's words), or the reason to announce
 * @param enter null, or the duties of the role the row enters; the machine installs them with the state change
 * @param then tasks run after the state change was published, in order
 */
record Outcome(SwitchoverState failedTo, String reason, Duties enter, List<Runnable> then) {

    private static final Outcome AS_ROW = new Outcome(null, null, null, List.of());

    Outcome {
        then = List.copyOf(then);
    }

    /** @return the row's target, the event's words. */
    static Outcome asRow() {
        return AS_ROW;
    }

    /** @return the row's target, announced with {@code reason}. */
    static Outcome because(String reason) {
        return new Outcome(null, reason, null, List.of());
    }

    /** @return {@link SwitchoverState#ERROR} instead of the row's target, announced with {@code reason}. */
    static Outcome fail(String reason) {
        return new Outcome(SwitchoverState.ERROR, reason, null, List.of());
    }

    /** @return this outcome, entering a role with {@code duties}. */
    Outcome enter(Duties duties) {
        return new Outcome(failedTo, reason, duties, then);
    }

    /** @return this outcome, with {@code task} to run once the new state is published. */
    Outcome then(Runnable task) {
        List<Runnable> t = new ArrayList<>(then);
        t.add(task);
        return new Outcome(failedTo, reason, enter, t);
    }
}
