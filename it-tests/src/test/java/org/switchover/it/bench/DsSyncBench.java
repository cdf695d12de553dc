package org.switchover.it.bench;

import static org.switchover.it.bench.BenchLog.loadAverage;
import static org.switchover.it.bench.BenchLog.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * DS sync (configuration tree replication) between two real nodes, compared with a Redis primary → replica pair on
 * the same machine. Prints {@code BENCH} lines and never fails on a number; it fails only when a phase cannot run
 * (a node does not start, the trees never become identical, a full compare that should run does not).
 *
 * <ol>
 * <li>Warm-up (printed, not measured): 100,000 changes as fast as possible on the stream pair.</li>
 * <li>Steady load: {@value #STEADY_RATE} changes/s for 20 s on the primary ({@code host:ds-load}); achieved write
 * rate, replicated changes/s (changes / time from the first write until the backup's subtree hash equals the
 * primary's) and the backup's lag p50/p99 ({@code switchover:ds-status}).</li>
 * <li>Maximum: 500,000 small writes as fast as the primary takes them → replicated changes/s.</li>
 * <li>Redis: the same number of SETs (a key shaped like our entry paths, a small value) pipelined into a Redis
 * primary until its replica holds them all → writes/s replicated and the ratio ours / Redis; then the steady rate
 * for the same time with a probe key every 20 ms for the replica's lag p50/p99.</li>
 * <li>Resync: a second pair, the primary holding 1,000,000 entries, its {@code stream.backlog.size} at
 * {@value #SMALL_BACKLOG}; the backup in sync is killed with -9, {@value #TOUCHED} entries change, the backup
 * restarts and must run a full compare: its time (from the backup's log) and the bytes moved, next to the tree's
 * total bytes ({@code host:ds-bytes}).</li>
 * </ol>
 * Run (about 4 minutes on two cores busy with other builds, the build included; the numbers go to the test's output
 * file):
 * <pre>
 * mvn -B verify -Pbench -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=DsSyncBench
 * grep BENCH it-tests/target/failsafe-reports/org.switchover.it.bench.DsSyncBench-output.txt
 * </pre>
 * System properties change the sizes: {@code dsbench.warmup}, {@code dsbench.steady.seconds},
 * {@code dsbench.steady.batch}, {@code dsbench.max.count}, {@code dsbench.big}; {@code dsbench.phases} picks phases
 * ({@code warmup,steady,max,redis,resync}); {@code dsbench.node.jvm} adds JVM options to every node (e.g.
 * {@code -XX:StartFlightRecording=filename=node.jfr,settings=profile}, written in the node's directory at its
 * SIGTERM). The defaults are the figures and every phase.
 */
class DsSyncBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STEADY_RATE = 10_000;
    private static final int STEADY_SECONDS = Integer.getInteger("dsbench.steady.seconds", 20);
    /** Entries per batch write of the steady load (ds-load's default): 100 commits per second at 10,000/s. */
    private static final int STEADY_BATCH = Integer.getInteger("dsbench.steady.batch", 100);
    private static final int WARMUP = Integer.getInteger("dsbench.warmup", 100_000);
    private static final int MAX_COUNT = Integer.getInteger("dsbench.max.count", 500_000);
    private static final int BIG = Integer.getInteger("dsbench.big", 1_000_000);
    /** ds-fill chunk: one shell call must end within the control endpoint's 75 s. */
    private static final int FILL_CHUNK = 100_000;
    private static final int TOUCHED = 100;
    private static final int SMALL_BACKLOG = 50;
    private static final Duration SYNC_BOUND = Duration.ofSeconds(180);
    /** The backup's lag p99 at the end of the steady phase (ms), for the table row beside Redis's. */
    private String steadyP99;
    private static final String BIG_HEAP = "-Xmx3g";
    /** Extra JVM options for every node, space-separated (e.g. a flight recording to see where the time goes). */
    private static final String[] NODE_JVM = nodeJvm();
    /** Which phases run: warmup, steady, max, redis, resync (comma-separated); all by default. */
    private static final List<String> PHASES = List.of(System.getProperty("dsbench.phases",
            "warmup,steady,max,redis,resync").split(","));

    private static final Pattern LOADED = Pattern.compile("loaded (\\d+) in (\\d+) ms");
    private static final Pattern LAG = Pattern.compile("lag: (.*?p50 (\\d+) ms, p99 (\\d+) ms over (\\d+) messages)");
    private static final Pattern APPLIED = Pattern.compile("messages applied: (\\d+)");
    private static final Pattern COMPARE_DONE = Pattern.compile("full compare done in (\\d+) ms: ([^;\\n]*)");
    private static final Pattern BYTES = Pattern.compile("(\\d+) bytes");

    private final List<SwitchoverNode> nodes = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(SwitchoverNode::close);
    }

    @Test
    void dsSyncAgainstRedis() throws Exception {
        bench("load average at start: " + loadAverage());
        long maxRate = -1;
        if (PHASES.contains("warmup") || PHASES.contains("steady") || PHASES.contains("max")) {
            maxRate = streamPhases();
        }
        long ours = maxRate;
        phase("redis", () -> redis(ours));
        phase("resync", this::resync);
        bench("load average at end: " + loadAverage());
        assertTrue(failures.isEmpty(), "phases that could not run: " + failures);
    }

    /** Warm-up, steady and max on one pair; @return the replicated changes/s of the max phase, or -1. */
    private long streamPhases() {
        long maxRate = -1;
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dsbench-stream");
        SwitchoverNode a = node(dir, "A", ports, Map.of());
        SwitchoverNode b = node(dir, "B", ports, Map.of());
        try {
            startPair(a, b, jvm(BIG_HEAP));
            // the backup's first full compare (a near-empty tree) is over before any load starts
            awaitIdentical("pair start", a, b, null);
            phase("warmup", () -> warmUp(a, b));
            phase("steady", () -> steady(a, b));
            long[] holder = {-1};
            phase("max", () -> holder[0] = max(a, b));
            maxRate = holder[0];
        } finally {
            stop(a);
            stop(b);
        }
        return maxRate;
    }

    // ---- 0. warm-up ----

    /**
     * 100,000 changes ({@code dsbench.warmup}) as fast as the primary takes them, before anything is measured: both
     * JVMs compile the write, stream and apply paths (the first seconds of a cold pair lag seconds behind).
     */
    private void warmUp(SwitchoverNode a, SwitchoverNode b) {
        String appliedBefore = firstGroup(APPLIED, shell(b, "switchover:ds-status"));
        long t0 = System.nanoTime();
        String out = shell(a, "host:ds-load Bench/Warmup " + WARMUP + " 10000000 1000");
        awaitIdentical("warm-up", a, b, "Bench/Warmup", applied(b, appliedBefore, WARMUP));
        bench("DS warm-up (not measured): " + out + "; backup identical after " + ms(System.nanoTime() - t0) + " ms");
    }

    // ---- 1. steady 10,000 changes/s ----

    private void steady(SwitchoverNode a, SwitchoverNode b) {
        int count = STEADY_RATE * STEADY_SECONDS;
        String appliedBefore = firstGroup(APPLIED, shell(b, "switchover:ds-status"));
        LagSampler sampler = new LagSampler(b, appliedBefore == null ? 0 : Long.parseLong(appliedBefore));
        sampler.start();
        long t0 = System.nanoTime();
        String out;
        try {
            out = shell(a, "host:ds-load Bench/Steady " + count + " " + STEADY_RATE + " " + STEADY_BATCH);
        } finally {
            sampler.finish();
        }
        long written = System.nanoTime();
        long[] loaded = loaded(out);
        awaitIdentical("steady load", a, b, "Bench/Steady", applied(b, appliedBefore, count));
        long done = System.nanoTime();
        String status = settledStatus(b, appliedBefore, count);
        bench(String.format("DS steady: %d changes asked at %d/s in batches of %d; written in %d ms = %.0f/s "
                        + "(primary: %s); replicated %.0f changes/s (first write to identical subtree hash %d ms, "
                        + "backup done %d ms after the last write)",
                count, STEADY_RATE, STEADY_BATCH, loaded[1], loaded[0] * 1000.0 / Math.max(1, loaded[1]),
                out.strip(), count / secs(done - t0), ms(done - t0), ms(done - written)));
        Matcher lag = LAG.matcher(status);
        if (lag.find()) {
            bench("DS steady lag at the end (backup's ds-status, its window of the last messages): p50 "
                    + lag.group(2) + " ms, p99 " + lag.group(3) + " ms over " + lag.group(4) + " messages");
            steadyP99 = lag.group(3);
        } else {
            bench("DS steady lag: no 'lag:' line in the backup's ds-status: " + oneLine(status));
        }
        bench(sampler.summary());
        String appliedAfter = firstGroup(APPLIED, status);
        if (appliedBefore != null && appliedAfter != null) {
            bench("DS steady: backup applied " + (Long.parseLong(appliedAfter) - Long.parseLong(appliedBefore))
                    + " stream messages");
        }
    }

    /**
     * The backup's ds-status once its "messages applied" counter has moved by {@code count} since {@code before}
     * (the counter and the lag figures follow the store write by a moment); after 5 s whatever it shows.
     */
    private static String settledStatus(SwitchoverNode b, String before, int count) {
        if (before == null) {
            return shell(b, "switchover:ds-status");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String status = shell(b, "switchover:ds-status");
        while (System.nanoTime() < deadline) {
            String now = firstGroup(APPLIED, status);
            if (now != null && Long.parseLong(now) - Long.parseLong(before) >= count) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            status = shell(b, "switchover:ds-status");
        }
        return status;
    }

    /**
     * Reads the backup's lag line every second while the load runs. The backup keeps the lag of its last 10,000
     * messages (about one second at the steady rate), so the samples together cover the run: the summary gives the
     * median of the windows' p50 and the highest window p99 (about an upper bound of the whole run's p99, as the
     * windows cover it).
     */
    private static final class LagSampler extends Thread {
        private final SwitchoverNode backup;
        private final long appliedBefore;
        private final List<long[]> windows = new ArrayList<>();
        private volatile boolean done;

        LagSampler(SwitchoverNode backup, long appliedBefore) {
            super("dsbench-lag-sampler");
            this.backup = backup;
            this.appliedBefore = appliedBefore;
            setDaemon(true);
        }

        @Override
        public void run() {
            // bounded by the load it samples; the hard stop guards a load that never answers
            long stopAt = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!done && System.nanoTime() < stopAt) {
                try {
                    Thread.sleep(1000);
                    String status = shell(backup, "switchover:ds-status");
                    Matcher m = LAG.matcher(status);
                    String applied = firstGroup(APPLIED, status);
                    // a window still holding messages from before the load (the warm-up's) is not a sample of it
                    if (m.find() && applied != null
                            && Long.parseLong(applied) - appliedBefore >= Long.parseLong(m.group(4))) {
                        synchronized (windows) {
                            windows.add(new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a missed sample is reported by the count in the summary
                }
            }
        }

        void finish() {
            done = true;
            interrupt();
            try {
                join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String summary() {
            synchronized (windows) {
                if (windows.isEmpty()) {
                    return "DS steady lag during the load: no samples";
                }
                long[] p50 = windows.stream().mapToLong(w -> w[0]).sorted().toArray();
                long maxP99 = windows.stream().mapToLong(w -> w[1]).max().orElse(-1);
                StringBuilder each = new StringBuilder();
                for (long[] w : windows) {
                    each.append(each.length() == 0 ? "" : " ").append(w[0]).append('/').append(w[1]);
                }
                return "DS steady lag during the load (" + windows.size() + " one-second samples of the backup's "
                        + "last-10,000-message window): median p50 " + p50[p50.length / 2] + " ms, highest p99 "
                        + maxP99 + " ms; each p50/p99 ms: " + each;
            }
        }
    }

    // ---- 2. as fast as the primary takes them ----

    private long max(SwitchoverNode a, SwitchoverNode b) {
        String appliedBefore = firstGroup(APPLIED, shell(b, "switchover:ds-status"));
        long t0 = System.nanoTime();
        String out = shell(a, "host:ds-load Bench/Max " + MAX_COUNT + " 10000000 1000");
        long written = System.nanoTime();
        long[] loaded = loaded(out);
        awaitIdentical("max load", a, b, "Bench/Max", applied(b, appliedBefore, MAX_COUNT));
        long done = System.nanoTime();
        long rate = Math.round(MAX_COUNT / secs(done - t0));
        bench(String.format("DS max: %d changes written in %d ms = %.0f/s (batch 1000); replicated %d changes/s "
                        + "(first write to identical subtree hash %d ms, backup done %d ms after the last write)",
                MAX_COUNT, loaded[1], loaded[0] * 1000.0 / Math.max(1, loaded[1]), rate, ms(done - t0),
                ms(done - written)));
        String status = shell(b, "switchover:ds-status");
        Matcher lag = LAG.matcher(status);
        bench("DS after max: backup's " + (lag.find() ? "lag: " + lag.group(1) : "status: " + oneLine(status)));
        return rate;
    }

    // ---- 3. Redis on the same machine ----

    private void redis(long oursPerSecond) throws Exception {
        Path dir = Repo.freshDir("dsbench-redis");
        try (RedisPair redis = RedisPair.start(dir)) {
            // same shape as host:ds-load's entries: a path-like key and a small value
            long t0 = System.nanoTime();
            AtomicLong acked = new AtomicLong();
            long bad = redis.pipelineSets(MAX_COUNT, i -> "Bench/Max/f" + i / 1000 + "/e" + i,
                    i -> "Item n=" + i + " t=" + micros(), 0, acked);
            long written = System.nanoTime();
            awaitReplica(redis, MAX_COUNT);
            long done = System.nanoTime();
            long rate = Math.round(MAX_COUNT / secs(done - t0));
            bench(String.format("REDIS max: %d pipelined SETs acknowledged in %d ms = %.0f/s (%d not OK); "
                            + "replicated %d writes/s (first write to replica DBSIZE %d: %d ms, replica done %d ms "
                            + "after the last reply)", MAX_COUNT, ms(written - t0), MAX_COUNT / secs(written - t0),
                    bad, rate, MAX_COUNT, ms(done - t0), ms(done - written)));
            if (oursPerSecond > 0) {
                bench(String.format("RATIO ours/Redis replicated throughput: %d / %d = %.3f", oursPerSecond, rate,
                        (double) oursPerSecond / rate));
                BenchLog.row("DS writes replicated, as fast as possible (Redis without persistence)",
                        String.format("%,d/s", oursPerSecond), String.format("%,d/s", rate),
                        BenchLog.ratio(oursPerSecond, rate), "ratio >= 1");
            } else {
                bench("RATIO ours/Redis: not available (the DS max phase did not run)");
            }

            // the steady rate, for the time from the last write until the replica has everything
            redis.command(redis.primaryPort, "FLUSHALL");
            awaitReplica(redis, 0);
            int count = STEADY_RATE * STEADY_SECONDS;
            AtomicBoolean loading = new AtomicBoolean(true);
            CompletableFuture<long[]> probes = CompletableFuture
                    .supplyAsync(() -> redis.probeLag(20, 10 * STEADY_SECONDS * 50, loading::get));
            long s0 = System.nanoTime();
            try {
                redis.pipelineSets(count, i -> "Bench/Steady/f" + i / 1000 + "/e" + i,
                        i -> "Item n=" + i + " t=" + micros(), STEADY_RATE, new AtomicLong());
            } finally {
                loading.set(false);
            }
            long sWritten = System.nanoTime();
            long[] lag = probes.get(60, TimeUnit.SECONDS);
            awaitReplica(redis, count + lag.length);
            long sDone = System.nanoTime();
            bench(String.format("REDIS steady: %d SETs at %d/s written in %d ms = %.0f/s; replica done %d ms after "
                            + "the last reply (polling DBSIZE every 5 ms)", count, STEADY_RATE, ms(sWritten - s0),
                    count / secs(sWritten - s0), ms(sDone - sWritten)));
            Arrays.sort(lag);
            bench(lag.length == 0 ? "REDIS steady lag: no probes"
                    : String.format("REDIS steady lag (a probe SET every 20 ms until the replica has it): p50 %.2f ms, "
                            + "p99 %.2f ms, max %.2f ms over %d probes", lag[lag.length / 2] / 1e3,
                            lag[Math.min(lag.length - 1, lag.length * 99 / 100)] / 1e3, lag[lag.length - 1] / 1e3,
                            lag.length));
            BenchLog.row("DS steady " + STEADY_RATE + " writes/s: lag p99", steadyP99 == null ? "-" : steadyP99 + " ms",
                    lag.length == 0 ? "-" : String.format("%.2f ms",
                            lag[Math.min(lag.length - 1, lag.length * 99 / 100)] / 1e3), "-", "<= 5 ms");
        }
    }

    private static void awaitReplica(RedisPair redis, long count) {
        Awaitility.await("redis replica holds " + count + " keys").atMost(Duration.ofSeconds(120))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> redis.replicaDbSize() == count);
    }

    // ---- 4. resync of a 1,000,000-entry tree with 100 differences ----

    private void resync() {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dsbench-resync");
        Map<String, Map<String, String>> smallBacklog = Map.of("org.switchover.notifier",
                Map.of("stream.backlog.size", Integer.toString(SMALL_BACKLOG)));
        SwitchoverNode a = node(dir, "A", ports, smallBacklog);
        SwitchoverNode b = node(dir, "B", ports, Map.of());
        try {
            a.start(jvm(BIG_HEAP));
            a.awaitState("PRIMARY", Duration.ofSeconds(90));
            long f0 = System.nanoTime();
            for (int done = 0; done < BIG; done += FILL_CHUNK) {
                shell(a, "host:ds-fill Bench/Big/p" + done / FILL_CHUNK + " " + Math.min(FILL_CHUNK, BIG - done)
                        + " User");
            }
            long filled = System.nanoTime();
            String total = optional(a, "host:ds-bytes");
            bench(String.format("DS resync setup: %d entries filled on the primary in %d ms; tree bytes %s",
                    BIG, ms(filled - f0), total));

            int mark = b.logMark();
            long s0 = System.nanoTime();
            b.start(jvm(BIG_HEAP));
            b.awaitState("BACKUP", Duration.ofSeconds(90));
            awaitIdentical("initial full compare of " + BIG, a, b, null, compareDone(b, mark));
            long s1 = System.nanoTime();
            Matcher first = COMPARE_DONE.matcher(b.logSince(mark));
            bench("DS initial full compare (empty backup, " + BIG + " entries): " + ms(s1 - s0)
                    + " ms from the backup's start to identical; backup's log: "
                    + (first.find() ? "done in " + first.group(1) + " ms: " + first.group(2) : "no 'done' line"));

            b.kill();
            String touched = shell(a, "host:ds-touch Bench/Big " + TOUCHED);
            mark = b.logMark();
            long r0 = System.nanoTime();
            b.start(jvm(BIG_HEAP));
            b.awaitState("BACKUP", Duration.ofSeconds(90));
            awaitIdentical("resync after " + TOUCHED + " changes", a, b, null, compareDone(b, mark));
            long r1 = System.nanoTime();
            String log = b.logSince(mark);
            if (!log.contains("full compare with the primary")) {
                throw new IllegalStateException("the restarted backup resumed the stream instead of a full "
                        + "compare (stream.backlog.size " + SMALL_BACKLOG + " on the primary not in force?)");
            }
            Matcher done = COMPARE_DONE.matcher(log);
            String status = shell(b, "switchover:ds-status");
            String compareLine = status.lines().filter(l -> l.contains("full compare")).findFirst()
                    .orElse(oneLine(status));
            Matcher bytes = BYTES.matcher(compareLine);
            BenchLog.row("DS backup restart, " + BIG + " entries, 100 changed -> identical", ms(r1 - r0) + " ms",
                    "-", "-", "<= 1,000 ms");
            bench(String.format("DS resync: %d entries, %s; backup restart to identical %d ms; full compare "
                            + "(backup's log) %s; bytes moved %s of the tree's %s; status: %s",
                    BIG, touched.strip(), ms(r1 - r0),
                    done.find() ? done.group(1) + " ms: " + done.group(2) : "no 'done' line",
                    bytes.find() ? bytes.group(1) : "?", total, compareLine.strip()));
        } finally {
            stop(a);
            stop(b);
        }
    }

    // ---- helpers ----

    private SwitchoverNode node(Path dir, String letter, int[] ports, Map<String, Map<String, String>> extra) {
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        overrides.put("org.switchover.core", Map.of("manual.switch.only", "true"));
        overrides.putAll(extra);
        SwitchoverNode n = SwitchoverNode.create(dir, letter, ports, overrides);
        nodes.add(n);
        return n;
    }

    /**
     * SIGTERM (a flight recording asked for with dsbench.node.jvm is written at a clean exit only); kill -9 after
     * 20 s. A node that never started is left alone.
     */
    private static void stop(SwitchoverNode n) {
        if (n.process() != null && n.process().isAlive()) {
            n.stop();
        }
    }

    private static void startPair(SwitchoverNode a, SwitchoverNode b, String... jvm) {
        a.start(jvm);
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        b.start(jvm);
        b.awaitState("BACKUP", Duration.ofSeconds(90));
    }

    private void phase(String name, ThrowingRunnable r) {
        if (!PHASES.contains(name)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            r.run();
            bench("phase " + name + " took " + ms(System.nanoTime() - t0) + " ms; load average " + loadAverage());
        } catch (Throwable t) {
            failures.add(name + ": " + t);
            bench(name + " FAILED: " + t);
            t.printStackTrace(System.out);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Waits until the backup's subtree hash equals the primary's (polled every 50 ms over the control socket). */
    private static void awaitIdentical(String what, SwitchoverNode a, SwitchoverNode b, String path) {
        awaitIdentical(what, a, b, path, () -> true);
    }

    /**
     * Waits until the backup's subtree hash equals the primary's. A subtree hash right after many writes costs the
     * node real work (the changed folders are hashed again), so the hashes are compared only once {@code ready} says
     * the backup should be there (a cheap counter or log line, polled every 50 ms), and every 2 s in case that
     * signal never comes (the backup took another path, e.g. a full compare).
     */
    private static void awaitIdentical(String what, SwitchoverNode a, SwitchoverNode b, String path,
            BooleanSupplier ready) {
        String cmd = path == null ? "host:ds-hash" : "host:ds-hash " + path;
        long[] polls = {0};
        Awaitility.await(what + ": backup identical").atMost(SYNC_BOUND).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!ready.getAsBoolean() && ++polls[0] % 40 != 0) {
                        return false;
                    }
                    String hb = shell(b, cmd);
                    return hb.equals(shell(a, cmd));
                });
    }

    /** @return whether the backup's "messages applied" reached {@code before + count} */
    private static BooleanSupplier applied(SwitchoverNode b, String before, int count) {
        if (before == null) {
            return () -> true;
        }
        long target = Long.parseLong(before) + count;
        return () -> {
            String now = firstGroup(APPLIED, shell(b, "switchover:ds-status"));
            return now == null || Long.parseLong(now) >= target;
        };
    }

    /** @return whether the backup's log since {@code mark} has the line of a finished full compare */
    private static BooleanSupplier compareDone(SwitchoverNode b, int mark) {
        return () -> COMPARE_DONE.matcher(b.logSince(mark)).find();
    }

    /**
     * One Gogo command line through the node's control endpoint, over one loopback socket (what switchoverctl does,
     * without starting a JVM per call; the bench polls hashes every 50 ms).
     */
    static String shell(SwitchoverNode n, String line) {
        Path data = n.home().resolve("data");
        try {
            int port = Integer.parseInt(Files.readString(data.resolve("control.port")).trim());
            String token = Files.readString(data.resolve("control.token")).trim();
            ObjectNode req = JSON.createObjectNode().put("token", token).put("cmd", "shell").put("line", line);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 3000);
                s.setSoTimeout(90_000);
                s.getOutputStream().write((JSON.writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                JsonNode r = reply == null ? null : JSON.readTree(reply);
                if (r == null || !r.path("ok").asBoolean()) {
                    throw new IllegalStateException("node " + n.letter() + " refused '" + line + "': " + reply);
                }
                String out = r.path("output").asText();
                if (out.startsWith("error:") || out.startsWith("unknown command")) {
                    throw new IllegalStateException("node " + n.letter() + ": '" + line + "' → " + out.strip());
                }
                return out.strip();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("node " + n.letter() + ": '" + line + "'", e);
        }
    }

    private static String[] nodeJvm() {
        String extra = System.getProperty("dsbench.node.jvm", "").strip();
        return extra.isEmpty() ? new String[0] : extra.split("\\s+");
    }

    private static String[] jvm(String... options) {
        String[] all = Arrays.copyOf(options, options.length + NODE_JVM.length);
        System.arraycopy(NODE_JVM, 0, all, options.length, NODE_JVM.length);
        return all;
    }

    /** A command whose absence should not stop a phase: its output, or what went wrong. */
    private static String optional(SwitchoverNode n, String line) {
        try {
            return shell(n, line);
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    /** @return {count, millis} from {@code loaded <count> in <ms> ms (...)} */
    private static long[] loaded(String out) {
        Matcher m = LOADED.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("host:ds-load answered '" + out + "'");
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static String firstGroup(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String oneLine(String s) {
        return s.strip().replace('\n', '|');
    }

    /** Wall-clock microseconds, like the {@code t} attribute host:ds-load writes. */
    private static String micros() {
        return Long.toString(System.currentTimeMillis() * 1000);
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }


}
