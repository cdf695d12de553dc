package org.switchover.it.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.time.SystemScheduler;
import org.switchover.it.support.Certs;
import org.switchover.it.support.Repo;
import org.switchover.notifier.internal.NotifierEngine;
import org.switchover.notifier.internal.NotifierSettings;
import org.switchover.recovery.internal.RecoveryBenchAccess;
import org.switchover.support.interaction.MemoryInteractionSource;

/**
 * Interaction recovery at size: the real recovery service (primary and backup sides, codec, wire) of two nodes over
 * two real notifier engines with mutual TLS on loopback, both in this JVM (so the backup's heap can be measured and
 * one clock times the lag). The host side is {@link MemoryInteractionSource} per channel, as in the reference host;
 * the interactions are {@link RecoveryBenchData}'s (mixed channels, realistic sizes). Phases:
 * <ol>
 * <li>sync: {@value #SYNC_DEFAULT} interactions on the primary, the backup starts empty → full synchronisation time
 * (target ≤ 3 s), once cold (the first in the JVM) and once warm (a fresh backup side);</li>
 * <li>changes: the same pair under load — {@code recoverybench.changes} changes as fast as two host threads make
 * them (replicated changes/s, lag p50/p99 from the host's commit to the backup's apply), then a steady
 * {@code recoverybench.rate}/s for {@code recoverybench.steady.seconds} (lag p50/p99);</li>
 * <li>promotion: what the changes created is released (removals on the stream), the primary stops, the backup
 * becomes primary → time to promote the {@value #SYNC_DEFAULT} shadows into its host (target ≤ 2 s);</li>
 * <li>redis: the steady phase's changes (key = interaction id, value = the encoded interaction) into a Redis primary
 * → replica pair ({@link RedisPair}) as fast as it takes them: replicated writes/s, the ratio ours / Redis; then at
 * the steady rate, its lag by probe;</li>
 * <li>million: a fresh pair, {@value #SHADOWS_DEFAULT} interactions, full sync, then the backup's retained heap
 * per shadow (heap used after a full GC, before and after; target ≤ 1 KiB) and the off-heap bytes.</li>
 * </ol>
 * CPU time, GC time and the load average are printed beside the wall times: both nodes share this JVM's cores
 * with whatever else runs on the machine. Run (3–4 minutes; prints {@code BENCH} lines, never fails on a number,
 * fails when a phase cannot complete):
 * <pre>
 * mvn -B verify -Pbench -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=RecoveryBench
 * grep BENCH it-tests/target/failsafe-reports/org.switchover.it.bench.RecoveryBench-output.txt
 * </pre>
 * Sizes: {@code recoverybench.sync}, {@code recoverybench.changes}, {@code recoverybench.rate},
 * {@code recoverybench.steady.seconds}, {@code recoverybench.shadows}; {@code recoverybench.phases} picks phases
 * ({@code sync,redis,million}; changes and promotion run with sync).
 */
class RecoveryBench {

    private static final int SYNC_DEFAULT = 100_000;
    private static final int SHADOWS_DEFAULT = 1_000_000;
    private static final int SYNC = Integer.getInteger("recoverybench.sync", SYNC_DEFAULT);
    private static final int SHADOWS = Integer.getInteger("recoverybench.shadows", SHADOWS_DEFAULT);
    private static final int CHANGES = Integer.getInteger("recoverybench.changes", 200_000);
    private static final int RATE = Integer.getInteger("recoverybench.rate", 5_000);
    private static final int STEADY_SECONDS = Integer.getInteger("recoverybench.steady.seconds", 10);
    private static final int WRITERS = 2;
    private static final List<String> PHASES = List.of(System.getProperty("recoverybench.phases",
            "sync,redis,million").split(","));
    private static final Duration BOUND = Duration.ofMinutes(5);

    private final RecoveryBenchData data = new RecoveryBenchData();
    /** The steady phase's changes, for Redis: key and value (the encoded interaction as ISO-8859-1 text). */
    private String[] redisKeys = new String[0];
    private String[] redisValues = new String[0];
    private long oursMaxRate = -1;

    @Test
    void recoveryAtSize() throws Exception {
        bench("load average at start: " + BenchLog.loadAverage() + "; max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        if (PHASES.contains("sync")) {
            syncChangesPromotion();
        }
        if (PHASES.contains("redis")) {
            redis();
        }
        if (PHASES.contains("million")) {
            million();
        }
        bench("load average at end: " + BenchLog.loadAverage());
    }

