package org.switchover.metrics.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.switchover.api.Role;
import org.switchover.api.SwitchoverState;

/**
 * Role changes of this node, counted by the role taken and the class of the reason (never the free text, so the
 * label values stay a small fixed set). Thread-safe.
 */
final class SwitchCounts {

    /** One counter's labels. */
    record Key(String role, String reason) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = role.compareTo(o.role);
            return c != 0 ? c : reason.compareTo(o.reason);
        }
    }

    /** The reason classes: the core's switch reasons (reference 003 wording); anything else is "Other". */
    static final String[] REASONS = {"TS Ping Failure", "Loss of Connection to Notifier", "Manual Switchover"};
    static final String START = "Start";
    static final String OTHER = "Other";

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts the change from {@code previous} to {@code state} when it changes the role to PRIMARY or BACKUP. */
    void stateChanged(String previous, String state, String reason) {
        Role from = role(previous);
        Role to = role(state);
        if (to == null || to == Role.NONE || to == from) {
            return;
        }
        String cls = from == null || from == Role.NONE ? START : reasonClass(reason);
        counts.computeIfAbsent(new Key(to.name(), cls), k -> new LongAdder()).increment();
    }

    /** @return the counts so far, ordered */
    Map<Key, Long> snapshot() {
        Map<Key, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    static String reasonClass(String reason) {
        if (reason != null) {
            for (String r : REASONS) {
                if (reason.startsWith(r)) {
                    return r;
                }
            }
        }
        return OTHER;
    }

    private static Role role(String state) {
        try {
            return state == null ? null : SwitchoverState.valueOf(state).role();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
