package org.switchover.it.bench;

import static org.switchover.it.bench.BenchLog.bench;
import static org.switchover.it.bench.BenchLog.loadAverage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * The cost of synchronous DS replication ({@code switchover.replication.mode=sync}) against async on one pair of real
 * nodes, the mode switched live on both between phases. Per mode:
 * <ul>
 * <li>one-entry writes back to back on the primary's own thread ({@code host:ds-load ... 1}: each is one store
 * commit, and in sync mode one round trip to the backup's durable apply) → writes/s and mean latency;</li>
 * <li>batches of 100 ({@code host:ds-load ... 100}) → entries/s;</li>
 * <li>single puts through the control endpoint ({@code host:ds-put}, what a client sees, the endpoint's own round
 * trip included) → p50 / p99 latency.</li>
 * </ul>
 * Prints {@code BENCH} lines with the load average; asserts nothing about speed. Run:
 * <pre>
 * mvn -B verify -Pbench -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=SyncReplicationBench
 * grep BENCH it-tests/target/failsafe-reports/org.switchover.it.bench.SyncReplicationBench-output.txt
 * </pre>
 */
class SyncReplicationBench {

    private static final Pattern LOADED = Pattern.compile("loaded (\\d+) in (\\d+) ms");
    private static final int SINGLES = Integer.getInteger("syncbench.singles", 5000);
    private static final int BATCHED = Integer.getInteger("syncbench.batched", 100_000);
    private static final int PUTS = Integer.getInteger("syncbench.puts", 1000);

    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(SwitchoverNode::close);
    }

    @Test
    void syncAgainstAsync() {
        bench("sync replication: load average at start: " + loadAverage());
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("syncbench");
        SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, Profiles.fast());
        SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, Profiles.fast());
        nodes.add(a);
        nodes.add(b);
        a.start("-Xmx2g");
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        b.start("-Xmx2g");
        b.awaitBackupLinked(Duration.ofSeconds(90), "main");
        // warm-up (both JITs, the stream)
        DsSyncBench.shell(a, "host:ds-load warm 20000 1000000 1");
        for (String mode : List.of("async", "sync", "async", "sync")) {
            setMode(a, b, mode);
            String tag = mode + "-" + System.nanoTime() % 100000;
            String one = DsSyncBench.shell(a, "host:ds-load single/" + tag + " " + SINGLES + " 10000000 1");
            Matcher m = LOADED.matcher(one);
            if (m.find()) {
                long ms = Long.parseLong(m.group(2));
                bench(String.format(Locale.ROOT, "sync replication: mode %s, one-entry writes: %d in %d ms = %.0f"
                        + " writes/s, mean %.3f ms per write (load %s)", mode, SINGLES, ms, SINGLES * 1000.0 / ms,
                        (double) ms / SINGLES, loadAverage()));
            }
            String batched = DsSyncBench.shell(a, "host:ds-load batch/" + tag + " " + BATCHED + " 10000000 100");
            m = LOADED.matcher(batched);
            if (m.find()) {
                long ms = Long.parseLong(m.group(2));
                bench(String.format(Locale.ROOT, "sync replication: mode %s, batches of 100: %d entries in %d ms ="
                        + " %.0f entries/s (load %s)", mode, BATCHED, ms, BATCHED * 1000.0 / ms, loadAverage()));
            }
            long[] lat = new long[PUTS];
            for (int i = 0; i < PUTS; i++) {
                long t = System.nanoTime();
                DsSyncBench.shell(a, "host:ds-put put/" + tag + "/e" + i + " Item v=" + i);
                lat[i] = System.nanoTime() - t;
            }
            Arrays.sort(lat);
            bench(String.format(Locale.ROOT, "sync replication: mode %s, %d puts through the control endpoint:"
                    + " p50 %.2f ms, p99 %.2f ms, max %.2f ms (load %s)", mode, PUTS, lat[PUTS / 2] / 1e6,
                    lat[PUTS * 99 / 100] / 1e6, lat[PUTS - 1] / 1e6, loadAverage()));
            bench("sync replication: primary's DS status after mode " + mode + ": "
                    + DsSyncBench.shell(a, "switchover:ds-status").replace('\n', ' '));
        }
        bench("sync replication: load average at end: " + loadAverage());
    }

    private static void setMode(SwitchoverNode a, SwitchoverNode b, String mode) {
        for (SwitchoverNode n : List.of(a, b)) {
            n.configure("org.switchover.dssync", Map.of("switchover.replication.mode", mode));
        }
        Awaitility.await("replication mode " + mode).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> DsSyncBench.shell(a, "switchover:ds-status").contains("replication mode: " + mode));
    }
}