    // ---- sync, changes, promotion on one pair ----

    private void syncChangesPromotion() throws Exception {
        try (Pair pair = new Pair("recoverybench-sync")) {
            fill(pair, SYNC);
            pair.a.primary();
            for (String run : List.of("cold (the first in this JVM)", "warm (a fresh backup side, same JVM)")) {
                if (run.startsWith("warm")) {
                    pair.freshBackup();
                }
                long t0 = System.nanoTime();
                long cpu0 = processCpuNanos();
                long gc0 = gcMillis();
                pair.b.backup();
                awaitSynced(pair, SYNC);
                long ms = ms(System.nanoTime() - t0);
                long gc = gcMillis() - gc0;
                bench(String.format("full sync of %,d interactions, %s (mixed channels, %,d bytes encoded, avg %d B):"
                        + " %,d ms (target <= 3,000 ms) = %,.0f interactions/s; CPU of both nodes %,d ms, GC %,d ms;"
                        + " load average %s", SYNC, run, pair.b.shadowBytes(), pair.b.shadowBytes() / SYNC, ms,
                        SYNC * 1000.0 / ms, ms(processCpuNanos() - cpu0), gc, BenchLog.loadAverage()));
                BenchLog.row(String.format("recovery: full sync of %,d interactions, %s", SYNC, run),
                        String.format("%,d ms", ms), "-", "-", "<= 3,000 ms");
            }
            changes(pair);
            promotion(pair);
        }
    }

    private void changes(Pair pair) throws Exception {
        int count = CHANGES;
        long[] lags = new long[count + 1000];
        AtomicLong n = new AtomicLong();
        LongConsumer record = lag -> {
            long k = n.getAndIncrement();
            if (k < lags.length) {
                lags[(int) k] = lag;
            }
        };
        pair.bn.lags = record;
        pair.an.timing = true;
        long applied0 = pair.bn.applied.get();
        long t0 = System.nanoTime();
        long wrote = write(pair, count, 0, null);
        long written = System.nanoTime();
        await("backup applied " + count + " changes").atMost(BOUND).pollInterval(Duration.ofMillis(2))
                .until(() -> pair.bn.applied.get() - applied0 >= count);
        long done = System.nanoTime();
        oursMaxRate = Math.round(count / secs(done - t0));
        bench(String.format("changes as fast as %d host threads make them: %,d changes written in %,d ms = %,.0f/s;"
                + " replicated %,d changes/s (first write to the last applied on the backup %,d ms, backup done %,d"
                + " ms after the last write); lag from the host's commit to the backup's apply: %s", WRITERS, wrote,
                ms(written - t0), wrote / secs(written - t0), oursMaxRate, ms(done - t0), ms(done - written),
                percentiles(lags, (int) Math.min(n.get(), lags.length))));

        int steady = RATE * STEADY_SECONDS;
        n.set(0);
        long[] steadyLags = new long[steady + 1000];
        pair.bn.lags = lag -> {
            long k = n.getAndIncrement();
            if (k < steadyLags.length) {
                steadyLags[(int) k] = lag;
            }
        };
        redisKeys = new String[steady];
        redisValues = new String[steady];
        long applied1 = pair.bn.applied.get();
        long s0 = System.nanoTime();
        write(pair, steady, RATE, (k, i) -> {
            redisKeys[k] = i.id();
            redisValues[k] = new String(codecBytes(i), StandardCharsets.ISO_8859_1);
        });
        long sWritten = System.nanoTime();
        await("backup applied the steady changes").atMost(BOUND).pollInterval(Duration.ofMillis(2))
                .until(() -> pair.bn.applied.get() - applied1 >= steady);
        long sDone = System.nanoTime();
        pair.an.timing = false;
        bench(String.format("steady %,d changes/s for %d s: written in %,d ms = %,.0f/s, backup done %,d ms after"
                + " the last write; lag from the host's commit to the backup's apply: %s", RATE, STEADY_SECONDS,
                ms(sWritten - s0), steady / secs(sWritten - s0), ms(sDone - sWritten),
                percentiles(steadyLags, (int) Math.min(n.get(), steadyLags.length))));
    }

    /** Encoded size stand-in for Redis: the interaction as the recovery codec encodes it. */
    private static byte[] codecBytes(Interaction i) {
        return RecoveryBenchAccess.encode(i);
    }

