package org.switchover.it.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a node's synchronous replication was degraded, read from the audit lines of its {@code log/node.log} (appended
 * over every start of the node, so it covers a whole soak). The monitor's 50 ms status samples show the degraded
 * warning too, but under a high load a sample times out (800 ms) and a short degraded stretch can fall between the
 * answers: the audit lines are the node's own record, with millisecond times on the machine's clock the harness
 * uses. A stretch runs from the "synchronous replication degraded" line to the next "resumed" line of the same
 * subsystem, or to the node's next start (a killed node never logs the end). Read incrementally: each call reads
 * only what was appended since the last one.
 */
final class DegradedLog {

    /** Which replication the lines are about. */
    enum Subsystem {
        DS("DS sync: "), INTERACTIONS("Interaction recovery (");

        final String prefix;

        Subsystem(String prefix) {
            this.prefix = prefix;
        }
    }

    private static final Pattern TIME = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3})([+-]\\d{4})");
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    /** Margin around a stretch for the time between the state change and its log line (same clock). */
    private static final long MARGIN_MILLIS = 100;

    private record Stretch(Subsystem subsystem, long from, long to) {
    }

    private final Path log;
    private long offset;
    private final List<Stretch> closed = new ArrayList<>();
    /** Open stretches' start per subsystem; -1 when none. */
    private final long[] openSince = {-1, -1};

    DegradedLog(Path log) {
        this.log = log;
    }

    /**
     * @return whether the node's {@code subsystem} replication was degraded at some time between {@code from} and
     *     {@code to} (epoch ms); a stretch still open counts as running until now
     */
    synchronized boolean covers(Subsystem subsystem, long from, long to) {
        read();
        for (Stretch s : closed) {
            if (s.subsystem() == subsystem && s.from() - MARGIN_MILLIS <= to && s.to() + MARGIN_MILLIS >= from) {
                return true;
            }
        }
        long open = openSince[subsystem.ordinal()];
        return open >= 0 && open - MARGIN_MILLIS <= to;
    }

    /** @return the stretches read so far, for a report line */
    synchronized int stretches() {
        read();
        return closed.size() + (openSince[0] >= 0 ? 1 : 0) + (openSince[1] >= 0 ? 1 : 0);
    }

    private void read() {
        if (!Files.exists(log)) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length < offset) {
                offset = 0;
            }
            f.seek(offset);
            byte[] rest = new byte[(int) Math.min(length - offset, Integer.MAX_VALUE - 16)];
            f.readFully(rest);
            // only whole lines: a line being written stays for the next read
            int end = rest.length;
            while (end > 0 && rest[end - 1] != '\n') {
                end--;
            }
            offset += end;
            for (String line : new String(rest, 0, end, StandardCharsets.UTF_8).split("\n")) {
                line(line);
            }
        } catch (IOException e) {
            System.out.println("FAULTS cannot read " + log + ": " + e);
        }
    }

    private void line(String line) {
        boolean start = line.contains("StateMachine - Node ") && line.contains(" starting: release");
        boolean audit = line.contains("org.switchover.audit - ");
        if (!start && !audit) {
            return;
        }
        Matcher m = TIME.matcher(line);
        if (!m.find()) {
            return;
        }
        long at = LocalDateTime.parse(m.group(1), FORMAT).toInstant(ZoneOffset.of(m.group(2))).toEpochMilli();
        if (start) {
            // a new process: whatever was degraded in the last one ended with it
            for (Subsystem s : Subsystem.values()) {
                end(s, at);
            }
            return;
        }
        String text = line.substring(line.indexOf("org.switchover.audit - ") + "org.switchover.audit - ".length());
        for (Subsystem s : Subsystem.values()) {
            if (!text.startsWith(s.prefix)) {
                continue;
            }
            if (text.contains("synchronous replication degraded")) {
                if (openSince[s.ordinal()] < 0) {
                    openSince[s.ordinal()] = at;
                }
            } else if (text.contains("synchronous replication resumed") || text.contains("replication mode is now")) {
                end(s, at);
            }
        }
    }

    private void end(Subsystem s, long at) {
        long since = openSince[s.ordinal()];
        if (since >= 0) {
            closed.add(new Stretch(s, since, at));
            openSince[s.ordinal()] = -1;
        }
    }
}
