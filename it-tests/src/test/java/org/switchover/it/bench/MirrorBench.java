package org.switchover.it.bench;

import static org.switchover.it.bench.BenchLog.loadAverage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.switchover.it.support.FileTrees;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * Directory mirror speed between two real nodes on this machine, against {@code rsync -a} over loopback.
 * <ol>
 * <li>Initial mirror: 10,000 files, 1 GiB in all (most files a few KiB, some hundreds of KiB, a few tens of MiB), five
 * directory levels under a {@code +} root on the primary; the backup starts with an empty tree. Timed from the
 * backup's first comparison to its end (both from the backup's log), then the trees are checked identical (size,
 * mtime, SHA-256). In the same run the same tree is copied by {@code rsync -a rsync://127.0.0.1:<port>/mod/} from an
 * {@code rsync --daemon} on a free loopback port, into an empty directory; both times and the ratio are printed.
 * <li>Change to replica latency: {@value #LATENCY_FILES} small files written one at a time on the primary, each timed
 * until it is complete on the backup (polled every millisecond); p50 and p99 printed.
 * <li>One file of {@value #BIG_MIB} MiB written on the primary, timed until complete on the backup (the write
 * included), against {@code rsync -a} of that one file.
 * </ol>
 * Not part of the default test run (needs rsync, takes minutes, writes 3 GiB and removes them again):
 * {@code mvn -B verify -Pbench -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=MirrorBench}. Prints {@code BENCH} lines, never fails on a number. {@code MIRROR_BENCH_JFR=1} in the
 * environment adds a flight recording of each node.
 */
class MirrorBench {

    private static final int FILES = 10_000;
    private static final long TOTAL_BYTES = 1L << 30;
    private static final int LATENCY_FILES = 200;
    private static final int BIG_MIB = 128;

    @Test
    void initialMirrorAgainstRsyncAndChangeLatency() throws Exception {
        Path dir = Repo.freshDir("mirror-bench");
        List<SwitchoverNode> nodes = new ArrayList<>();
        Process rsyncd = null;
        try {
            Path treeA = dir.resolve("A-tree");
            Path treeB = dir.resolve("B-tree");
            Path source = treeA.resolve("bench/data");
            Path replica = treeB.resolve("bench/data");
            long t = System.nanoTime();
            long bytes = generate(source);
            System.out.printf("BENCH mirror tree: %d files, %d bytes, written in %.1f s; load average %s%n", FILES,
                    bytes, (System.nanoTime() - t) / 1e9, loadAverage());

            int[] ports = SwitchoverNode.freePorts();
            SwitchoverNode a = node(nodes, dir, "A", ports, treeA);
            SwitchoverNode b = node(nodes, dir, "B", ports, treeB);
            a.start(profiling(dir, "A"));
            a.awaitState("PRIMARY", Duration.ofSeconds(120));
            long started = System.nanoTime();
            double cpuA0 = cpuSeconds(a.process().pid());
            b.start(profiling(dir, "B"));
            b.awaitState("BACKUP", Duration.ofSeconds(120));
            String done = b.awaitLog("Mirror: \\+/bench/data: .* files to fetch.*", Duration.ofMinutes(15));
            double mirrorWall = (System.nanoTime() - started) / 1e9;
            String log = b.logSince(0);
            double mirrorSecs = secondsBetween(log, "Mirror: comparing every continuously mirrored root",
                    "Mirror: +/bench/data: ");
            double cpuA = cpuSeconds(a.process().pid()) - cpuA0;
            double cpuB = cpuSeconds(b.process().pid());
            dumpRecordings(dir, a, b);
            assertEquals(FileTrees.listing(source), FileTrees.listing(replica),
                    "the backup's tree equals the primary's");
            System.out.printf("BENCH mirror initial copy: %.2f s from the backup's first comparison to its end "
                    + "(%.1f s from the backup's process start, JVM and framework start included); %s%n",
                    mirrorSecs, mirrorWall, done.substring(done.indexOf("Mirror:")));
            System.out.printf("BENCH mirror initial copy CPU: primary %.1f s, backup %.1f s (its JVM and framework "
                    + "start included)%n", cpuA, cpuB);

            Path rsyncCopy = dir.resolve("rsync-copy");
            Files.createDirectories(rsyncCopy);
            int port = SwitchoverNode.freePorts()[0];
            rsyncd = startRsyncDaemon(dir, source, port);
            long self = ProcessHandle.current().pid();
            double rsyncCpu0 = childrenCpuSeconds(self) + childrenCpuSeconds(rsyncd.pid());
            long r0 = System.nanoTime();
            Process rsync = new ProcessBuilder("rsync", "-a", "rsync://127.0.0.1:" + port + "/mod/",
                    rsyncCopy.toString() + "/").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("rsync.log").toFile()).start();
            if (!rsync.waitFor(10, TimeUnit.MINUTES) || rsync.exitValue() != 0) {
                throw new IllegalStateException("rsync failed: " + Files.readString(dir.resolve("rsync.log")));
            }
            double rsyncSecs = (System.nanoTime() - r0) / 1e9;
            Process daemon = rsyncd;
            await("rsync daemon's connection process reaped").atMost(10, TimeUnit.SECONDS)
                    .until(() -> daemon.children().findAny().isEmpty());
            double rsyncCpu = childrenCpuSeconds(self) + childrenCpuSeconds(rsyncd.pid()) - rsyncCpu0;
            assertEquals(FileTrees.listing(source), FileTrees.listing(rsyncCopy),
                    "rsync's copy equals the primary's tree");
            System.out.printf("BENCH rsync CPU: client and daemon %.1f s%n", rsyncCpu);
            System.out.printf("BENCH mirror vs rsync: mirror %.2f s, rsync -a over loopback %.2f s, ratio %.2f "
                    + "(mirror / rsync); load average %s%n", mirrorSecs, rsyncSecs, mirrorSecs / rsyncSecs,
                    loadAverage());
            BenchLog.row("mirror: initial " + FILES + " files", String.format("%.2f s", mirrorSecs),
                    String.format("rsync -a %.2f s", rsyncSecs), BenchLog.ratio(mirrorSecs, rsyncSecs), "ratio <= 1");
            FileTrees.deleteTree(rsyncCopy);

            long[] latency = new long[LATENCY_FILES];
            Random random = new Random(3);
            Path live = source.resolve("live");
            Files.createDirectories(live);
            await("live directory on the backup").atMost(30, TimeUnit.SECONDS)
                    .until(() -> Files.isDirectory(replica.resolve("live")));
            for (int i = 0; i < LATENCY_FILES; i++) {
                byte[] content = new byte[1024 + random.nextInt(8192)];
                random.nextBytes(content);
                Path target = replica.resolve("live/change-" + i + ".bin");
                long w = System.nanoTime();
                Files.write(live.resolve("change-" + i + ".bin"), content);
                await("change " + i + " on the backup").atMost(30, TimeUnit.SECONDS)
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> FileTrees.sizeOrMinusOne(target) == content.length);
                latency[i] = System.nanoTime() - w;
            }
            Arrays.sort(latency);
            System.out.printf("BENCH mirror change -> replica latency: %d single-file writes, p50 %.1f ms, p99 %.1f "
                    + "ms, max %.1f ms; load average %s%n", LATENCY_FILES, latency[LATENCY_FILES / 2] / 1e6,
                    latency[LATENCY_FILES * 99 / 100] / 1e6, latency[LATENCY_FILES - 1] / 1e6, loadAverage());
            BenchLog.row("mirror: change -> replica p99", String.format("%.1f ms",
                    latency[LATENCY_FILES * 99 / 100] / 1e6), "-", "-", "<= 50 ms");

            // one large file, the case the transfer was first measured on (128 MiB: 17.4 s before pipelining)
            Path big = source.resolve("big/one.bin");
            Files.createDirectories(big.getParent());
            byte[] block = new byte[1 << 20];
            random.nextBytes(block);
            long w = System.nanoTime();
            try (OutputStream out = Files.newOutputStream(big)) {
                for (int i = 0; i < BIG_MIB; i++) {
                    block[0] = (byte) i;
                    out.write(block);
                }
            }
            Path bigCopy = replica.resolve("big/one.bin");
            await("the large file on the backup").atMost(5, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(20))
                    .until(() -> FileTrees.sizeOrMinusOne(bigCopy) == (long) BIG_MIB << 20);
            double bigSecs = (System.nanoTime() - w) / 1e9;
            Files.createDirectories(rsyncCopy);
            long r1 = System.nanoTime();
            Process one = new ProcessBuilder("rsync", "-a", "rsync://127.0.0.1:" + port + "/mod/big/",
                    rsyncCopy.toString() + "/").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("rsync-big.log").toFile()).start();
            if (!one.waitFor(5, TimeUnit.MINUTES) || one.exitValue() != 0) {
                throw new IllegalStateException("rsync failed: " + Files.readString(dir.resolve("rsync-big.log")));
            }
            double rsyncBigSecs = (System.nanoTime() - r1) / 1e9;
            assertEquals(FileTrees.sha(big), FileTrees.sha(bigCopy), "the large file arrived identical");
            System.out.printf("BENCH mirror one %d MiB file: %.2f s from the primary's write to complete on the "
                    + "backup, rsync -a %.2f s, ratio %.2f; load average %s%n", BIG_MIB, bigSecs, rsyncBigSecs,
                    bigSecs / rsyncBigSecs, loadAverage());
            BenchLog.row("mirror: one " + BIG_MIB + " MiB file", String.format("%.2f s", bigSecs),
                    String.format("rsync -a %.2f s", rsyncBigSecs), BenchLog.ratio(bigSecs, rsyncBigSecs),
                    "ratio <= 1");
        } finally {
            nodes.forEach(SwitchoverNode::close);
            if (rsyncd != null) {
                rsyncd.destroy();
                rsyncd.waitFor(10, TimeUnit.SECONDS);
            }
            FileTrees.deleteTree(dir.resolve("A-tree"));
            FileTrees.deleteTree(dir.resolve("B-tree"));
            FileTrees.deleteTree(dir.resolve("rsync-copy"));
        }
    }

    /**
     * Writes {@value #FILES} files of {@value #TOTAL_BYTES} bytes in all: sizes drawn log-uniformly from three bands
     * (80 % small, 18 % medium, 2 % large) and scaled to the total, in {@code d<n>/e<n>/f<n>/g<n>} directories (five levels under the
     * root). Content: slices of a random pool, each stamped with the file's number, so no two files are equal.
     *
     * @return the bytes written
     */
    private static long generate(Path root) throws IOException {
        Random random = new Random(42);
        double[] raw = new double[FILES];
        double sum = 0;
        for (int i = 0; i < FILES; i++) {
            double kind = random.nextDouble();
            // log-uniform within three bands: 80 % small (512 B - 64 KiB), 18 % medium (- 2 MiB), 2 % large (- 32 MiB)
            double lo = kind < 0.80 ? 512 : kind < 0.98 ? 64 << 10 : 2 << 20;
            double hi = kind < 0.80 ? 64 << 10 : kind < 0.98 ? 2 << 20 : 32 << 20;
            raw[i] = Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)));
            sum += raw[i];
        }
        byte[] pool = new byte[40 << 20];
        random.nextBytes(pool);
        long written = 0;
        for (int i = 0; i < FILES; i++) {
            long size = i == FILES - 1 ? TOTAL_BYTES - written : Math.max(1, (long) (raw[i] * TOTAL_BYTES / sum));
            size = Math.max(1, Math.min(size, TOTAL_BYTES - written - (FILES - 1 - i)));
            Path p = root.resolve("d" + i % 4 + "/e" + i / 4 % 5 + "/f" + i / 20 % 5 + "/g" + i / 100 % 10
                    + "/file-" + i + ".dat");
            Files.createDirectories(p.getParent());
            try (OutputStream out = Files.newOutputStream(p)) {
                byte[] stamp = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
                out.write(stamp, 0, (int) Math.min(stamp.length, size));
                long left = size - Math.min(stamp.length, size);
                int at = random.nextInt(pool.length / 2);
                while (left > 0) {
                    int n = (int) Math.min(left, pool.length - at);
                    out.write(pool, at, n);
                    left -= n;
                    at = 0;
                }
            }
            written += size;
        }
        return written;
    }

    /**
     * With the environment variable {@code MIRROR_BENCH_JFR=1} each node records a Java Flight Recording, dumped
     * to {@code <letter>.jfr} in the bench's directory right after the initial copy, to see where the time goes.
     */
    private static String[] profiling(Path dir, String letter) {
        if (!"1".equals(System.getenv("MIRROR_BENCH_JFR"))) {
            return new String[0];
        }
        return new String[] {"-XX:StartFlightRecording=settings=profile"};
    }

    private static void dumpRecordings(Path dir, SwitchoverNode... nodes) throws IOException, InterruptedException {
        if (!"1".equals(System.getenv("MIRROR_BENCH_JFR"))) {
            return;
        }
        for (SwitchoverNode n : nodes) {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(n.process().pid()), "JFR.dump", "filename=" + dir.resolve(n.letter() + ".jfr"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve(n.letter() + "-jcmd.log").toFile())
                    .start();
            jcmd.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static Process startRsyncDaemon(Path dir, Path source, int port) throws IOException {
        org.switchover.it.support.Programs.require("rsync", "rsync");
        Path conf = dir.resolve("rsyncd.conf");
        Files.writeString(conf, String.join("\n",
                "pid file = " + dir.resolve("rsyncd.pid"),
                "use chroot = false",
                "uid = " + System.getProperty("user.name"),
                "log file = " + dir.resolve("rsyncd.log"),
                "[mod]",
                "    path = " + source,
                "    read only = true",
                ""));
        Process p = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--config=" + conf, "--address=127.0.0.1",
                "--port=" + port).redirectErrorStream(true).redirectOutput(dir.resolve("rsyncd.out").toFile())
                .start();
        await("rsync daemon listening on " + port).atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
        return p;
    }

    private static SwitchoverNode node(List<SwitchoverNode> nodes, Path dir, String letter, int[] ports,
                                       Path tree) {
        SwitchoverNode n = SwitchoverNode.create(dir, letter, ports, Map.of(
                "org.switchover.core", Map.of("manual.switch.only", "true"),
                "org.switchover.mirror", Map.of("mirror.base.dir", tree.toString(), "custom.mirror.dir", "+/bench/data",
                        "switchover.file.monitor.health.check.interval", "0")));
        nodes.add(n);
        return n;
    }

    /** @return seconds between the first log line containing {@code from} and the next one containing {@code to} */
    private static double secondsBetween(String log, String from, String to) {
        int i = log.indexOf(from);
        int j = log.indexOf(to, i);
        if (i < 0 || j < 0) {
            throw new IllegalStateException("log lacks '" + from + "' or '" + to + "'");
        }
        return (stamp(log, j) - stamp(log, i)) / 1e3;
    }

    /** @return the millisecond of day of the log line around {@code at} (lines start "yyyy-MM-dd HH:mm:ss.SSS") */
    private static long stamp(String log, int at) {
        int start = log.lastIndexOf('\n', at) + 1;
        String time = log.substring(start + 11, start + 23);
        return java.time.LocalTime.parse(time).toNanoOfDay() / 1_000_000;
    }

    /** @return CPU seconds (user + system) the process used so far, from /proc; -1 where there is none */
    private static double cpuSeconds(long pid) {
        return procStat(pid, 11) + procStat(pid, 12);
    }

    /** @return CPU seconds of the process's children that ended and were waited for */
    private static double childrenCpuSeconds(long pid) {
        return procStat(pid, 13) + procStat(pid, 14);
    }

    /** @return field {@code index} after the command name of /proc/pid/stat (11-14: utime, stime, cutime, cstime) in s */
    private static double procStat(long pid, int index) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[index]) / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

}
