package org.switchover.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.switchover.it.support.Programs;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * How long one {@code bin/switchoverctl status --json} takes, as a script or a load balancer polling it would see
 * it (the whole process, from fork to exit), beside {@code redis-cli INFO replication} against a Redis replica in
 * the same run: the command-line peer an operator would otherwise poll. Target: a median of at most 200 ms.
 * Prints {@code BENCH} lines; fails only when a call fails.
 *
 * <pre>
 * mvn -B verify -Pbench -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CtlBench
 * </pre>
 */
class CtlBench {

    private static final int CALLS = 30;

    @Test
    void statusCallAgainstRedisCli() throws Exception {
        BenchLog.bench("ctl: load average at start: " + BenchLog.loadAverage());
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("ctlbench");
        long[] ours;
        try (SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, Map.of());
             SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, Map.of())) {
            SwitchoverNode.startPair(a, b);
            // the first call may compile the client into its cache: not counted
            assertEquals(0, a.ctl("status", "--json").exit());
            ours = time(() -> {
                SwitchoverNode.CtlResult r = a.ctl("status", "--json");
                assertEquals(0, r.exit(), r.err());
                assertTrue(r.out().startsWith("{"), r.out());
            });
        }
        Programs.require("redis-cli", "redis-tools");
        long[] redis;
        try (RedisPair pair = RedisPair.start(Repo.freshDir("ctlbench-redis"))) {
            String port = Integer.toString(pair.replicaPort);
            redis = time(() -> {
                Process p = new ProcessBuilder("redis-cli", "-p", port, "INFO", "replication")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("role:slave"),
                        out);
            });
        }
        BenchLog.bench(String.format("ctl: switchoverctl status --json, %d calls: %s", CALLS, summary(ours)));
        BenchLog.bench(String.format("ctl: redis-cli INFO replication, %d calls: %s", CALLS, summary(redis)));
        BenchLog.bench(String.format("ctl: median ratio ours/redis-cli %.1f (target: ours <= 200 ms)",
                (double) median(ours) / Math.max(1, median(redis))));
        BenchLog.row("switchoverctl status --json, median of " + CALLS + " calls", median(ours) + " ms",
                "redis-cli INFO replication " + median(redis) + " ms", BenchLog.ratio(median(ours), median(redis)),
                "<= 200 ms");
        BenchLog.bench("ctl: load average at end: " + BenchLog.loadAverage());
    }

    private interface Call {
        void run() throws IOException, InterruptedException;
    }

    /** @return the sorted wall times of {@link #CALLS} calls, in ms */
    private static long[] time(Call call) throws IOException, InterruptedException {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            long t0 = System.nanoTime();
            call.run();
            ms.add((System.nanoTime() - t0) / 1_000_000);
        }
        long[] sorted = ms.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    private static long median(long[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static String summary(long[] sorted) {
        return String.format("median %d ms, p90 %d ms, min %d ms, max %d ms", median(sorted),
                sorted[(int) (sorted.length * 0.9)], sorted[0], sorted[sorted.length - 1]);
    }
}
