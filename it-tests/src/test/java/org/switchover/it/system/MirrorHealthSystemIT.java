package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * The File Monitor health check between two real nodes (spec sections 8 and 13.1): when the primary's file monitor
 * is stopped (an explicit failure) or hung (no answer), the backup's status turns to "file replication stopped"
 * within interval + timeout, {@code switchoverctl switch} on the backup prints the warning and does not switch
 * without acceptance, a restarted monitor clears the warning, and with acceptance the switch happens and its audit
 * line names the warning.
 */
class MirrorHealthSystemIT {

    private static final int INTERVAL_S = 2;
    private static final int TIMEOUT_S = 1;
    /** Interval + timeout, plus room for a switchoverctl JVM start and polling on a loaded 2-core machine. */
    private static final Duration DETECTION_BOUND = Duration.ofSeconds(INTERVAL_S + TIMEOUT_S + 4);

    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(SwitchoverNode::close);
    }

    @Test
    void aStoppedOrHungFileMonitorWarnsAndTheManualSwitchNeedsAcceptance() throws IOException {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("mirror-health");
        Files.createDirectories(dir.resolve("A-tree/mirror/res"));
        Files.createDirectories(dir.resolve("B-tree/mirror/res"));
        SwitchoverNode a = node(dir, "A", ports);
        SwitchoverNode b = node(dir, "B", ports);
        SwitchoverNode.startPair(a, b);
        await("first health answer").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> b.shell("switchover:mirror-status").out().contains("Health: ok"));
        assertEquals(List.of(), b.warnings(), "no warning while the file monitor answers");

        // 1. stopped monitor: the primary answers "not running" at the next check
        long t0 = System.nanoTime();
        SwitchoverNode.CtlResult stop = a.shell("switchover:mirror-monitor stop");
        assertEquals(0, stop.exit(), stop.err());
        assertTrue(stop.out().contains("File monitor stopped"), stop.out());
        awaitWarning(b, "stopped monitor");
        System.out.printf("HEALTH stopped monitor -> backup warning after %d ms (bound %d s)%n",
                (System.nanoTime() - t0) / 1_000_000, DETECTION_BOUND.toSeconds());
        String mirrorStatus = b.shell("switchover:mirror-status").out();
        assertTrue(mirrorStatus.contains("Health: file replication stopped (the file monitor is not running"),
                mirrorStatus);
        SwitchoverNode.CtlResult text = b.ctl("status");
        assertTrue(text.out().contains("WARNING") && text.out().contains("file replication")
                && text.out().contains("stopped"), text.out());

        // 2. the manual switch warns and does nothing without acceptance (--yes alone is not acceptance)
        SwitchoverNode.CtlResult refused = b.ctl("switch", "--yes");
        assertEquals(5, refused.exit(), refused.out() + "\n" + refused.err());
        assertTrue(refused.out().contains("WARNING: This backup's copy of the primary's files may be stale: file "
                + "replication from the primary has stopped"), refused.out());
        assertTrue(refused.err().contains("Recent changes on the primary (what the warnings name) may be missing on this node"), refused.err());
        assertEquals("BACKUP", b.state());
        assertEquals("PRIMARY", a.state());

        // 3. the monitor comes back: the next check clears the warning
        SwitchoverNode.CtlResult start = a.shell("switchover:mirror-monitor start");
        assertTrue(start.out().contains("File monitor started"), start.out());
        await("warning cleared").atMost(DETECTION_BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> List.of().equals(b.warnings()));
        assertTrue(b.shell("switchover:mirror-status").out().contains("Health: ok"));

        // 4. hung monitor: no answer, the timeout decides
        long t1 = System.nanoTime();
        SwitchoverNode.CtlResult hang = a.shell("switchover:mirror-monitor hang");
        assertTrue(hang.out().contains("File monitor stalled"), hang.out());
        awaitWarning(b, "hung monitor");
        System.out.printf("HEALTH hung monitor -> backup warning after %d ms (bound %d s)%n",
                (System.nanoTime() - t1) / 1_000_000, DETECTION_BOUND.toSeconds());
        assertTrue(b.warnings().get(0).contains("no answer within " + TIMEOUT_S + " s"),
                "the backup's own timeout decided: " + b.warnings());

        // 5. with acceptance the switch happens, and the audit line says what was accepted
        int mark = b.logMark();
        SwitchoverNode.CtlResult accepted = b.ctl("switch", "--yes", "--ignore-warnings");
        assertEquals(0, accepted.exit(), accepted.out() + "\n" + accepted.err());
        assertTrue(accepted.out().startsWith("Switched ("), accepted.out());
        b.awaitState("PRIMARY", Duration.ofSeconds(20));
        assertTrue(b.logSince(mark).contains("switched despite the warnings: This backup's copy of the primary's "
                + "files may be stale: file replication from the primary has stopped"), b.logSince(mark));
        assertEquals(List.of(), b.warnings(), "the new primary follows nobody: no replication warning");
    }

    private static void awaitWarning(SwitchoverNode b, String what) {
        await("backup warns (" + what + ")").atMost(DETECTION_BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> b.warnings() != null && b.warnings().stream()
                        .anyMatch(w -> w.contains("file replication from the primary has stopped")));
    }

    private SwitchoverNode node(Path dir, String letter, int[] ports) {
        SwitchoverNode n = SwitchoverNode.create(dir, letter, ports, Map.of(
                "org.switchover.core", Map.of("manual.switch.only", "true"),
                "org.switchover.mirror", Map.of("mirror.base.dir", dir.resolve(letter + "-tree").toString(),
                        "custom.mirror.dir", "+/mirror/res",
                        "switchover.file.monitor.health.check.interval", String.valueOf(INTERVAL_S),
                        "switchover.file.monitor.health.check.timeout", String.valueOf(TIMEOUT_S))));
        nodes.add(n);
        return n;
    }
}
