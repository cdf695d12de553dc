package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.switchover.api.notifier.Link;
import org.switchover.api.time.SystemScheduler;
import org.switchover.it.support.Certs;
import org.switchover.it.support.PairSampler;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;
import org.switchover.notifier.internal.NotifierEngine;

/**
 * Issue 10's probes repeated against a real pair (two runtime-jar processes, fast profile, so a disturbed primary
 * would be switched away from within seconds): (a) 200 TLS connections authenticated by the pair's own authority
 * announcing huge frames or trickling partial ones; (b) a third party presenting node B's certificate while B is
 * connected; (c) slow and idle clients on the primary's control endpoint. Throughout, the backup must stay BACKUP and
 * the primary PRIMARY. Lines starting {@code PROBE} give the measured numbers.
 *
 * <p>The hostile clients connect from 127.0.0.2, a different source address than the real backup (127.0.0.1), as a
 * third host would: the per-address limit is then the attacker's alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileProbeSystemIT {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long MIB = 1024L * 1024L;

    private SwitchoverNode a;
    private SwitchoverNode b;
    private PairSampler sampler;
    private InetAddress attacker;
    private long classStart;

    @BeforeAll
    void startPair() throws IOException {
        classStart = System.currentTimeMillis();
        attacker = InetAddress.getByName("127.0.0.2");
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("HostileProbeSystemIT");
        a = SwitchoverNode.create(dir, "A", ports, Profiles.fastPatient());
        b = SwitchoverNode.create(dir, "B", ports, Profiles.fastPatient());
        a.start();
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        b.start();
        await("B backup with both links active").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode s = b.quickStatus();
                    return SwitchoverNode.backupLinked(s, "main", "aux") && s.path("automaticSwitch").asBoolean();
                });
        sampler = PairSampler.start(a, b, 300_000);
        System.out.printf("PROBE pair started in %.1f s (fast profile: a silent primary is switched away from within"
                + " about 5 s)%n", (System.currentTimeMillis() - classStart) / 1000.0);
    }

    @AfterAll
    void stopPair() {
        if (sampler != null) {
            sampler.close();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        System.out.printf("PROBE class HostileProbeSystemIT total runtime %.1f s%n",
                (System.currentTimeMillis() - classStart) / 1000.0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // (a) 200 authenticated connections with huge or partial frames
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void hugeAndPartialFramesFromAnAuthenticatedThirdPartyNeitherSwitchNorLeakMemory() throws Exception {
        Memory before = memoryAfterACollection();
        int mark = a.logMark();
        SSLContext tls = Certs.clientContext(Certs.probe());
        int port = notifierPort(a);
        int connections = 200;
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        AtomicLong longestOpen = new AtomicLong();
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Long> statusMillis = new ArrayList<>();
        Thread prober = new Thread(() -> {
            long deadline = System.currentTimeMillis() + 120_000;
            while (flooding.get() && System.currentTimeMillis() < deadline) {
                long t0 = System.nanoTime();
                JsonNode s = a.quickStatus();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                synchronized (statusMillis) {
                    statusMillis.add(s == null ? -1 : ms);
                }
                await().pollDelay(Duration.ofMillis(200)).until(() -> true);
            }
        }, "probe-status");
        prober.setDaemon(true);
        prober.start();

        long t0 = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(50, r -> {
            Thread t = new Thread(r, "probe-hostile");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            boolean huge = i % 2 == 0;
            done.add(pool.submit(() -> {
                String outcome = hostileFrame(tls, port, huge, longestOpen);
                outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
            }));
        }
        for (Future<?> f : done) {
            f.get(90, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        long floodMillis = System.currentTimeMillis() - t0;
        flooding.set(false);
        prober.join(5_000);

        Memory after = memoryAfterACollection();
        List<Long> answered;
        synchronized (statusMillis) {
            answered = new ArrayList<>(statusMillis);
        }
        long unanswered = answered.stream().filter(ms -> ms < 0).count();
        long slowest = answered.stream().mapToLong(Long::longValue).max().orElse(-1);
        String log = a.logSince(mark);
        long warnLines = log.lines().filter(l -> l.contains("WARN") && l.contains("otifier")).count();
        System.out.printf("PROBE (a) %d TLS connections (certificate CN=switchover-probe of the pair's authority, "
                        + "from 127.0.0.2), half announcing a 2 GiB frame, half trickling a partial frame a byte a "
                        + "second: over in %d ms; outcomes %s; longest held open %d ms%n", connections, floodMillis,
                outcomes, longestOpen.get());
        System.out.printf("PROBE (a) primary status during the flood: %d requests, %d unanswered, slowest %d ms%n",
                answered.size(), unanswered, slowest);
        System.out.printf("PROBE (a) primary memory before: %s%n", before);
        System.out.printf("PROBE (a) primary memory after:  %s%n", after);
        System.out.printf("PROBE (a) notifier WARN lines on A during the flood: %d (for %d refused connections)%n",
                warnLines, connections);

        assertPairUndisturbed("(a)");
        assertEquals(0, unanswered, "the primary answered every status request during the flood");
        assertTrue(longestOpen.get() < 20_000, "no hostile connection is held longer than the logon timeout allows: "
                + longestOpen.get() + " ms");
        assertTrue(after.directUsed <= before.directUsed + 16 * MIB, "direct memory back near baseline: " + before
                + " -> " + after);
        assertTrue(after.heapUsed <= before.heapUsed + 32 * MIB, "heap right after a collection back near baseline: "
                + before + " -> " + after);
        assertTrue(warnLines <= 20, "warnings are rate-limited: " + warnLines + " notifier WARN lines");
    }

    /**
     * One hostile connection: a frame header announcing 2 GiB (then some bytes), or a frame of 60,000 bytes of
     * which 100 come at once and then one a second. Returns how it ended; records how long the node kept it open.
     */
    private String hostileFrame(SSLContext tls, int port, boolean huge, AtomicLong longestOpen) {
        long t0 = System.currentTimeMillis();
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(LOOPBACK, port, attacker, 0)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            s.setSoTimeout(1000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            InputStream in = s.getInputStream();
            if (huge) {
                out.writeInt(Integer.MAX_VALUE - 8);
                out.write(new byte[4096]);
            } else {
                out.writeInt(60_000);
                out.write(new byte[100]);
            }
            out.flush();
            // wait for the node to hang up, one byte a second meanwhile; bounded to 30 s
            for (int second = 0; second < 30; second++) {
                try {
                    if (in.read() < 0) {
                        return closedAfter(t0, longestOpen, huge ? "huge: closed by node" : "partial: closed by node");
                    }
                } catch (SocketTimeoutException stillOpen) {
                    out.write(0);
                    out.flush();
                }
            }
            return closedAfter(t0, longestOpen, "still open after 30 s");
        } catch (IOException e) {
            return closedAfter(t0, longestOpen, (huge ? "huge: " : "partial: ") + "cut by node ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String closedAfter(long t0, AtomicLong longestOpen, String outcome) {
        longestOpen.accumulateAndGet(System.currentTimeMillis() - t0, Math::max);
        return outcome;
    }

    // ---------------------------------------------------------------------------------------------------------
    // (b) node B's certificate presented by a third party while B is connected
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(2)
    void aThirdPartyWithNodeBsCertificateIsRefusedWithAnAuditLine() {
        int mark = a.logMark();
        SystemScheduler scheduler = new SystemScheduler("probe-intruder");
        NotifierEngine intruder = PeerHarness.engine(scheduler, id -> null, notifierPort(a), Certs.node("B"));
        long t0 = System.currentTimeMillis();
        String audit;
        long firstAuditMillis;
        try {
            intruder.start();
            intruder.openPeerLinks();
            audit = a.awaitLog("org\\.switchover\\.audit.*Refused a second notifier (?:MAIN|AUX) logon as node B.*",
                    Duration.ofSeconds(20));
            firstAuditMillis = System.currentTimeMillis() - t0;
            // let it keep retrying (every 300 ms) for a few seconds: it must never get a link
            await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertTrue(!intruder.status(Link.MAIN).isActive() && !intruder.status(Link.AUX).isActive(),
                    "the intruder holds no link: " + intruder.status(Link.MAIN) + " / " + intruder.status(Link.AUX));
        } finally {
            intruder.close();
            scheduler.shutdown();
        }
        String log = a.logSince(mark);
        long refusals = log.lines().filter(l -> l.contains("Refused a second notifier")).count();
        System.out.printf("PROBE (b) a copy of B's certificate logging on as B while B is connected: refused, first "
                + "audit line after %d ms, %d refusal line(s) in %d ms of retries every 300 ms:%n  %s%n",
                firstAuditMillis, refusals, System.currentTimeMillis() - t0, audit.strip());
        assertTrue(audit.contains("certificate 'CN=switchover-B'"), audit);
        assertTrue(refusals <= 4, "refusals are rate-limited: " + refusals);
        JsonNode s = b.quickStatus();
        assertNotNull(s);
        assertEquals("ACTIVE", s.path("connections").path("main").asText(), "B keeps its MAIN link: " + s);
        assertEquals("ACTIVE", s.path("connections").path("aux").asText(), "B keeps its AUX link: " + s);
        assertPairUndisturbed("(b)");
    }

    // ---------------------------------------------------------------------------------------------------------
    // (c) slow and idle clients on the control endpoint
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void slowClientsOnTheControlEndpointDoNotDelayARealStatus() throws Exception {
        int port = a.controlPort();
        int slow = 40;
        int idle = 20;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger cut = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(slow + idle, r -> {
            Thread t = new Thread(r, "probe-slow-client");
            t.setDaemon(true);
            return t;
        });
        long deadline = System.currentTimeMillis() + 60_000;
        for (int i = 0; i < slow + idle; i++) {
            boolean trickle = i < slow;
            pool.execute(() -> {
                while (!stop.get() && System.currentTimeMillis() < deadline) {
                    if (slowClient(port, trickle, stop, deadline)) {
                        cut.incrementAndGet();
                    }
                }
            });
        }
        // let them occupy the endpoint first
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
        List<Long> quick = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                JsonNode r = a.statusReply();
                quick.add(r == null ? -1 : (System.nanoTime() - t0) / 1_000_000);
            }
            long t0 = System.nanoTime();
            SwitchoverNode.CtlResult ctl = a.ctl("status");
            long ctlMillis = (System.nanoTime() - t0) / 1_000_000;
            long t1 = System.nanoTime();
            SwitchoverNode.CtlResult ctlJson = a.ctl("status", "--json");
            long ctlJsonMillis = (System.nanoTime() - t1) / 1_000_000;
            stop.set(true);
            long slowest = quick.stream().mapToLong(Long::longValue).max().orElse(-1);
            System.out.printf("PROBE (c) %d slow clients (a byte every 1.5 s) and %d idle clients on the control "
                            + "endpoint: 10 status requests answered in %s ms (slowest %d ms); bin/switchoverctl "
                            + "status took %d ms and %d ms (JVM start included); slow/idle connections cut by the "
                            + "endpoint so far: %d%n", slow, idle, quick, slowest, ctlMillis, ctlJsonMillis,
                    cut.get());
            assertTrue(quick.stream().allMatch(ms -> ms >= 0 && ms < 1000), "every status answered within 1 s: "
                    + quick);
            assertEquals(0, ctl.exit(), ctl.out() + ctl.err());
            assertTrue(ctl.out().contains("PRIMARY"), ctl.out());
            assertEquals(0, ctlJson.exit(), ctlJson.out() + ctlJson.err());
        } finally {
            stop.set(true);
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        assertPairUndisturbed("(c)");
    }

    /**
     * One slow or idle client connection: connects, then either sends one byte of a request line every 1.5 s or
     * nothing, until the endpoint closes it or the test stops.
     *
     * @return true when the endpoint closed it
     */
    private static boolean slowClient(int port, boolean trickle, AtomicBoolean stop, long deadline) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 2000);
            s.setSoTimeout(1500);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] line = "{\"token\":\"00\",\"cmd\":\"status\"}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; !stop.get() && System.currentTimeMillis() < deadline; i++) {
                if (trickle) {
                    out.write(line[i % line.length]);
                    out.flush();
                }
                try {
                    in.read(); // end of stream, or the first byte of a refusal line: the endpoint hung up on us
                    return true;
                } catch (SocketTimeoutException stillOpen) {
                    // keep going
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private void assertPairUndisturbed(String probe) {
        List<PairSampler.Sample> samples = sampler.samples();
        List<PairSampler.Sample> bad = samples.stream()
                .filter(s -> !"PRIMARY".equals(s.a()) || !"BACKUP".equals(s.b())).toList();
        System.out.printf("PROBE %s pair samples so far: %d, with A not PRIMARY or B not BACKUP: %d%n", probe,
                samples.size(), bad.size());
        assertEquals(List.of(), bad.stream().limit(5).toList(), "A stays PRIMARY and B stays BACKUP");
        assertEquals("PRIMARY", a.state());
        assertEquals("BACKUP", b.state());
    }

    /** @return the notifier port {@code node} listens on, from its {@code org.switchover.node.cfg} */
    private static int notifierPort(SwitchoverNode node) {
        String key = "switchover.port." + node.letter().toLowerCase() + "=";
        try {
            for (String line : Files.readAllLines(node.home().resolve("etc/org.switchover.node.cfg"))) {
                if (line.startsWith(key)) {
                    return Integer.parseInt(line.substring(key.length()).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no notifier port for node " + node.letter());
    }

    /** What the status request reports about the primary's memory. */
    private record Memory(long heapUsed, long heapAfterGc, long directUsed, long directBuffers, long gcCount) {
        @Override
        public String toString() {
            return String.format("heap used right after a collection %.1f MiB (the pools' own"
                            + " after-collection figure %.1f MiB), direct %.1f MiB in %d buffers",
                    heapUsed / (double) MIB, heapAfterGc / (double) MIB, directUsed / (double) MIB, directBuffers);
        }
    }

    private Memory memory() {
        JsonNode r = a.statusReply();
        assertNotNull(r, "the primary answers status");
        JsonNode m = r.path("memory");
        return new Memory(m.path("heapUsed").asLong(), m.path("heapAfterLastGc").asLong(),
                m.path("directUsed").asLong(), m.path("directBuffers").asLong(), m.path("gcCount").asLong());
    }

    /**
     * The primary's memory right after a collection that happened now: status requests (each allocates its reply)
     * are sent until the node's collection count moves, bounded to 60 s.
     */
    private Memory memoryAfterACollection() {
        // the first sample after the count moved: heap used is then close to what survived the collection
        long gcs = memory().gcCount();
        Memory[] last = new Memory[1];
        await("a collection in the primary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    last[0] = memory();
                    return last[0].gcCount() > gcs;
                });
        return last[0];
    }
}
