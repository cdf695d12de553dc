package org.switchover.it.support;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the time stamps of the runtime's log lines ({@code 2026-11-22 08:05:15.974+0000 [thread] LEVEL logger - text}). */
public final class LogTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSZ");
    private static final Pattern STAMP = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}[+-]\\d{4}) ");

    private LogTime() {
    }

    /**
     * @param log a log text
     * @param regex what the line must contain
     * @return the epoch milliseconds of the first line of {@code log} matching {@code regex}, or -1
     */
    public static long firstLine(String log, String regex) {
        Pattern p = Pattern.compile(regex);
        for (String line : log.split("\n")) {
            if (p.matcher(line).find()) {
                return of(line);
            }
        }
        return -1;
    }

    /** @return the epoch milliseconds of one log line, or -1 when it has no time stamp */
    public static long of(String line) {
        Matcher m = STAMP.matcher(line);
        if (!m.find()) {
            return -1;
        }
        return OffsetDateTime.parse(m.group(1), FORMAT).toInstant().toEpochMilli();
    }
}
