package org.switchover.it.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.switchover.it.support.LogTime;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * Failover time of our pair beside Redis Sentinel's, in the same run (issue 13): N times a fresh pair with the
 * {@linkplain Profiles#fast() fast profile}, its primary killed with SIGKILL, and N times stopped with SIGSTOP
 * (time: from just before the signal to the backup's audit line {@code State ... -> PRIMARY}); N times a Redis
 * primary, replica and three sentinels ({@code down-after-milliseconds 200}, {@link SentinelSet}) with the
 * primary killed with SIGKILL (time: from just before the kill to the replica answering {@code ROLE} as master,
 * polled every 5 ms). Prints the distributions (median, min, max), the ratio of the medians and the load average as
 * {@code BENCH failover:} lines; asserts only that every failover happened. Runs: {@code -Dfailover.runs} (5).
 *
 * <pre>
 * mvn -B verify -Pbench -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=FailoverBench
 * </pre>
 */
class FailoverBench {

    private static final int RUNS = Integer.getInteger("failover.runs", 5);
    private static final Duration START = Duration.ofSeconds(90);
    private static final String TO_PRIMARY = "org\\.switchover\\.audit - State \\S+ -> PRIMARY";

    @Test
    void killAndStopOfThePrimaryBesideRedisSentinel() {
        BenchLog.bench("failover: load average at start: " + BenchLog.loadAverage() + " (other helpers build on"
                + " this machine at the same time)");
        long[] kill = new long[RUNS];
        long[] stop = new long[RUNS];
        long[] sentinel = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            kill[i] = ours(i, false);
            BenchLog.bench(String.format("failover: run %d ours kill -9 -> backup PRIMARY %d ms (load %s)", i + 1,
                    kill[i], BenchLog.loadAverage()));
            sentinel[i] = sentinel(i);
            BenchLog.bench(String.format("failover: run %d redis sentinel kill -9 -> replica master %d ms (load %s)",
                    i + 1, sentinel[i], BenchLog.loadAverage()));
            stop[i] = ours(i, true);
            BenchLog.bench(String.format("failover: run %d ours SIGSTOP -> backup PRIMARY %d ms (load %s)", i + 1,
                    stop[i], BenchLog.loadAverage()));
        }
        BenchLog.bench("failover: ours kill -9, fast profile, " + RUNS + " runs: " + summary(kill)
                + " (target: median <= 1000 ms)");
        BenchLog.bench("failover: ours SIGSTOP, fast profile, " + RUNS + " runs: " + summary(stop)
                + " (target: median <= 2500 ms)");
        BenchLog.bench("failover: redis sentinel kill -9, down-after 200 ms, " + RUNS + " runs: " + summary(sentinel));
        BenchLog.bench(String.format("failover: median ratio ours kill -9 / redis sentinel = %.2f",
                (double) median(kill) / Math.max(1, median(sentinel))));
        BenchLog.row("failover: kill -9 of the primary -> backup PRIMARY, fast profile, median of " + RUNS,
                median(kill) + " ms", "Redis Sentinel (down-after 200 ms) " + median(sentinel) + " ms",
                BenchLog.ratio(median(kill), median(sentinel)), "<= 1,000 ms");
        BenchLog.row("failover: SIGSTOP of the primary -> backup PRIMARY, fast profile, median of " + RUNS,
                median(stop) + " ms", "-", "-", "<= 2,500 ms");
        BenchLog.bench("failover: load average at end: " + BenchLog.loadAverage());
    }

    /** One fresh pair; A (primary) killed or stopped; @return ms from the signal to B's PRIMARY audit line */
    private static long ours(int run, boolean sigstop) {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("failoverbench-" + (sigstop ? "stop-" : "kill-") + run);
        Map<String, Map<String, String>> fast = Profiles.fast();
        try (SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, fast);
             SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, Profiles.fast())) {
            a.start();
            a.awaitState("PRIMARY", START);
            b.start();
            await("B backup, both links active, monitors running").atMost(START)
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        JsonNode s = b.quickStatus();
                        String line = s == null ? "" : s.path("monitors").path("status").asText();
                        return s != null && "BACKUP".equals(s.path("state").asText())
                                && "ACTIVE".equals(s.path("connections").path("main").asText())
                                && "ACTIVE".equals(s.path("connections").path("aux").asText())
                                && s.path("automaticSwitch").asBoolean()
                                && line.matches(".*TsServer monitor running: .*incarnation \\d+.*");
                    });
            int mark = b.logMark();
            long at = System.currentTimeMillis();
            if (sigstop) {
                a.process().signal("STOP");
            } else {
                a.kill();
            }
            b.awaitState("PRIMARY", Duration.ofSeconds(60));
            long primaryAt = LogTime.firstLine(b.logSince(mark), TO_PRIMARY);
            assertTrue(primaryAt >= at, "B became primary after the fault: " + primaryAt + " vs " + at);
            return primaryAt - at;
        }
    }

    /** One fresh Redis primary, replica and three sentinels; @return ms from the kill to the replica as master */
    private static long sentinel(int run) {
        try (SentinelSet s = SentinelSet.start(Repo.freshDir("failoverbench-sentinel-" + run), 200)) {
            return s.killPrimaryAndTimePromotion(Duration.ofSeconds(60));
        }
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String summary(long[] v) {
        List<Long> l = new ArrayList<>();
        for (long x : v) {
            l.add(x);
        }
        return String.format("median %d ms, min %d ms, max %d ms, all %s", median(v),
                Arrays.stream(v).min().orElse(-1), Arrays.stream(v).max().orElse(-1), l);
    }
}
