package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.switchover.it.support.LogTime;
import org.switchover.it.support.PairSampler;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * Failover of a real pair: two runtime-jar processes on loopback ports, configured through their {@code .cfg} files,
 * checked the way an operator would (switchoverctl status JSON, audit lines in the node logs). Faults: kill -9 and
 * SIGSTOP/SIGCONT of the primary, the monitored module stopped or restarting too often, manual switches, manual-only
 * and force-backup modes, release differences, a live change of the TS timeout.
 *
 * <p>Most tests run the {@linkplain Profiles#fast() fast profile}; the kill -9 failover is also measured with the
 * default parameters. Lines starting {@code FAILOVER} (in {@code target/failsafe-reports/*FailoverSystemIT-output.txt})
 * give the measured times. Node logs: {@code target/system/<test>-*}.
 */
class FailoverSystemIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Pattern TO_PRIMARY = Pattern.compile("org\\.switchover\\.audit - State \\S+ -> PRIMARY");
    private static long classStart;

    private final List<SwitchoverNode> nodes = new ArrayList<>();
    private PairSampler sampler;
    private String testName;

    /** The two nodes of one test. */
    private record Pair(SwitchoverNode a, SwitchoverNode b) {
    }

    @BeforeAll
    static void startClock() {
        classStart = System.currentTimeMillis();
    }

    @AfterAll
    static void reportRuntime() {
        System.out.printf("FAILOVER class FailoverSystemIT total runtime %.1f s%n",
                (System.currentTimeMillis() - classStart) / 1000.0);
    }

    @org.junit.jupiter.api.BeforeEach
    void name(TestInfo info) {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
    }

    @AfterEach
    void killEverything() {
        if (sampler != null) {
            sampler.close();
        }
        // close(): SIGCONT (a stopped node must be able to die) then SIGKILL, bounded
        nodes.forEach(SwitchoverNode::close);
    }

    // =====================================================================================================
    // a. kill -9 of the primary
    // =====================================================================================================

    @Test
    void killedPrimaryIsReplacedWithDefaultParameters() {
        measureKill(Profiles.defaults(), "default parameters (reconnect timeout 30 s, primary monitor 5 s x 3)",
                Duration.ofSeconds(90), Duration.ofSeconds(3));
    }

    @Test
    void killedPrimaryIsReplacedWithTheFastProfile() {
        measureKill(Profiles.fast(), "fast profile (config-admin/profiles/fast)",
                Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    /**
     * @param peerQuery the profile's {@code peer.query.interval}: within one interval of B becoming primary (plus the
     *     polling and one loopback round trip) B's status shows its killed peer UNREACHABLE, never PRIMARY
     */
    private void measureKill(Map<String, Map<String, String>> profile, String label, Duration bound,
                             Duration peerQuery) {
        Pair p = startPair(profile, profile);
        JsonNode peerBefore = p.b().quickStatus().path("peer");
        assertEquals("PRIMARY", peerBefore.path("state").asText(), peerBefore.toString());
        assertEquals("REACHABLE", peerBefore.path("reachability").asText(), peerBefore.toString());
        int mark = p.b().logMark();
        long killedAt = System.currentTimeMillis();
        p.a().kill();
        p.b().awaitState("PRIMARY", bound);
        long seenPrimaryAt = System.currentTimeMillis();
        JsonNode[] peer = new JsonNode[1];
        await("B shows its killed peer unreachable").atMost(peerQuery.plusMillis(1_000))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    JsonNode st = p.b().quickStatus();
                    peer[0] = st == null ? null : st.path("peer");
                    return peer[0] != null && "UNREACHABLE".equals(peer[0].path("state").asText());
                });
        long unreachableAt = System.currentTimeMillis();
        assertEquals("UNREACHABLE", peer[0].path("reachability").asText(), peer[0].toString());
        assertEquals("PRIMARY", peer[0].path("lastKnownState").asText(), "the last known state stays: " + peer[0]);
        assertTrue(peer[0].path("lastAnswerSecondsAgo").asDouble() > 0, peer[0].toString());
        assertFalse(peer[0].path("lastQueryFailure").asText().isEmpty(), peer[0].toString());
        System.out.printf("FAILOVER kill -9 of the primary, %s: B's status shows A UNREACHABLE %d ms after B was"
                + " seen PRIMARY (peer query interval %d ms)%n", label, unreachableAt - seenPrimaryAt,
                peerQuery.toMillis());
        String log = p.b().logSince(mark);
        long primaryAt = LogTime.firstLine(log, TO_PRIMARY.pattern());
        long reconnectingAt = LogTime.firstLine(log, "org\\.switchover\\.audit - State BACKUP -> RECONNECTING");
        System.out.printf("FAILOVER kill -9 of the primary, %s: B PRIMARY %d ms after the kill"
                        + " (loss diagnosed after %d ms)%n", label, primaryAt - killedAt,
                reconnectingAt < 0 ? -1 : reconnectingAt - killedAt);
        assertTrue(primaryAt >= killedAt, "B became primary after the kill: " + primaryAt + " vs " + killedAt);
        assertTrue(log.contains("Switch reason: Loss of Connection to Notifier"), auditTail(log));
        assertTrue(log.contains("Switchover Service: Switch Initiated"), auditTail(log));
        JsonNode s = p.b().quickStatus();
        assertTrue(s.path("lastSwitchReason").asText().startsWith("Loss of Connection to Notifier"), s.toString());
        assertTrue(s.path("epoch").asLong() >= 2, "the new primary holds a higher epoch: " + s);
    }

    // =====================================================================================================
    // b. SIGSTOP / SIGCONT of the primary
    // =====================================================================================================

    @Test
    void stoppedPrimaryIsReplacedAndGoesStaleWhenItContinuesNeverTwoPrimaries() {
        Pair p = startPair(Profiles.fast(), Profiles.fast());
        sampler = PairSampler.start(p.a(), p.b(), 120_000);
        await("sampler running").atMost(Duration.ofSeconds(10)).until(() -> sampler.bothAnswered() >= 5);
        int markA = p.a().logMark();
        int markB = p.b().logMark();

        long stoppedAt = System.currentTimeMillis();
        p.a().process().signal("STOP");
        p.b().awaitState("PRIMARY", Duration.ofSeconds(30));
        long primaryAt = LogTime.firstLine(p.b().logSince(markB), TO_PRIMARY.pattern());
        System.out.printf("FAILOVER SIGSTOP of the primary, fast profile: B PRIMARY %d ms after the stop%n",
                primaryAt - stoppedAt);
        // leave A stopped while B re-sends DISCONTINUE a few times
        await("B primary for a while").pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                .until(() -> "PRIMARY".equals(p.b().state()));

        long continuedAt = System.currentTimeMillis();
        p.a().process().signal("CONT");
        p.a().awaitState("INACTIVE", Duration.ofSeconds(10));
        String logA = p.a().logSince(markA);
        long inactiveAt = LogTime.firstLine(logA, "org\\.switchover\\.audit - State PRIMARY -> INACTIVE");
        System.out.printf("FAILOVER SIGCONT of the old primary: A INACTIVE %d ms after it continued%n",
                inactiveAt - continuedAt);
        // keep sampling for a while after the dust settles
        await("both answer after SIGCONT").pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> sampler.first(continuedAt + 3_000, s -> s.a() != null && s.b() != null) != null);
        sampler.close();

        List<PairSampler.Sample> all = sampler.samples();
        List<PairSampler.Sample> both = sampler.twoPrimaries();
        System.out.printf("FAILOVER SIGSTOP sampling: %d samples, %d with both nodes answering, %d with two"
                + " PRIMARY%n", all.size(), sampler.bothAnswered(), both.size());
        assertTrue(both.isEmpty(), "two PRIMARY in one sample: " + both);
        assertTrue(sampler.bothAnswered() >= 20, "enough samples with both answering: " + sampler.bothAnswered());
        assertEquals("PRIMARY", p.b().state());
        JsonNode a = p.a().quickStatus();
        long epochB = p.b().quickStatus().path("epoch").asLong();
        assertEquals(epochB, a.path("peer").path("epoch").asLong(), "A learnt B's higher epoch: " + a);
        assertTrue(epochB > a.path("epoch").asLong(), a.toString());
        // "within one ping period": the fast profile's primary query period is 1 s
        assertTrue(inactiveAt - continuedAt <= 1_000, "A went INACTIVE " + (inactiveAt - continuedAt)
                + " ms after SIGCONT; expected within one ping period (1 s)");
        assertTrue(logA.contains("INACTIVE"), auditTail(logA));
    }

    // =====================================================================================================
    // c. module stopped on the primary
    // =====================================================================================================

    @Test
    void moduleStoppedOnThePrimarySwitchesWithTsPingFailure() {
        Pair p = startPair(Profiles.fast(), Profiles.fast());
        int markB = p.b().logMark();
        long stoppedAt = System.currentTimeMillis();
        SwitchoverNode.CtlResult r = p.a().shell("host:module-stop");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("STOPPED"), r.out());

        p.b().awaitState("PRIMARY", Duration.ofSeconds(40));
        String log = p.b().logSince(markB);
        System.out.printf("FAILOVER module stopped on the primary, fast profile: B PRIMARY %d ms after"
                + " host:module-stop returned%n", LogTime.firstLine(log, TO_PRIMARY.pattern()) - stoppedAt);
        assertTrue(log.contains("Switch reason: TS Ping Failure"), auditTail(log));
        assertTrue(log.contains("Switchover Service: Switch Initiated"), auditTail(log));
        assertEquals("TS Ping Failure", p.b().quickStatus().path("lastSwitchReason").asText());
        p.a().awaitState("INACTIVE", Duration.ofSeconds(10));
    }

    // =====================================================================================================
    // d. restart-window rule
    // =====================================================================================================

    @Test
    void moduleRestartedThreeTimesInsideTheRestartPeriodSwitches() {
        // Only the window rule (Max Restarts 2 in 300 s) may fire: the sequential rule is set out of reach.
        Map<String, Map<String, String>> b = Profiles.with(Profiles.fast(), "org.switchover.monitor.module",
                "switchover.max.sequential.restarts", "100");
        Profiles.with(b, "org.switchover.monitor.module", "switchover.max.restarts", "2");
        Profiles.with(b, "org.switchover.monitor.module", "switchover.max.restarts.period", "300");
        // the same on both nodes: the primary's switchover parameters replicate to the backup (ConfigAdmin adapter)
        Pair p = startPair(b, b);
        int markB = p.b().logMark();
        for (int i = 1; i <= 2; i++) {
            int before = p.b().logMark();
            assertEquals(0, p.a().shell("host:module-restart").exit());
            String expected = "module restarted \\(new incarnation \\d+\\): " + i + " restart\\(s\\) within 300 s";
            await("B sees restart " + i).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Pattern.compile(expected).matcher(p.b().logSince(before)).find());
            assertEquals("BACKUP", p.b().state(), "restart " + i + " is tolerated");
        }
        long thirdAt = System.currentTimeMillis();
        assertEquals(0, p.a().shell("host:module-restart").exit());
        p.b().awaitState("PRIMARY", Duration.ofSeconds(30));
        String log = p.b().logSince(markB);
        System.out.printf("FAILOVER third module restart within the period: B PRIMARY %d ms after the restart%n",
                LogTime.firstLine(log, TO_PRIMARY.pattern()) - thirdAt);
        assertTrue(log.contains("Module restarting too often: the TsServer module restarted 3 times within 300 s"),
                log.substring(Math.max(0, log.length() - 4000)));
        assertTrue(log.contains("Switch reason: TS Ping Failure"), auditTail(log));
        assertEquals("TS Ping Failure", p.b().quickStatus().path("lastSwitchReason").asText());
    }

    // =====================================================================================================
    // e. manual switch
    // =====================================================================================================

    @Test
    void manualSwitchFromTheShellAndFromSwitchoverctlAndTheOldPrimaryComesBackAsBackup() {
        Pair p = startPair(Profiles.fast(), Profiles.fast());
        SwitchoverNode a = p.a();
        SwitchoverNode b = p.b();

        // 1. switchover:switch --yes in B's shell: a controlled hand-off
        int markB = b.logMark();
        SwitchoverNode.CtlResult r = b.shell("switchover:switch --yes");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Switched (CONTROLLED"), r.out());
        assertEquals("PRIMARY", b.state(), "switched when the command returns");
        a.awaitState("INACTIVE", Duration.ofSeconds(5));
        String logB = b.logSince(markB);
        assertTrue(logB.contains("Switch reason: Manual Switchover"), auditTail(logB));
        assertEquals("Manual Switchover", b.quickStatus().path("lastSwitchReason").asText());
        System.out.printf("FAILOVER manual switch (shell, controlled): B PRIMARY %d ms after the request reached"
                + " the node%n", LogTime.firstLine(logB, TO_PRIMARY.pattern())
                - LogTime.firstLine(logB, "running shell command 'switchover:switch --yes'"));

        // 2. the stale A restarted comes back as backup
        a.kill();
        a.start();
        a.awaitState("BACKUP", START);
        awaitMonitoring(a);

        // 3. switchoverctl switch --yes --immediate on A: uncontrolled, at once
        int markA = a.logMark();
        long asked = System.currentTimeMillis();
        SwitchoverNode.CtlResult r2 = a.ctl("switch", "--yes", "--immediate");
        assertEquals(0, r2.exit(), r2.err());
        assertTrue(r2.out().startsWith("Switched (UNCONTROLLED"), r2.out());
        assertEquals("PRIMARY", a.state(), "switched when the command returns");
        b.awaitState("INACTIVE", Duration.ofSeconds(5));
        String logA = a.logSince(markA);
        assertTrue(logA.contains("Switch reason: Manual Switchover"), auditTail(logA));
        assertEquals("Manual Switchover", a.quickStatus().path("lastSwitchReason").asText());
        System.out.printf("FAILOVER manual switch (switchoverctl --immediate): A PRIMARY %d ms after switchoverctl"
                + " started (JVM start included)%n", LogTime.firstLine(logA, TO_PRIMARY.pattern()) - asked);

        b.kill();
        b.start();
        b.awaitState("BACKUP", START);
        assertEquals("PRIMARY", a.state());
    }

    // =====================================================================================================
    // f. manual-switch-only, force-backup
    // =====================================================================================================

    @Test
    void manualSwitchOnlyDoesNotSwitchWhenTheModuleStopsAndForceBackupStaysBackupAlone() {
        Map<String, Map<String, String>> manual = Profiles.with(Profiles.fast(), "org.switchover.core",
                "manual.switch.only", "true");
        Pair p = startPair(manual, manual, false);
        JsonNode s = p.b().quickStatus();
        assertTrue(s.path("manualSwitchOnly").asBoolean(), s.toString());
        assertFalse(s.path("automaticSwitch").asBoolean(), s.toString());
        // the connection lines and the monitor line come from one truth: no monitor speaks for the links here
        assertEquals("ACTIVE", s.path("connections").path("main").asText(), s.toString());
        assertEquals("ACTIVE", s.path("connections").path("aux").asText(), s.toString());
        String monitors = s.path("monitors").path("status").asText();
        assertTrue(monitors.startsWith("primary monitor not running (manual switch only)"), monitors);
        assertFalse(monitors.contains("down"), "the monitor line contradicts the connections: " + monitors);
        assertEquals(0, p.a().shell("host:module-stop").exit());
        // The fast profile switches on a stopped module within about 10 s; give it twice that.
        await("no switch in manual mode").during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(25))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "BACKUP".equals(p.b().state()) && "PRIMARY".equals(p.a().state()));
        assertFalse(p.b().logSince(0).contains("Switch Initiated"), "no switch in B's log");

        // Force backup: a node started alone stays backup.
        p.a().kill();
        p.b().kill();
        Path dir = Repo.freshDir(testName + "-alone");
        SwitchoverNode alone = SwitchoverNode.create(dir, "A", SwitchoverNode.freePorts(),
                Profiles.with(Profiles.fast(), "org.switchover.core", "force.backup", "true"));
        nodes.add(alone);
        alone.start();
        alone.awaitState("BACKUP", START);
        // a node without force-backup takes the fail-safe primary role after 3 silent queries (about 1 s here)
        await("forced backup stays backup").during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(12))
                .pollInterval(Duration.ofMillis(250)).until(() -> "BACKUP".equals(alone.state()));
        JsonNode st = alone.quickStatus();
        assertTrue(st.path("forceBackup").asBoolean(), st.toString());
        assertFalse(st.path("automaticSwitch").asBoolean(), "no automatic switch without a primary: " + st);
        assertEquals(0, st.path("epoch").asLong(), "never took the primary role: " + st);
    }

    // =====================================================================================================
    // g. peer on another release
    // =====================================================================================================

    @Test
    void peerOnAnotherReleaseIsAnUpgradeStateWithoutAutomaticSwitch() {
        Map<String, Map<String, String>> newer = Profiles.with(Profiles.fast(), "org.switchover.node",
                "switchover.version", "1.1.0");
        Pair p = startPair(Profiles.fast(), newer, false);
        assertEquals("UPGRADE_HIGHER", p.b().state());
        JsonNode s = p.b().quickStatus();
        assertEquals("1.0.0", s.path("peer").path("version").asText(), s.toString());
        assertFalse(s.path("automaticSwitch").asBoolean(), s.toString());
        assertEquals(0, p.a().shell("host:module-stop").exit());
        await("no switch in Upgrade Higher").during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "UPGRADE_HIGHER".equals(p.b().state()) && "PRIMARY".equals(p.a().state()));

        // B on an older release (the module on A is still stopped)
        p.b().kill();
        p.b().configure("org.switchover.node", Map.of("switchover.version", "0.9.0"));
        p.b().start();
        p.b().awaitState("UPGRADE_LOWER", START);
        assertFalse(p.b().quickStatus().path("automaticSwitch").asBoolean());
        await("no switch in Upgrade Lower").during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "UPGRADE_LOWER".equals(p.b().state()) && "PRIMARY".equals(p.a().state()));
        assertFalse(p.b().logSince(0).contains("Switch Initiated"), "no switch in B's log");
    }

    // =====================================================================================================
    // h. live change of the TS timeout
    // =====================================================================================================

    private static final Pattern PING_REPLY = Pattern.compile(
            "(?m)^(\\S+ \\S+) .*ModuleMonitorComponent - Reply from the TsServer module over MAIN");

    @Test
    void liveChangeOfTheTsTimeoutChangesThePingPeriodWithoutARestart() {
        Pair p = startPair(Profiles.fast(), Profiles.fast(), true,
                "-Dorg.slf4j.simpleLogger.log.org.switchover.monitor.module.internal.ModuleMonitorComponent=debug");
        SwitchoverNode b = p.b();
        long pid = b.process().pid();
        int mark = b.logMark();
        await("3 pings at 5 s").atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(200))
                .until(() -> replyTimes(b.logSince(mark)).size() >= 3);
        List<Long> before = gaps(replyTimes(b.logSince(mark)));

        int changed = b.logMark();
        b.configure("org.switchover.monitor.module", Map.of("switchover.ts.timeout", "8"));
        // FileInstall picks the edit up within its 1 s poll; the monitor logs its new parameters
        b.awaitLog("Module monitor parameters: module TsServer, timeout 8 s", Duration.ofSeconds(15));
        int after = b.logMark();
        await("3 pings at 8 s").atMost(Duration.ofSeconds(35)).pollInterval(Duration.ofMillis(200))
                .until(() -> replyTimes(b.logSince(after)).size() >= 3);
        List<Long> later = gaps(replyTimes(b.logSince(after)));
        System.out.printf("FAILOVER live TS Timeout change on the backup: ping spacing %s ms at 5 s, then %s ms at"
                + " 8 s%n", before, later);
        for (long g : before) {
            assertTrue(g >= 4_800 && g <= 5_600, "spacing at TS Timeout 5: " + before);
        }
        for (long g : later) {
            assertTrue(g >= 7_800 && g <= 8_600, "spacing at TS Timeout 8: " + later);
        }
        assertEquals(pid, b.process().pid(), "same process");
        assertTrue(b.process().isAlive());
        assertFalse(b.logSince(changed).contains("Module monitor started"), "the monitor was not restarted");
        assertEquals("BACKUP", b.state());
    }

    private static List<Long> replyTimes(String log) {
        Matcher m = PING_REPLY.matcher(log);
        List<Long> at = new ArrayList<>();
        while (m.find()) {
            at.add(LogTime.of(m.group()));
        }
        return at;
    }

    private static List<Long> gaps(List<Long> times) {
        List<Long> g = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            g.add(times.get(i) - times.get(i - 1));
        }
        return g;
    }

    // =====================================================================================================
    // helpers
    // =====================================================================================================

    private Pair startPair(Map<String, Map<String, String>> a, Map<String, Map<String, String>> b) {
        return startPair(a, b, true);
    }

    private Pair startPair(Map<String, Map<String, String>> a, Map<String, Map<String, String>> b,
                           boolean monitored, String... javaOptionsB) {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir(testName);
        SwitchoverNode na = SwitchoverNode.create(dir, "A", ports, a);
        SwitchoverNode nb = SwitchoverNode.create(dir, "B", ports, b);
        nodes.add(na);
        nodes.add(nb);
        na.start();
        na.awaitState("PRIMARY", START);
        nb.start(javaOptionsB);
        await("B backup with both links active").atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode s = nb.quickStatus();
            return s != null && !s.path("state").asText().equals("INIT")
                    && "ACTIVE".equals(s.path("connections").path("main").asText())
                    && "ACTIVE".equals(s.path("connections").path("aux").asText());
        });
        if (monitored) {
            awaitMonitoring(nb);
        }
        return new Pair(na, nb);
    }

    /** Waits until the backup's module monitor has had a reply from the primary's module. */
    private static void awaitMonitoring(SwitchoverNode backup) {
        await("module monitor of " + backup.letter() + " running").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    JsonNode s = backup.quickStatus();
                    String line = s == null ? "" : s.path("monitors").path("status").asText();
                    return s != null && s.path("automaticSwitch").asBoolean()
                            && line.matches(".*TsServer monitor running: .*incarnation \\d+.*");
                });
    }

    /** The audit lines of a log, for failure messages. */
    private static String auditTail(String log) {
        StringBuilder b = new StringBuilder("audit lines:\n");
        for (String line : log.split("\n")) {
            if (line.contains("org.switchover.audit")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }
}
