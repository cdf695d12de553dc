package org.switchover.api.log;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;
import org.switchover.api.time.Scheduler;

/**
 * A component's recent decisions, each logged through slf4j and kept (bounded) with its scheduler time so that status
 * displays and tests can show what happened in which order. A journal made with an audit logger also keeps audit
 * lines (every role change and switch with its reason, on {@value #AUDIT_LOGGER}: the lines an operator greps after
 * an incident). Thread-safe.
 */
public final class Journal {

    /** Name of the audit logger. */
    public static final String AUDIT_LOGGER = "org.switchover.audit";

    /**
     * One line of the journal.
     *
     * @param atMillis scheduler time
     * @param text what happened
     * @param audit true for audit lines
     * @param warn true for warnings and errors
     */
    public record Entry(long atMillis, String text, boolean audit, boolean warn) {
        @Override
        public String toString() {
            return atMillis + " ms: " + (audit ? "AUDIT " : "") + text;
        }
    }

    private static final int CAPACITY = 1000;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Scheduler clock;
    private final Logger log;
    private final Logger audit;

    /** A journal without audit lines ({@link #audit} logs on {@code log}). */
    public Journal(Scheduler clock, Logger log) {
        this(clock, log, log);
    }

    /** A journal whose {@link #audit} lines go to {@code audit} (the {@value #AUDIT_LOGGER} logger). */
    public Journal(Scheduler clock, Logger log, Logger audit) {
        this.clock = clock;
        this.log = log;
        this.audit = audit;
    }

    /** Logs at INFO (slf4j {@code {}} placeholders) and keeps the formatted line. */
    public void info(String pattern, Object... args) {
        log.info(pattern, args);
        add(pattern, args, false, false);
    }

    /** Logs at DEBUG (routine events) and keeps the formatted line. */
    public void debug(String pattern, Object... args) {
        log.debug(pattern, args);
        add(pattern, args, false, false);
    }

    /** Logs at WARN (slf4j {@code {}} placeholders) and keeps the formatted line. */
    public void warn(String pattern, Object... args) {
        log.warn(pattern, args);
        add(pattern, args, false, true);
    }

    /** Audit line: INFO on the audit logger, kept marked as audit. */
    public void audit(String pattern, Object... args) {
        audit.info(pattern, args);
        add(pattern, args, true, false);
    }

    /** Audit line at ERROR. */
    public void auditError(String pattern, Object... args) {
        audit.error(pattern, args);
        add(pattern, args, true, true);
    }

    private void add(String pattern, Object[] args, boolean isAudit, boolean isWarn) {
        String text = MessageFormatter.arrayFormat(pattern, args).getMessage();
        synchronized (this) {
            if (entries.size() == CAPACITY) {
                entries.removeFirst();
            }
            entries.addLast(new Entry(clock.nowMillis(), text, isAudit, isWarn));
        }
    }

    /** @return a snapshot, oldest first. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }
}
