package org.switchover.api.log;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;
import org.switchover.api.time.Scheduler;

/**
 * A component's recent decisions, each logged through slf4j and kept (bounded) with its scheduler time so that status
 * displays and tests can show what happened in which order. Thread-safe.
 */
public final class Journal {

    /** One line of the journal. @param atMillis scheduler time @param text what happened */
    public record Entry(long atMillis, String text) {
        @Override
        public String toString() {
            return atMillis + " ms: " + text;
        }
    }

    private static final int CAPACITY = 500;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Scheduler clock;
    private final Logger log;

    public Journal(Scheduler clock, Logger log) {
        this.clock = clock;
        this.log = log;
    }

    /** Logs at INFO (slf4j {@code {}} placeholders) and keeps the formatted line. */
    public void info(String pattern, Object... args) {
        log.info(pattern, args);
        add(MessageFormatter.arrayFormat(pattern, args).getMessage());
    }

    /** Logs at DEBUG (routine events) and keeps the formatted line. */
    public void debug(String pattern, Object... args) {
        log.debug(pattern, args);
        add(MessageFormatter.arrayFormat(pattern, args).getMessage());
    }

    /** Logs at WARN (slf4j {@code {}} placeholders) and keeps the formatted line. */
    public void warn(String pattern, Object... args) {
        log.warn(pattern, args);
        add(MessageFormatter.arrayFormat(pattern, args).getMessage());
    }

    private synchronized void add(String text) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(new Entry(clock.nowMillis(), text));
    }

    /** @return a snapshot, oldest first. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }
}
