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

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * Interaction recovery on a running pair (runtime jar, two processes), issue 11's system tests (c) and (d):
 * <ol>
 * <li>(c) the backup killed (kill -9) and restarted under traffic runs a full synchronisation of every channel;
 * while it runs, the backup's status names the unsynchronised channels and a manual switch there is refused with
 * that warning; once synchronised, shadows equal the primary's live counts and a switch goes through;</li>
 * <li>(d) {@code Mail Interaction Recovery Filter Enabled} turned on live through ConfigAdmin (the primary's
 * {@code .cfg}, replicated to the backup): only emails assigned to an agent's queue stay shadowed on the backup,
 * the other channels untouched, nothing restarted.</li>
 * </ol>
 * The synchronisation window of (c) is made observable by the test-only system property
 * {@code switchover.recovery.test.sync.page.delay.ms} (a pause before each snapshot page the backup asks for).
 */
class RecoveryResyncSystemIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String PAGE_DELAY = "switchover.recovery.test.sync.page.delay.ms";
    /**
     * Each channel holds over 1,000 interactions: two snapshot pages, so at least 2 × this long syncing; room for a
     * switchoverctl JVM start on a busy machine between seeing the warning and asking for the switch.
     */
    private static final long PAGE_DELAY_MILLIS = 5000;
    private static final String NOT_IN_SYNC = "Interaction recovery is not in sync for ";
    private static final String ASSIGNED_ONLY = "only emails assigned to an agent's queue";

    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(SwitchoverNode::close);
    }

    private SwitchoverNode[] pair(String name) {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir(name);
        SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, RecoveryPair.profile());
        SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, RecoveryPair.profile());
        nodes.add(a);
        nodes.add(b);
        SwitchoverNode.startPair(a, b);
        return new SwitchoverNode[] {a, b};
    }

    @Test
    void aBackupKilledAndRestartedUnderTrafficResyncsAndRefusesASwitchUntilInSync() throws Exception {
        SwitchoverNode[] p = pair("recovery-resync");
        SwitchoverNode a = p[0];
        SwitchoverNode b = p[1];
        assertTrue(a.shellOk("host:interaction-load c1 1100 550").startsWith("loaded 6600"));
        RecoveryPair.awaitInSync(b, a, "before the kill of B");

        b.kill();
        CompletableFuture<SwitchoverNode.CtlResult> load = CompletableFuture.supplyAsync(
                () -> a.shell("host:interaction-load c2 600 40"));
        int markB = b.logMark();
        b.start("-D" + PAGE_DELAY + "=" + PAGE_DELAY_MILLIS);
        b.awaitState("BACKUP", START);

        // the synchronisation window: the status names the channels, the recovery object says where each stands
        await("B warns that recovery is not in sync").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> warning(RecoveryPair.status(b)) != null);
        JsonNode during = RecoveryPair.status(b);
        String warning = warning(during);
        System.out.println("RECOVERY B during its full sync: " + warning + "\n  recovery: " + during.path("recovery"));
        long unsynced = count(during.path("recovery"), c -> !"complete".equals(c.path("sync").asText()));
        assertTrue(unsynced > 0, "some channel not complete: " + during.path("recovery"));

        SwitchoverNode.CtlResult refused = b.ctl("switch", "--yes");
        assertEquals(5, refused.exit(), refused.out() + "\n" + refused.err());
        assertTrue(refused.out().contains("WARNING: " + NOT_IN_SYNC), refused.out());
        assertTrue(refused.out().matches("(?s).*(mail|chat|callback|sms|social_conversation|direct_message) \\("
                + "(waiting|syncing), \\d+ shadows so far\\).*"), "the warning names the channel: " + refused.out());
        assertEquals("BACKUP", b.state());
        assertEquals("PRIMARY", a.state());
        System.out.println("RECOVERY switch on B during the sync refused: " + refused.out());

        SwitchoverNode.CtlResult loaded = load.get();
        assertTrue(loaded.out().startsWith("loaded 3600"), loaded.out() + loaded.err());
        RecoveryPair.awaitInSync(b, a, "after the restart of B");
        assertEquals(6600 + 3600, RecoveryPair.liveTotal(a));
        String log = b.logSince(markB);
        for (String c : List.of("mail", "chat", "callback", "sms", "social_conversation", "direct_message")) {
            assertTrue(log.contains("full synchronisation of " + c + " complete"), c + " fully synchronised");
        }
        assertEquals(0, RecoveryPair.status(b).path("warnings").size(), "in sync: no warning");

        // in sync, the switch goes through and the shadows become the live interactions
        String digest = a.shellOk("host:interaction-digest c");
        int promoted = b.logMark();
        SwitchoverNode.CtlResult sw = b.ctl("switch", "--yes");
        assertEquals(0, sw.exit(), sw.out() + "\n" + sw.err());
        b.awaitState("PRIMARY", START);
        RecoveryPair.awaitPromoted(b, promoted);
        assertEquals(digest, b.shellOk("host:interaction-digest c"), "every interaction identical on B");
    }

    @Test
    void theMailFilterTurnedOnLiveKeepsOnlyAssignedMailsShadowedWithoutRestart() {
        SwitchoverNode[] p = pair("recovery-mailfilter");
        SwitchoverNode a = p[0];
        SwitchoverNode b = p[1];
        assertTrue(a.shellOk("host:interaction-load d1 200 200").startsWith("loaded 1200"));
        for (int k = 0; k < 6; k++) {
            a.shellOk("host:interaction-create mail sales unassigned question " + k);
        }
        RecoveryPair.awaitInSync(b, a, "with every mail shadowed");
        List<String> unassigned = unassignedMails(a);
        int liveMails = RecoveryPair.live(RecoveryPair.status(a)).get("mail");
        int assigned = liveMails - unassigned.size();
        assertEquals(6, unassigned.size(), "the six mails queued on the workgroup");
        assertEquals(liveMails, RecoveryPair.syncedShadows(RecoveryPair.status(b)).get("mail"));
        Map<String, Integer> othersBefore = RecoveryPair.syncedShadows(RecoveryPair.status(b));
        othersBefore.remove("mail");
        long pidA = a.process().pid();
        long pidB = b.process().pid();
        int markB = b.logMark();

        a.configure("org.switchover.recovery.mail", Map.of("mail.interaction.recovery.filter.enabled", "1"));
        long t0 = System.nanoTime();
        await("B shadows only the assigned mails").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode mail = RecoveryPair.status(b).path("recovery").path("mail");
                    return ASSIGNED_ONLY.equals(mail.path("filter").asText())
                            && "complete".equals(mail.path("sync").asText())
                            && mail.path("shadows").asInt() == assigned;
                });
        System.out.printf("RECOVERY mail filter on live: B shadows %d assigned of %d mails (%d unassigned gone) %d ms"
                + " after the .cfg edit on A%n", assigned, liveMails, unassigned.size(),
                (System.nanoTime() - t0) / 1_000_000);
        JsonNode onA = RecoveryPair.status(a).path("recovery").path("mail");
        assertEquals(ASSIGNED_ONLY, onA.path("filter").asText(), "the primary publishes by the filter too");
        assertEquals(liveMails, onA.path("live").asInt(), "invisible on the primary: every mail still live");
        Map<String, Integer> othersAfter = RecoveryPair.syncedShadows(RecoveryPair.status(b));
        othersAfter.remove("mail");
        assertEquals(othersBefore, othersAfter, "the other channels untouched");
        String log = b.logSince(markB);
        assertTrue(log.contains("mail filter is now '" + ASSIGNED_ONLY + "': shadows dropped, resynchronising"),
                log);
        assertFalse(log.contains("full synchronisation of chat"), "no other channel resynchronised");
        assertEquals(pidA, a.process().pid());
        assertEquals(pidB, b.process().pid());
        assertTrue(a.process().isAlive() && b.process().isAlive(), "no restart");
        assertEquals("BACKUP", b.state());

        // an unassigned mail assigned to an agent is shadowed from then on
        a.shellOk("host:interaction-assign " + unassigned.get(0) + " carol");
        await("the newly assigned mail is shadowed").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> RecoveryPair.status(b).path("recovery")
                        .path("mail").path("shadows").asInt() == assigned + 1);
    }

    /** @return the switch warning about interaction recovery in the status, null when none */
    private static String warning(JsonNode status) {
        for (JsonNode w : status.path("warnings")) {
            if (w.asText().startsWith(NOT_IN_SYNC)) {
                return w.asText();
            }
        }
        return null;
    }

    private static long count(JsonNode recovery, java.util.function.Predicate<JsonNode> which) {
        long n = 0;
        for (JsonNode c : recovery) {
            if (which.test(c)) {
                n++;
            }
        }
        return n;
    }

    /** @return the ids of the primary's mails queued on a workgroup (never assigned) */
    private static List<String> unassignedMails(SwitchoverNode primary) {
        List<String> out = new ArrayList<>();
        for (String line : primary.shellOk("host:interaction-list mail").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 3 && f[3].startsWith("workgroup:")) {
                out.add(f[0]);
            }
        }
        return out;
    }
}
