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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * DS (configuration tree) replication between two real nodes (two OS processes from the runtime jar). Entries are
 * written into the primary's reference-host store through the {@code host:ds-*} shell commands; "identical" is
 * checked by the Merkle root hash of both stores and the entry count under {@code Config} (the tree also holds
 * the replicated switchover configurations under {@code ${SWITCHOVER}/ConfigAdmin}). Scaled down from the issue's
 * 100,000 entries to 10,000 (initial compare) + 2,000 (stream) to keep each test well under two minutes on two cores: every write is
 * one MVStore commit (about 1 ms here) on each side.
 */
class DsSyncSystemIT {

    private static final Duration SYNC_BOUND = Duration.ofSeconds(60);
    private static final Pattern RESUME = Pattern.compile("following stream 'dssync' after StreamPosition\\["
            + "replicationId=(\\S*), sequence=(\\d+)]");

    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(SwitchoverNode::close);
    }

    @Test
    void entriesCreatedOnThePrimaryAppearIdenticalOnTheBackup() {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dssync-pair");
        SwitchoverNode a = node(dir, "A", ports);
        SwitchoverNode b = node(dir, "B", ports);
        a.start();
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        ok(a, "host:ds-fill Config/Users 10000 User");
        ok(a, "host:ds-put Config/Workgroups/sales Workgroup Members=alice Members=bob Queue=yes");
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        awaitIdentical("initial compare", a, b, 10001);
        String status = ok(b, "switchover:ds-status");
        assertTrue(status.contains("last full compare: done (compared"), status);

        // steady state: every change streams
        ok(a, "host:ds-fill Config/Roles 2000 Role");
        ok(a, "host:ds-put Config/Workgroups/sales Workgroup Members=alice");
        ok(a, "host:ds-delete Config/Users/f0/e7");
        awaitIdentical("streamed changes", a, b, 12000);
        assertEquals(ok(a, "host:ds-get Config/Workgroups/sales"), ok(b, "host:ds-get Config/Workgroups/sales"));
        assertTrue(ok(a, "switchover:ds-status").contains("primary, publishing stream 'dssync'"));
    }

    @Test
    void aKilledBackupResumesFromItsPositionAndEndsIdentical() {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dssync-resume");
        SwitchoverNode a = node(dir, "A", ports);
        SwitchoverNode b = node(dir, "B", ports);
        a.start();
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        ok(a, "host:ds-fill Config/Users 1500 User");
        awaitIdentical("before the kill", a, b, 1500);

        b.kill();
        ok(a, "host:ds-fill Config/Roles 700 Role");
        ok(a, "host:ds-delete Config/Users/f1/e1499");
        ok(a, "host:ds-put Config/Users/f0/e3 User Extension=4711");
        int mark = b.logMark();
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
        awaitIdentical("after the restart", a, b, 2199);

        String log = b.logSince(mark);
        Matcher m = RESUME.matcher(log);
        assertTrue(m.find(), "the backup names the position it resumes from");
        assertTrue(Long.parseLong(m.group(2)) > 0, "a persisted position, not a fresh start: " + m.group());
        assertFalse(log.contains("full compare with the primary"), "resumed from the stream, no full compare");
        assertTrue(ok(b, "host:ds-get Config/Users/f0/e3").contains("4711"));
    }

    @Test
    void aSwitchoverParameterSetOnThePrimaryTakesEffectOnTheBackup() {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("dssync-config");
        Map<String, String> dssync = Map.of("configadmin.replication", "true");
        SwitchoverNode a = node(dir, "A", ports, dssync);
        SwitchoverNode b = node(dir, "B", ports, dssync);
        a.start();
        a.awaitState("PRIMARY", Duration.ofSeconds(90));
        b.start();
        b.awaitState("BACKUP", Duration.ofSeconds(90));
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
        SwitchoverNode n = SwitchoverNode.create(dir, letter, ports, Map.of(
                "org.switchover.core", Map.of("manual.switch.only", "true"),
                "org.switchover.dssync", dssync));
        nodes.add(n);
        return n;
    }

    private static String ok(SwitchoverNode n, String line) {
        SwitchoverNode.CtlResult r = n.shell(line);
        assertEquals(0, r.exit(), line + ": " + r.err());
        assertFalse(r.out().startsWith("error:"), line + ": " + r.out());
        return r.out();
    }

    private static void awaitIdentical(String what, SwitchoverNode a, SwitchoverNode b, int count) {
        await(what + ": backup store identical").atMost(SYNC_BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> ok(b, "host:ds-count Config").equals(Integer.toString(count))
                        && ok(a, "host:ds-hash").equals(ok(b, "host:ds-hash")));
    }
}