    /** A change on the primary's host: each host thread works on its own interactions; 5 % are new ones. */
    interface Written {
        void accept(int k, Interaction now);
    }

    private long write(Pair pair, int count, int perSecond, Written seen) throws InterruptedException {
        AtomicLong total = new AtomicLong();
        AtomicLong next = new AtomicLong(SYNC);
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong sequence = new AtomicLong();
        for (int w = 0; w < WRITERS; w++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long t0 = System.nanoTime();
                int mine = 0;
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (true) {
                    int k = (int) sequence.getAndIncrement();
                    if (k >= count) {
                        break;
                    }
                    long n = r.nextInt(20) == 0 ? next.getAndIncrement() : r.nextInt(SYNC);
                    Interaction fresh = data.interaction(n);
                    MemoryInteractionSource src = pair.sourcesA.get(fresh.channel());
                    Interaction now = src.put(fresh.id(), old -> old == null ? fresh : data.change(old, k));
                    if (seen != null) {
                        seen.accept(k, now);
                    }
                    total.incrementAndGet();
                    mine++;
                    if (perSecond > 0 && mine % 50 == 0) {
                        long due = t0 + (long) (mine * 1e9 * WRITERS / perSecond);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            try {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }
            }, "host-writer-" + w);
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(BOUND.toMillis());
            assertTrue(!t.isAlive(), "host writer did not finish within " + BOUND);
        }
        return total.get();
    }

    /** Releases what the changes created (removals on the stream), then promotes the synchronised ones. */
    private void promotion(Pair pair) {
        long released = 0;
        for (MemoryInteractionSource src : pair.sourcesA.values()) {
            String created = RecoveryBenchData.id(src.channel(), SYNC);
            for (String id : List.copyOf(src.live().tailMap(created, true).keySet())) {
                released += src.release(id) ? 1 : 0;
            }
        }
        long live = pair.sourcesA.values().stream().mapToLong(InteractionSource::count).sum();
        bench(String.format("before the promotion: the %,d interactions the changes created released (removals on"
                + " the stream)", released));
        // the removals must have reached the backup before the primary stops publishing (a stopped publisher does
        // not serve the rest of its backlog)
        await("backup holds every live interaction").atMost(BOUND).until(() -> pair.b.shadows() == live);
        pair.a.none();
        long t0 = System.nanoTime();
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long gc0 = gcMillis();
        Map<Long, Long> allocated0 = allocatedBytes();
        pair.b.primary();
        long ms = ms(System.nanoTime() - t0);
        long cpu = ms(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0);
        long gc = gcMillis() - gc0;
        long allocated = allocatedBytes().entrySet().stream()
                .mapToLong(e -> e.getValue() - allocated0.getOrDefault(e.getKey(), 0L)).sum();
        long restored = pair.sourcesB.values().stream().mapToLong(InteractionSource::count).sum();
        assertEquals(live, restored, "every shadow restored into the new primary's host");
        bench(String.format("promotion of %,d shadows into the new primary's host (decode, promotion rule, restore):"
                + " %,d ms (target <= 2,000 ms for 100,000), CPU of the promoting thread %,d ms, GC %,d ms,"
                + " %,d MB allocated by this JVM's threads meanwhile; load average %s; %s", restored, ms, cpu, gc,
                allocated >> 20, BenchLog.loadAverage(), pair.b.lastReport()));
        BenchLog.row(String.format("recovery: promotion of %,d shadows", restored), String.format("%,d ms", ms), "-",
                "-", "<= 2,000 ms");
    }

    // ---- Redis ----

