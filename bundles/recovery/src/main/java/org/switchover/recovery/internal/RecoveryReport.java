package org.switchover.recovery.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.switchover.api.interaction.Channel;

/**
 * What one promotion did: per channel a summary, per interaction the action taken and what could not be kept. Built
 * on the control thread, read-only once published.
 */
final class RecoveryReport {

    /**
     * One interaction's outcome.
     *
     * @param lost empty when everything was kept
     */
    record Line(Channel channel, String id, String action, List<String> lost) {
    }

    /** The most distinct texts {@link #texts} holds (texts made for one interaction only are not worth holding). */
    private static final int MAX_SHARED = 4096;

    private final long atMillis;
    private final Map<Channel, String> summaries = new EnumMap<>(Channel.class);
    private final List<Line> lines = new ArrayList<>();
    /** The distinct actions and lost lists of the lines, each held once. */
    private final Map<Object, Object> texts = new HashMap<>();
    private int restored;

    RecoveryReport(long atMillis) {
        this.atMillis = atMillis;
    }

    void summary(Channel c, String text) {
        summaries.put(c, text);
    }

    /**
     * Adds one interaction's line. Its action and what it lost are mostly the same words for many interactions
     * ("stays CONNECTED to alice on user:alice"): equal ones are shared, so a report of a hundred thousand lines holds
     * one copy of each distinct text.
     */
    void add(Channel channel, String id, String action, List<String> lost) {
        lines.add(new Line(channel, id, shared(action), lost.isEmpty() ? List.of() : shared(lost)));
    }

    @SuppressWarnings("unchecked")
    private <T> T shared(T value) {
        Object held = texts.get(value);
        if (held != null) {
            return (T) held;
        }
        T kept = value instanceof List<?> l ? (T) List.copyOf(l) : value;
        if (texts.size() < MAX_SHARED) {
            texts.put(kept, kept);
        }
        return kept;
    }

    void restored(int n) {
        restored += n;
    }

    long atMillis() {
        return atMillis;
    }

    int restored() {
        return restored;
    }

    Map<Channel, String> summaries() {
        return summaries;
    }

    /** @return the lines of the interactions that lost something */
    List<Line> losses() {
        return lines.stream().filter(l -> !l.lost().isEmpty()).toList();
    }

    /** @return every interaction's line */
    List<Line> lines() {
        return lines;
    }

    /** @return one line for the status */
    String headline() {
        return "promotion at " + Instant.ofEpochMilli(atMillis) + ": " + restored + " interactions restored, "
                + losses().size() + " with something not kept";
    }

    /** @return the whole report as text, one interaction per line (the file) */
    String text() {
        return text(lines, Integer.MAX_VALUE);
    }

    /** @return the summaries and at most {@code max} interactions that lost something (the shell) */
    String losses(int max) {
        return text(losses(), max);
    }

    private String text(List<Line> shown, int max) {
        StringBuilder b = new StringBuilder("Interaction recovery report, ").append(headline()).append('\n');
        summaries.forEach((c, s) -> b.append(c.key()).append(": ").append(s).append('\n'));
        if (shown.size() > max) {
            b.append("(the first ").append(max).append(" of ").append(shown.size()).append(" lines)\n");
        }
        for (Line l : shown.subList(0, Math.min(max, shown.size()))) {
            b.append(l.channel().key()).append(' ').append(l.id()).append(": ").append(l.action());
            if (!l.lost().isEmpty()) {
                b.append("; NOT KEPT: ").append(String.join("; ", l.lost()));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
