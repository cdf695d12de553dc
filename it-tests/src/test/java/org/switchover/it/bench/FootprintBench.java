package org.switchover.it.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Programs;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * Issue 13, item 5: a node's start and its footprint, beside a Redis primary → replica pair in the same run.
 * <ul>
 * <li>Start: node B started beside a running primary A, from the launch of its process until it is BACKUP with both
 * links active and its DS sync backup follows the primary's stream (target 3 s), with the milestones of its log
 * (framework's first line, the host's start-up, the core's start, BACKUP).</li>
 * <li>Idle: CPU of each process over 60 s of an idle pair (ours: both nodes; Redis: primary and replica, measured in
 * the same 60 s), from {@code /proc/<pid>/stat} (target below 1 % of a core per node).</li>
 * <li>Memory: RSS ({@code /proc/<pid>/status}) and the Java heap in use after a full GC ({@code jcmd GC.heap_info}),
 * idle and with 100,000 DS entries loaded on the primary and replicated to the backup; Redis with 100,000 keys of
 * the same size.</li>
 * </ul>
 * Prints {@code BENCH} lines and rows; fails only when a phase cannot complete. Needs {@code redis-server}. About 3
 * minutes:
 * <pre>
 * mvn -B verify -Pbench -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=FootprintBench
 * </pre>
 */
class FootprintBench {

    private static final int ENTRIES = 100_000;
    private static final Duration IDLE = Duration.ofSeconds(Long.getLong("footprint.idle.seconds", 60));
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3})");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    /** One heap (G1) or generation (serial: young and tenured) of {@code jcmd GC.heap_info}: its total and use. */
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    @Test
    void startAndFootprintBesideRedis() throws Exception {
        BenchLog.bench("footprint: load average at start: " + BenchLog.loadAverage());
        Programs.require("redis-server", "redis-server");
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("footprintbench");
        try (SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, Map.of());
             SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, Map.of());
             RedisPair redis = RedisPair.start(Repo.freshDir("footprintbench-redis"))) {
            a.start();
            a.awaitState("PRIMARY", Duration.ofSeconds(90));
            start(b);

            // idle: ours and Redis in the same window
            long[] pids = {a.process().pid(), b.process().pid(), redis.pids()[0], redis.pids()[1]};
            long[] cpu0 = new long[pids.length];
            for (int k = 0; k < pids.length; k++) {
                cpu0[k] = cpuTicks(pids[k]);
            }
            long t0 = System.nanoTime();
            Thread.sleep(IDLE.toMillis());
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] percent = new double[pids.length];
            for (int k = 0; k < pids.length; k++) {
                percent[k] = 100.0 * (cpuTicks(pids[k]) - cpu0[k]) / TICKS_PER_SECOND / seconds;
            }
            BenchLog.bench(String.format("footprint: idle CPU over %.0f s: node A (primary) %.2f %%, node B (backup)"
                    + " %.2f %% of a core; Redis primary %.2f %%, replica %.2f %%; load average %s", seconds,
                    percent[0], percent[1], percent[2], percent[3], BenchLog.loadAverage()));
            BenchLog.row("idle CPU per node over " + Math.round(seconds) + " s (primary / backup)",
                    String.format("%.2f %% / %.2f %%", percent[0], percent[1]),
                    String.format("%.2f %% / %.2f %%", percent[2], percent[3]),
                    BenchLog.ratio(percent[0] + percent[1], percent[2] + percent[3]), "< 1 % per node");
            memory("idle", a, b, redis);

            // 100,000 entries on the primary, replicated; the same number of keys of the same size in Redis
            a.shellOk("host:ds-fill Footprint " + ENTRIES + " User");
            Awaitility.await("backup holds the " + ENTRIES + " entries").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> a.shellOk("host:ds-hash").equals(b.shellOk("host:ds-hash")));
            String bytes = a.shellOk("host:ds-bytes").strip();
            long perEntry = Math.max(1, parseLeadingLong(bytes) / ENTRIES);
            String value = "v".repeat((int) Math.min(1000, perEntry));
            redis.pipelineSets(ENTRIES, n -> "Footprint/f" + n / 1000 + "/e" + n, n -> value, 0, new AtomicLong());
            Awaitility.await("redis replica holds the keys").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200)).until(() -> redis.replicaDbSize() >= ENTRIES);
            memory(String.format("with %,d DS entries (%s; Redis: %,d keys, values of %d B)", ENTRIES, bytes,
                    ENTRIES, value.length()), a, b, redis);
        }
        BenchLog.bench("footprint: load average at end: " + BenchLog.loadAverage());
    }

    /** Starts {@code b} beside the running primary and prints how long it takes to follow it, with milestones. */
    private static void start(SwitchoverNode b) {
        long t0 = System.nanoTime();
        long wall0 = System.currentTimeMillis();
        b.start();
        b.awaitBackupLinked(Duration.ofSeconds(90), "main", "aux");
        b.awaitLog("DS sync backup: (following stream|full compare done)", Duration.ofSeconds(90));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String log = b.logSince(0);
        String milestones = String.format("first log line %s, host start-up complete %s, core starting %s, BACKUP %s,"
                        + " DS stream followed %s", at(log, "", wall0), at(log, "Host start-up complete", wall0),
                at(log, "Node B starting", wall0), at(log, "State INIT -> BACKUP", wall0),
                at(log, "DS sync backup: (following stream|full compare done)", wall0));
        BenchLog.bench(String.format("footprint: node B start -> BACKUP with both links and the DS stream followed:"
                + " %,d ms (target <= 3,000 ms); milestones after the launch (from the log): %s; load average %s", ms,
                milestones, BenchLog.loadAverage()));
        BenchLog.row("node start -> BACKUP following the streams", String.format("%,d ms", ms), "-", "-",
                "<= 3,000 ms");
    }

    /** @return when the first log line matching {@code regex} was written, in ms after {@code wall0}, or "?" */
    private static String at(String log, String regex, long wall0) {
        Pattern p = Pattern.compile(regex);
        for (String line : log.split("\n")) {
            Matcher t = LOG_TIME.matcher(line);
            if (t.find() && p.matcher(line).find()) {
                long ms = LocalDateTime.parse(t.group(1), TIME).atZone(java.time.ZoneId.systemDefault()).toInstant()
                        .toEpochMilli() - wall0;
                return String.format("%,d ms", ms);
            }
        }
        return "?";
    }

    private static void memory(String when, SwitchoverNode a, SwitchoverNode b, RedisPair redis) throws Exception {
        long[] redisPids = redis.pids();
        // each RSS read once: the line and the row show the same figures
        long rssA = rssKib(a.process().pid());
        long rssB = rssKib(b.process().pid());
        long rssRp = rssKib(redisPids[0]);
        long rssRr = rssKib(redisPids[1]);
        String line = String.format("footprint: memory %s: node A RSS %s, heap after full GC %s; node B RSS %s, heap"
                        + " after full GC %s; Redis primary RSS %s, replica RSS %s", when, mib(rssA),
                heapAfterGc(a.process().pid()), mib(rssB), heapAfterGc(b.process().pid()), mib(rssRp), mib(rssRr));
        BenchLog.bench(line + "; load average " + BenchLog.loadAverage());
        BenchLog.row("RSS per node, " + (when.startsWith("idle") ? "idle" : "with " + ENTRIES + " DS entries"),
                mib(rssA) + " / " + mib(rssB), mib(rssRp) + " / " + mib(rssRr), BenchLog.ratio(rssA + rssB,
                        rssRp + rssRr), "-");
    }

    private static String mib(long kib) {
        return String.format("%.1f MiB", kib / 1024.0);
    }

    /** @return utime + stime of {@code pid} in clock ticks */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the command name (field 2) is in parentheses and may hold blanks: count fields after its closing one
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssKib(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** @return the heap in use after a full GC of {@code pid}, by {@code jcmd} */
    private static String heapAfterGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(List.of(jcmd, Long.toString(pid), "GC.run"));
        String info = run(List.of(jcmd, Long.toString(pid), "GC.heap_info"));
        Matcher m = HEAP_USED.matcher(info);
        long kib = 0;
        int parts = 0;
        while (m.find()) { // the serial collector reports its young and tenured generations apart: their sum
            kib += Long.parseLong(m.group(1));
            parts++;
        }
        assertTrue(parts > 0, "jcmd GC.heap_info: " + info);
        return mib(kib);
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static long parseLeadingLong(String s) {
        Matcher m = Pattern.compile("(\\d+)").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