    private void redis() throws Exception {
        if (redisKeys.length == 0) {
            bench("REDIS: skipped (the changes phase did not run)");
            return;
        }
        Path dir = Repo.freshDir("recoverybench-redis");
        int count = redisKeys.length;
        try (RedisPair redis = RedisPair.start(dir)) {
            long t0 = System.nanoTime();
            long bad = redis.pipelineSets(count + 1, i -> i < count ? redisKeys[i] : "end",
                    i -> i < count ? redisValues[i] : "1", 0, new AtomicLong());
            long written = System.nanoTime();
            awaitReplicaHas(redis, "end");
            long done = System.nanoTime();
            long rate = Math.round(count / secs(done - t0));
            bench(String.format("REDIS same changes (%,d SETs of the encoded interactions, avg %d B) pipelined: "
                    + "acknowledged in %,d ms, replicated %,d writes/s (replica done %,d ms after the last reply);"
                    + " %d not OK", count, Arrays.stream(redisValues).mapToLong(String::length).sum() / count,
                    ms(written - t0), rate, ms(done - written), bad));
            bench(oursMaxRate > 0 ? String.format("RATIO ours/Redis replicated changes/s: %,d / %,d = %.3f",
                    oursMaxRate, rate, (double) oursMaxRate / rate) : "RATIO: not available");
            BenchLog.row("recovery: changes replicated, as fast as 2 host threads write (Redis without persistence)",
                    String.format("%,d/s", oursMaxRate), String.format("%,d/s", rate),
                    BenchLog.ratio(oursMaxRate, rate), "-");

            redis.command(redis.primaryPort, "FLUSHALL");
            AtomicBoolean loading = new AtomicBoolean(true);
            java.util.concurrent.CompletableFuture<long[]> probes = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> redis.probeLag(20, 50 * STEADY_SECONDS * 2, loading::get));
            long s0 = System.nanoTime();
            try {
                redis.pipelineSets(count, i -> redisKeys[i], i -> redisValues[i], RATE, new AtomicLong());
            } finally {
                loading.set(false);
            }
            long[] lag = probes.get(60, TimeUnit.SECONDS);
            Arrays.sort(lag);
            bench(String.format("REDIS steady %,d SETs/s for %d s: written in %,d ms; lag (a probe SET every 20 ms "
                    + "until the replica has it): %s", RATE, STEADY_SECONDS, ms(System.nanoTime() - s0),
                    lag.length == 0 ? "no probes" : String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d "
                    + "probes", lag[lag.length / 2] / 1e3, lag[Math.min(lag.length - 1, lag.length * 99 / 100)] / 1e3,
                    lag[lag.length - 1] / 1e3, lag.length)));
        }
    }

    private static void awaitReplicaHas(RedisPair redis, String key) {
        await("redis replica has " + key).atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                .until(() -> "1".equals(redis.command(redis.replicaPort, "EXISTS", key)));
    }

    // ---- a million shadows ----

    private void million() throws Exception {
        redisKeys = new String[0];
        redisValues = new String[0];
        try (Pair pair = new Pair("recoverybench-million")) {
            long f0 = System.nanoTime();
            fill(pair, SHADOWS);
            bench(String.format("million: %,d interactions put on the primary's host in %,d ms", SHADOWS,
                    ms(System.nanoTime() - f0)));
            pair.a.primary();
            long heap0 = heapAfterGc();
            long direct0 = offHeap();
            long t0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            pair.b.backup();
            awaitSynced(pair, SHADOWS);
            long ms = ms(System.nanoTime() - t0);
            long cpu = ms(processCpuNanos() - cpu0);
            long heap1 = heapAfterGc();
            long direct1 = offHeap();
            long bytes = pair.b.shadowBytes();
            bench(String.format("full sync of %,d interactions: %,d ms = %,.0f interactions/s; CPU of both nodes %,d"
                    + " ms; load average %s", SHADOWS, ms, SHADOWS * 1000.0 / ms, cpu, BenchLog.loadAverage()));
            bench(String.format("%,d concurrent shadows on the backup (mixed channels, %,d bytes encoded, avg %d B):"
                    + " retained heap %,d MiB = %,d B per shadow (target <= 1,024 B); off-heap (direct + mapped)"
                    + " %,d MiB = %,d B per shadow", SHADOWS, bytes, bytes / SHADOWS, (heap1 - heap0) >> 20,
                    (heap1 - heap0) / SHADOWS, (direct1 - direct0) >> 20, (direct1 - direct0) / SHADOWS));
            BenchLog.row(String.format("recovery: heap per shadow, %,d shadows", SHADOWS),
                    String.format("%,d B", (heap1 - heap0) / SHADOWS), "-", "-", "<= 1,024 B");
            bench("backup status: " + pair.b.status().replace('\n', ' '));
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int k = 0; k < 3; k++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** @return CPU time of this JVM (both nodes, the bench's host threads included) */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** @return per live thread of this JVM, the bytes it allocated so far (a thread that ends meanwhile is left out) */
    private static Map<Long, Long> allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> out = new java.util.HashMap<>();
        for (int k = 0; k < ids.length; k++) {
            if (bytes[k] >= 0) {
                out.put(ids[k], bytes[k]);
            }
        }
        return out;
    }

    /** @return milliseconds this JVM spent in garbage collections so far */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static long offHeap() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    // ---- plumbing ----

    private void fill(Pair pair, int count) {
        for (int n = 0; n < count; n++) {
            Interaction i = data.interaction(n);
            pair.sourcesA.get(i.channel()).put(i.id(), old -> i);
        }
    }

    private static void awaitSynced(Pair pair, long count) {
        await("backup synchronised " + count).atMost(BOUND).pollInterval(Duration.ofMillis(5))
                .until(() -> pair.b.synced() && pair.b.shadows() == count);
    }

    /**
     * A channel as its bundle binds it: enabled, and the interface's defaults (every interaction shadowed, the
     * shared promotion rule: by state, whole transcript). Not {@code RecoveryChannelBase} itself: that one reads its
     * enabling parameter through the generated metatype, which only a bundle has.
     */
    private record BenchChannel(Channel channel, InteractionSource source) implements RecoveryChannel {
        @Override
        public boolean enabled() {
            return true;
        }
    }

    /** Node A (primary) and node B (backup): engines, recovery services, one host source per channel each. */
    private static final class Pair implements AutoCloseable {
        final SystemScheduler scheduler = new SystemScheduler("recoverybench-scheduler");
        final Map<String, RequestHandler> handlersA = new ConcurrentHashMap<>();
        final Map<String, RequestHandler> handlersB = new ConcurrentHashMap<>();
        final NotifierEngine engineA;
        final NotifierEngine engineB;
        final TimedNotifier an;
        final TimedNotifier bn;
        final RecoveryBenchAccess a;
        RecoveryBenchAccess b;
        final Map<Channel, MemoryInteractionSource> sourcesA = new EnumMap<>(Channel.class);
        final Map<Channel, MemoryInteractionSource> sourcesB = new EnumMap<>(Channel.class);

        Pair(String name) {
            Repo.freshDir(name);
            engineA = new NotifierEngine(settings(NodeId.A, 0, 1).build(), scheduler, handlersA::get, null);
            engineA.start();
            engineB = new NotifierEngine(settings(NodeId.B, engineA.boundPort(), 0).build(), scheduler,
                    handlersB::get, null);
            engineB.start();
            engineB.openPeerLinks();
            await("links up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> engineB.status(Link.MAIN).isActive() && engineB.status(Link.AUX).isActive());
            Map<String, Map<Long, Long>> published = new ConcurrentHashMap<>();
            an = new TimedNotifier(engineA, published);
            bn = new TimedNotifier(engineB, published);
            a = new RecoveryBenchAccess(an, handlersA);
            b = new RecoveryBenchAccess(bn, handlersB);
            for (Channel c : Channel.values()) {
                sourcesA.put(c, new MemoryInteractionSource(c));
                sourcesB.put(c, new MemoryInteractionSource(c));
                a.channel(new BenchChannel(c, sourcesA.get(c)));
                b.channel(new BenchChannel(c, sourcesB.get(c)));
            }
        }

        /** Replaces the backup's recovery service by a fresh one (no shadows, no position: a full sync next). */
        void freshBackup() {
            b.close();
            b = new RecoveryBenchAccess(bn, handlersB);
            sourcesB.forEach((c, s) -> b.channel(new BenchChannel(c, s)));
        }

        private static NotifierSettings.Builder settings(NodeId node, int portA, int portB) {
            return NotifierSettings.builder().node(node).serverA("127.0.0.1").serverB("127.0.0.1").portA(portA)
                    .portB(portB).reconnectDelay(Duration.ofMillis(300)).connectTimeout(Duration.ofSeconds(2))
                    .keystore(Certs.node(node == NodeId.A ? "A" : "B")).truststore(Certs.groupTrust());
        }

        @Override
        public void close() {
            a.close();
            b.close();
            engineB.close();
            engineA.close();
            scheduler.shutdown();
        }
    }

    private static String percentiles(long[] nanos, int n) {
        if (n == 0) {
            return "no samples";
        }
        long[] s = Arrays.copyOf(nanos, n);
        Arrays.sort(s);
        return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms over %,d messages", s[n / 2] / 1e6,
                s[Math.min(n - 1, n * 99 / 100)] / 1e6, s[n - 1] / 1e6, n);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static void bench(String line) {
        System.out.println("BENCH recovery " + line);
    }
}
