package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * The runtime jar as an operator runs it: two nodes, two OS processes, real sockets and TLS. B's main and auxiliary
 * connections to A come up Active; a kill -9 of A turns both Not Connected and B retries every reconnect delay,
 * logging "attempt #n"; A started again brings both back to Active. B runs manual-switch-only here so that it keeps
 * reconnecting instead of taking over (failover is FailoverSystemIT's subject).
 */
class RuntimePairIT {

    private static final Pattern ATTEMPT = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3})\\S* .*Connection to notifier \\S+ \\((MAIN|AUX)\\) "
                    + "failed; attempt #(\\d+)", Pattern.MULTILINE);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(SwitchoverNode::close);
    }

    @Test
    void linksComeUpGoDownWithTheirReconnectAttemptsAndComeBack() {
        int[] ports = SwitchoverNode.freePorts();
        var dir = Repo.freshDir("runtime-pair");
        // manual-switch-only on both: the primary's switchover parameters replicate to the backup
        Map<String, Map<String, String>> manual = Map.of("org.switchover.core", Map.of("manual.switch.only", "true"));
        SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, manual);
        SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, manual);
        nodes.add(a);
        nodes.add(b);
        a.start();
        await("A primary").atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> "PRIMARY".equals(a.state()));
        b.start();
        await("B backup with both links Active").atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> links(b).equals("ACTIVE/ACTIVE") && "BACKUP".equals(b.state()));
        SwitchoverNode.CtlResult status = b.ctl("status", "--json");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("\"main\":\"ACTIVE\""), status.out());

        a.kill();
        await("both links Not Connected").atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(() -> links(b).equals("NOT_CONNECTED/NOT_CONNECTED"));
        // three attempts on each link, one reconnect delay (5 s by default) apart
        await("attempt #3 on both links").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> attempts(b, "MAIN").size() >= 3 && attempts(b, "AUX").size() >= 3);
        for (String link : List.of("MAIN", "AUX")) {
            List<LocalDateTime> at = attempts(b, link);
            for (int i = 1; i < 3; i++) {
                long gap = Duration.between(at.get(i - 1), at.get(i)).toMillis();
                assertTrue(gap >= 4_500 && gap <= 7_000, link + " attempts #" + i + " and #" + (i + 1) + " are "
                        + gap + " ms apart, expected one reconnect delay (5 s)");
            }
        }
        assertEquals("BACKUP", b.quickStatus().path("role").asText(),
                "manual-switch-only: B keeps reconnecting (Reconnecting is a backup state) and does not take over");

        a.start();
        await("links Active again").atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> links(b).equals("ACTIVE/ACTIVE"));
        await("A primary again").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> "PRIMARY".equals(a.state()));
    }

    private static String links(SwitchoverNode node) {
        JsonNode s = node.quickStatus();
        return s == null ? "?" : s.path("connections").path("main").asText() + "/"
                + s.path("connections").path("aux").asText();
    }

    /** Times of B's "attempt #n" lines for one link, in order, counting from the last #1. */
    private static List<LocalDateTime> attempts(SwitchoverNode node, String link) {
        Matcher m = ATTEMPT.matcher(node.process().output());
        List<LocalDateTime> at = new ArrayList<>();
        while (m.find()) {
            if (!m.group(2).equals(link)) {
                continue;
            }
            if (m.group(3).equals("1")) {
                at.clear();
            }
            at.add(LocalDateTime.parse(m.group(1), TIME));
        }
        return at;
    }
}
