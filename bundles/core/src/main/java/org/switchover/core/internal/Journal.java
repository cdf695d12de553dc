package org.switchover.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * The state machine's log: every line goes to slf4j (audit lines to the {@code org.switchover.audit} logger) and
 * into a bounded in-memory journal stamped with scheduler time, which the status displays and the tests read.
 */
final class Journal {

    /** Name of the audit logger an operator greps after an incident. */
    static final String AUDIT_LOGGER = "org.switchover.audit";

    /**
     * One journal line.
     *
     * @param millis scheduler time
     * @param audit true for audit lines
     * @param warn true for warnings and errors
     * @param text the line
     */
    record Entry(long millis, boolean audit, boolean warn, String text) {
        @Override
        public String toString() {
            return String.format("%d.%03d %s%s", millis / 1000, millis % 1000, audit ? "AUDIT " : "", text);
        }
    }

    private static final int CAPACITY = 1000;
    private static final Logger AUDIT = LoggerFactory.getLogger(AUDIT_LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(StateMachine.class);

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final java.util.function.LongSupplier clock;

    Journal(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    /** Audit line (INFO on the audit logger). */
    void audit(String format, Object... args) {
        String text = MessageFormatter.arrayFormat(format, args).getMessage();
        AUDIT.info(text);
        add(new Entry(clock.getAsLong(), true, false, text));
    }

    /** Audit line at ERROR. */
    void auditError(String format, Object... args) {
        String text = MessageFormatter.arrayFormat(format, args).getMessage();
        AUDIT.error(text);
        add(new Entry(clock.getAsLong(), true, true, text));
    }

    /** Operational line (INFO on the core logger). */
    void info(String format, Object... args) {
        String text = MessageFormatter.arrayFormat(format, args).getMessage();
        LOG.info(text);
        add(new Entry(clock.getAsLong(), false, false, text));
    }

    /** Operational warning (WARN on the core logger). */
    void warn(String format, Object... args) {
        String text = MessageFormatter.arrayFormat(format, args).getMessage();
        LOG.warn(text);
        add(new Entry(clock.getAsLong(), false, true, text));
    }

    /** Debug line: slf4j only, not kept. */
    void debug(String format, Object... args) {
        LOG.debug(format, args);
    }

    private synchronized void add(Entry e) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(e);
    }

    /** @return a copy of the journal, oldest first. */
    synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }
}
