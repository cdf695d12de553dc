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
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * DS (configuration tree) replication between two real nodes (two OS processes from the runtime jar). Entries are
 * written into the primary's reference-host store through the {@code host:ds-*} shell commands (in batch writes);
 * "identical" is checked by the Merkle root hash of both stores and the entry count below {@code Config} (the stores
 * also hold the replicated switchover configurations).
 */
class DsSyncSystemIT {

    private static final Duration SYNC_BOUND = Duration.ofSeconds(90);
    private static final Pattern RESUME = Pattern.compile("following stream 'dssync' after StreamPosition\\["
            + "replicationId=(\\S*), sequence=(\\d+)]");
    private static final Pattern COMPARE_DONE = Pattern.compile("full compare done in (\\d+) ms: compared \\d+, "
            + "transferred (\\d+), .* (\\d+) bytes moved in (\\d+) requests");
    private static final Pattern OPENED = Pattern.compile("Directory store \\S+ opened: (\\d+) entries");

    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(SwitchoverNode::close);
    }

    /** (a) 100,000 entries made on the primary before the backup starts: full compare, then streamed changes. */
    @Test
    void entriesCreatedOnThePrimaryAppearIdenticalOnTheBackup() {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dssync-pair");
        SwitchoverNode a = node(dir, "A", ports);
        SwitchoverNode b = node(dir, "B", ports);
        a.start();
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        ok(a, "host:ds-fill Config/Users 100000 User");
        ok(a, "host:ds-put Config/Workgroups/sales Workgroup Members=alice Members=bob Queue=yes");
        long t0 = System.nanoTime();
        int mark = b.logMark();
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        awaitIdentical("initial compare", a, b, 100_001);
        Matcher done = COMPARE_DONE.matcher(b.logSince(mark));
        assertTrue(done.find(), "the backup logs its full compare");
        System.out.println("DS system test (a): 100,001 entries by full compare in " + done.group(1) + " ms ("
                + (System.nanoTime() - t0) / 1_000_000 + " ms from the backup's start), " + done.group(3)
                + " bytes in " + done.group(4) + " requests");
        // the entries below Config, and the switchover configurations (ConfigAdmin replication)
        assertTrue(Long.parseLong(done.group(2)) >= 100_001, done.group());
        String status = ok(b, "switchover:ds-status");
        assertTrue(status.contains("last full compare: done (compared"), status);

        // steady state: every change streams
        ok(a, "host:ds-fill Config/Roles 10000 Role");
        ok(a, "host:ds-put Config/Workgroups/sales Workgroup Members=alice");
        ok(a, "host:ds-delete Config/Users/f0/e7");
        awaitIdentical("streamed changes", a, b, 110_000);
        assertEquals(ok(a, "host:ds-get Config/Workgroups/sales"), ok(b, "host:ds-get Config/Workgroups/sales"));
        assertTrue(ok(a, "switchover:ds-status").contains("primary, publishing stream 'dssync'"));
        status = ok(b, "switchover:ds-status");
        assertTrue(Pattern.compile("lag: last \\d+ ms, p50 \\d+ ms, p99 \\d+ ms over \\d+ messages").matcher(status)
                .find(), status);
        assertTrue(status.contains("messages applied: 10002"), status);
        System.out.println("DS system test (a): backup status after 10,002 streamed changes:\n" + status);
    }

    /** (b) 10,000 changes while the backup is down: it resumes the stream from its position, no full compare. */
    @Test
    void aKilledBackupResumesFromItsPositionAndEndsIdentical() {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dssync-resume");
        SwitchoverNode a = node(dir, "A", ports);
        SwitchoverNode b = node(dir, "B", ports);
        SwitchoverNode.startPair(a, b);
        ok(a, "host:ds-fill Config/Users 5000 User");
        awaitIdentical("before the kill", a, b, 5000);

        b.kill();
        ok(a, "host:ds-fill Config/Roles 7000 Role");
        assertEquals("touched 2998", ok(a, "host:ds-touch Config/Users 2998"));
        ok(a, "host:ds-delete Config/Users/f1/e1499");
        ok(a, "host:ds-put Config/Users/f0/e3 User Extension=4711");
        int mark = b.logMark();
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        awaitIdentical("after the restart", a, b, 11_999);

        String log = b.logSince(mark);
        Matcher m = RESUME.matcher(log);
        assertTrue(m.find(), "the backup names the position it resumes from");
        assertTrue(Long.parseLong(m.group(2)) > 0, "a persisted position, not a fresh start: " + m.group());
        assertFalse(log.contains("full compare with the primary"), "resumed from the stream, no full compare");
        assertTrue(ok(b, "host:ds-get Config/Users/f0/e3").contains("4711"));
        String status = ok(b, "switchover:ds-status");
        Matcher applied = Pattern.compile("messages applied: (\\d+)").matcher(status);
        assertTrue(applied.find(), status);
        assertTrue(Long.parseLong(applied.group(1)) >= 10_000, "the 10,000 changes came by the stream: " + status);
    }

    /**
     * (c) More changes than the primary's backlog (1,000) while the backup is down: a full compare, which moves a
     * small fraction of the tree.
     */
    @Test
    void aBackupBehindTheBacklogRunsAFullCompareMovingLittle() {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dssync-backlog");
        Map<String, Map<String, String>> small = Map.of("org.switchover.notifier",
                Map.of("stream.backlog.size", "1000"));
        SwitchoverNode a = node(dir, "A", ports, Map.of(), small);
        SwitchoverNode b = node(dir, "B", ports, Map.of(), small);
        a.start();
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        ok(a, "host:ds-fill Config/Users 100000 User");
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        awaitIdentical("before the kill", a, b, 100_000);

        b.kill();
        // 1,500 rewrites spread evenly: every folder of 1,000 entries differs, the backlog holds only 1,000
        assertEquals("touched 1500", ok(a, "host:ds-touch Config/Users 1500"));
        int mark = b.logMark();
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        awaitIdentical("after the full compare", a, b, 100_000);
        String log = b.logSince(mark);
        assertTrue(log.contains("full compare with the primary"), "outside the backlog: a full compare");
        Matcher done = COMPARE_DONE.matcher(log);
        assertTrue(done.find(), "the backup logs its full compare");
        long moved = Long.parseLong(done.group(3));
        long tree = Long.parseLong(ok(a, "host:ds-bytes"));
        System.out.printf(java.util.Locale.ROOT, "DS system test (c): full compare after 1500 changes moved %d bytes"
                + " in %s requests for a tree of %d bytes (%.1f %%), %s entries transferred, %s ms%n", moved,
                done.group(4), tree, 100.0 * moved / tree, done.group(2), done.group(1));
        long transferred = Long.parseLong(done.group(2));
        // the 1,500 rewritten entries, and at most a few replicated configurations the restart touched
        assertTrue(transferred >= 1500 && transferred < 1550, "only the differing entries were written: "
                + transferred);
        assertTrue(moved < tree / 5, "moved " + moved + " bytes of a " + tree + "-byte tree");
    }

    /**
     * (e) kill -9 of the backup while it applies a long run of changes: its store reopens consistent and it
     * converges.
     */
    @Test
    void aBackupKilledWhileApplyingReopensConsistentAndConverges() throws Exception {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dssync-kill");
        SwitchoverNode a = node(dir, "A", ports);
        SwitchoverNode b = node(dir, "B", ports);
        SwitchoverNode.startPair(a, b);
        ok(a, "host:ds-put Config/Users/first User");
        awaitIdentical("before the load", a, b, 1);

        // 60,000 entries at 6,000/s in writes of 1,000: the backup applies them for about ten seconds
        CompletableFuture<String> load = CompletableFuture.supplyAsync(
                () -> ok(a, "host:ds-load Config/Load 60000 6000 1000"));
        int midway = await("the backup is applying the load").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Integer.parseInt(ok(b, "host:ds-count Config/Load")), n -> n > 1000);
        b.kill();
        assertFalse(load.isDone(), "the primary was still writing when the backup was killed");
        assertTrue(midway < 60_000, "mid-apply: " + midway + " of 60,000");
        assertTrue(load.get(60, java.util.concurrent.TimeUnit.SECONDS).startsWith("loaded 60000"));

        int mark = b.logMark();
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        Matcher m = OPENED.matcher(b.logSince(mark));
        assertTrue(m.find(), "the restarted backup logs its store's opening");
        int reopened = Integer.parseInt(m.group(1));
        System.out.println("DS system test (e): killed at " + midway + "+ entries applied, reopened with " + reopened
                + " entries");
        assertTrue(reopened >= midway + 1, "every write the backup had made durable survived: " + reopened + " < "
                + midway);
        awaitIdentical("after the restart", a, b, 60_001);
        String log = b.logSince(mark);
        assertFalse(log.contains(" ERROR "), "no error after the restart:\n" + log);
    }

    @Test
    void aSwitchoverParameterSetOnThePrimaryTakesEffectOnTheBackup() {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dssync-config");
        Map<String, String> dssync = Map.of("configadmin.replication", "true");
        SwitchoverNode a = node(dir, "A", ports, dssync);
        SwitchoverNode b = node(dir, "B", ports, dssync);
        SwitchoverNode.startPair(a, b);
        assertTrue(ok(b, "switchover:ds-status").contains("DS request timeout: 120 s"));

        a.configure("org.switchover.dssync", Map.of("switchover.ds.request.timeout", "77"));
        await("the primary's DS Request Timeout in force on the backup").atMost(SYNC_BOUND)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> ok(b, "switchover:ds-status").contains("DS request timeout: 77 s"));
        assertTrue(b.logSince(0).contains("org.switchover.dssync updated from the primary"));
    }

    private SwitchoverNode node(Path dir, String letter, int[] ports) {
        return node(dir, letter, ports, Map.of());
    }

    private SwitchoverNode node(Path dir, String letter, int[] ports, Map<String, String> dssync) {
        return node(dir, letter, ports, dssync, Map.of());
    }

    private SwitchoverNode node(Path dir, String letter, int[] ports, Map<String, String> dssync,
            Map<String, Map<String, String>> more) {
        Map<String, Map<String, String>> cfg = new java.util.HashMap<>(more);
        cfg.put("org.switchover.core", Map.of("manual.switch.only", "true"));
        cfg.put("org.switchover.dssync", dssync);
        SwitchoverNode n = SwitchoverNode.create(dir, letter, ports, cfg);
        nodes.add(n);
        return n;
    }

    private static String ok(SwitchoverNode n, String line) {
        return n.shellOk(line);
    }

    private static void awaitIdentical(String what, SwitchoverNode a, SwitchoverNode b, int count) {
        await(what + ": backup store identical").atMost(SYNC_BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> ok(b, "host:ds-count Config").equals(Integer.toString(count))
                        && ok(a, "host:ds-hash").equals(ok(b, "host:ds-hash")));
    }
}
