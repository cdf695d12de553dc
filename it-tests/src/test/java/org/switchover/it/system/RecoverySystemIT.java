package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * Interaction recovery between two real nodes (runtime jar), every channel enabled through its documented parameter,
 * traffic from the reference host's {@code host:interaction-load}. Compared with {@code host:interaction-digest}: one
 * line per interaction with id, channel, state, queue, agent, creation time and a hash of the content (transcript,
 * mail bodies and attachments, callback time and attempts).
 *
 * <ol>
 * <li>kill -9 of the primary mid-traffic with more than 10,000 live interactions across the six channels: the new
 * primary holds every interaction the old one had acknowledged more than the documented replication delay (2 s)
 * before the kill (the first load's, compared one by one by digest; the second load's, counted);</li>
 * <li>the old primary restarted comes back as backup and runs a full synchronisation per channel (counts equal);
 * </li>
 * <li>a controlled switch under traffic loses nothing: the new primary holds exactly (one digest over every
 * interaction) what the old primary's host held when it stopped taking work, while two loads created, changed and
 * released interactions up to that moment.</li>
 * <li>on the way, {@code switchoverctl status --json} carries in its {@code recovery} object the figures
 * {@code switchover:recovery-status} prints.</li>
 * </ol>
 */
class RecoverySystemIT {

    private static final Duration START = Duration.ofSeconds(90);
    /** The first load: interactions per channel and per channel per second (all acknowledged before the kill). */
    private static final int FIRST_LOAD = 1000;
    private static final int FIRST_RATE = 500;
    /** The second load, running at the kill. */
    private static final int SECOND_LOAD = 3000;
    private static final int SECOND_RATE = 250;
    /** The kill comes once A holds at least this many live interactions (issue 11: 10,000 across six channels). */
    private static final int KILL_AT = 10_500;
    private static final long REPLICATION_DELAY_MILLIS = 2000;
    /** The controlled switch's load: interactions per channel and per channel per second. */
    private static final int SWITCH_LOAD = 3000;
    private static final int SWITCH_RATE = 300;
    /** The old primary's log lines of a hand-over. */
    private static final Pattern HAND_OVER = Pattern.compile("controlled hand-off|State PRIMARY|Reference host|"
            + "Interaction recovery: (the primary role ended|\\w+ stream closed|the backup had not)|Hand-off to peer"
            + "|stopped publishing");
    private static final Pattern CHANNEL = Pattern.compile("(\\w+): enabled, (backup|primary), (\\d+) "
            + "(shadows \\(primary live (\\d+|\\?)\\), sync (\\w+)|live)");

    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(SwitchoverNode::close);
    }

    @Test
    void killedPrimaryThenControlledSwitchLoseNoAcknowledgedInteraction() throws Exception {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("recovery-pair");
        SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, RecoveryPair.profile());
        SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, RecoveryPair.profile());
        nodes.add(a);
        nodes.add(b);
        SwitchoverNode.startPair(a, b);

        // traffic on all six channels, and one chat worked on by hand
        String load1 = a.shellOk("host:interaction-load r1 " + FIRST_LOAD + " " + FIRST_RATE);
        assertTrue(load1.startsWith("loaded " + 6 * FIRST_LOAD), load1);
        System.out.printf("RECOVERY first load on A: %s (asked %d per channel per second)%n", load1, FIRST_RATE);
        String chat = a.shellOk("host:interaction-create chat user:alice hello I need help");
        a.shellOk("host:interaction-say " + chat + " alice sure what is the order number");
        a.shellOk("host:interaction-status " + chat + " alice is typing");
        a.shellOk("host:interaction-file " + chat + " customer receipt.pdf");
        a.shellOk("host:interaction-say " + chat + " customer it is 4711");
        long syncStart = System.nanoTime();
        RecoveryPair.awaitInSync(b, a, "after the first load");
        System.out.printf("RECOVERY B in sync %d ms after the first load ended%n",
                (System.nanoTime() - syncStart) / 1_000_000);
        statusJsonAgreesWithTheShell(a, b);

        String acknowledged = a.shellOk("host:interaction-digest r1-");
        String acknowledgedChat = a.shellOk("host:interaction-digest " + chat);
        assertTrue(acknowledged.startsWith(6 * FIRST_LOAD + " interactions"), acknowledged);

        // more traffic, and kill -9 of A while it runs; what A held REPLICATION_DELAY before the kill must survive
        CompletableFuture<SwitchoverNode.CtlResult> load = CompletableFuture.supplyAsync(
                () -> a.shell("host:interaction-load r2 " + SECOND_LOAD + " " + SECOND_RATE));
        long[] sampled = new long[2];
        await("the second load runs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonNode st = RecoveryPair.status(a);
                    int total = RecoveryPair.live(st).values().stream().mapToInt(Integer::intValue).sum();
                    if (sampled[0] == 0 && total >= KILL_AT - 1500) {
                        sampled[0] = total;
                        sampled[1] = System.currentTimeMillis();
                    }
                    return sampled[0] > 0 && total >= KILL_AT
                            && System.currentTimeMillis() - sampled[1] > REPLICATION_DELAY_MILLIS + 300;
                });
        int liveAtKill = RecoveryPair.liveTotal(a);
        int markB = b.logMark();
        boolean midTraffic = !load.isDone();
        a.kill();
        long killed = System.currentTimeMillis();
        b.awaitState("PRIMARY", START);
        System.out.printf("RECOVERY kill -9 of the primary mid-traffic: B PRIMARY %d ms after the kill%n",
                System.currentTimeMillis() - killed);
        RecoveryPair.awaitPromoted(b, markB);
        load.get();

        assertEquals(acknowledged, b.shellOk("host:interaction-digest r1-"),
                "every acknowledged interaction identical on B: id, channel, state, queue, agent, creation time,"
                        + " content");
        String show = b.shellOk("host:interaction-show " + chat);
        assertTrue(show.contains("customer TEXT it is 4711"), show);
        assertTrue(!show.contains("receipt.pdf"), "the transfer in flight is not restored: " + show);
        assertTrue(!acknowledgedChat.equals(b.shellOk("host:interaction-digest " + chat)),
                "the chat lost exactly its transfer in flight");
        String report = b.shellOk("switchover:recovery-report");
        assertTrue(report.contains(chat + ": stays CONNECTED to alice on user:alice; NOT KEPT: file transfer"
                + " 'receipt.pdf' from customer was in flight"), report);
        assertTrue(b.logSince(markB).contains("Interaction recovery: chat promoted:"), "promotion logged");
        int onB = count(b, "");
        System.out.printf("RECOVERY kill -9 with %d live interactions on A (load still running: %s): %s identical on"
                + " B; B holds %d (A held %d at least %d ms before the kill)%n", liveAtKill, midTraffic, acknowledged,
                onB, sampled[0], REPLICATION_DELAY_MILLIS);
        assertTrue(midTraffic, "the second load was still running at the kill");
        assertTrue(liveAtKill >= KILL_AT, "at least " + KILL_AT + " interactions at the kill: " + liveAtKill);
        assertTrue(onB >= sampled[0], "every interaction A held " + REPLICATION_DELAY_MILLIS + " ms before the kill"
                + " is on B: " + onB + " >= " + sampled[0]);

        // the old primary comes back as backup: a full synchronisation of every channel
        a.start();
        a.awaitState("BACKUP", START);
        RecoveryPair.awaitInSync(a, b, "after the restart of A");

        controlledSwitchUnderTrafficLosesNothing(b, a);
    }

    /**
     * Issue 11 b: a controlled switch from {@code primary} to {@code backup} while the primary's host creates, changes
     * and releases interactions on two threads (the six-channel load and the mail/chat/callback lifecycle): every
     * interaction the old primary's host held when it stopped taking work ({@code host:interaction-digest-at-stop})
     * is on the new primary, identical (digest over all of them: id, channel, state, queue, agent, creation time,
     * content), and none more. On the old primary the order is: host stopped taking work, streams handed over (the
     * backup acknowledged their heads), hand-off acknowledged.
     */
    private static void controlledSwitchUnderTrafficLosesNothing(SwitchoverNode primary, SwitchoverNode backup) {
        String stable = primary.shellOk("host:interaction-digest r");
        CompletableFuture<SwitchoverNode.CtlResult> load = CompletableFuture.supplyAsync(
                () -> primary.shell("host:interaction-load s3 " + SWITCH_LOAD + " " + SWITCH_RATE));
        CompletableFuture<SwitchoverNode.CtlResult> lifecycle = CompletableFuture.supplyAsync(
                () -> primary.shell("host:interaction-lifecycle s4 " + 3 * SWITCH_LOAD + " " + 3 * SWITCH_RATE));
        // the node runs two shell lines at once, both taken by the loads: watch them through the status lane
        int base = RecoveryPair.liveTotal(primary);
        await("the switch loads run").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> RecoveryPair.liveTotal(primary) > base + 1200);
        int markOld = primary.logMark();
        int markNew = backup.logMark();
        SwitchoverNode.CtlResult sw = backup.shell("switchover:switch --yes");
        assertTrue(sw.out().startsWith("Switched (CONTROLLED"), sw.out() + sw.err());
        RecoveryPair.awaitPromoted(backup, markNew);
        String loadOut = load.join().out() + load.join().err();
        String lifecycleOut = lifecycle.join().out() + lifecycle.join().err();
        String atStop = primary.shellOk("host:interaction-digest-at-stop");
        String onNew = backup.shellOk("host:interaction-digest");
        String oldLog = primary.logSince(markOld);
        System.out.printf("RECOVERY controlled switch under traffic: the old primary's host held %s when it stopped"
                + " taking work; the new primary holds %s; the loads ended '%s' and '%s'%n", atStop, onNew,
                loadOut.strip(), lifecycleOut.strip());
        System.out.println("RECOVERY the old primary's hand-over:\n" + oldLog.lines().filter(l -> HAND_OVER.matcher(l)
                .find()).reduce("", (x, y) -> x + "  " + y + "\n"));
        assertTrue(!loadOut.startsWith("loaded") && lifecycleOut.contains("stopped after"),
                "both loads were still running when the host stopped taking work: " + loadOut + " / " + lifecycleOut);
        assertEquals(stable, backup.shellOk("host:interaction-digest r"), "the interactions of before, identical");
        assertTrue(!atStop.startsWith("0 interactions"), atStop);
        assertEquals(atStop, onNew, "every interaction the old primary held when its host stopped taking work is on"
                + " the new primary, identical, and none more");
        int stopped = oldLog.indexOf("Reference host: not primary, stopped taking work");
        int handed = oldLog.indexOf("stream closed (handed over)");
        int acked = oldLog.indexOf("acknowledged after");
        assertTrue(stopped >= 0 && handed > stopped && acked > handed, "on the old primary: host stopped ("
                + stopped + "), streams handed over (" + handed + "), hand-off acknowledged (" + acked + ")");
        assertTrue(!oldLog.contains("not acknowledged"), "every stream acknowledged in time:\n" + oldLog);
    }

    /**
     * The status JSON's {@code recovery} object carries what {@code switchover:recovery-status} prints: per channel
     * the primary's live count and the backup's shadows and sync state.
     */
    private static void statusJsonAgreesWithTheShell(SwitchoverNode primary, SwitchoverNode backup) {
        Map<String, Integer> shellLive = new HashMap<>();
        Map<String, Integer> shellShadows = new HashMap<>();
        Matcher m = CHANNEL.matcher(primary.shellOk("switchover:recovery-status"));
        while (m.find()) {
            shellLive.put(m.group(1), Integer.parseInt(m.group(3)));
        }
        m = CHANNEL.matcher(backup.shellOk("switchover:recovery-status"));
        while (m.find()) {
            if ("complete".equals(m.group(6))) {
                shellShadows.put(m.group(1), Integer.parseInt(m.group(3)));
            }
        }
        JsonNode p = backup.status().path("recovery");
        System.out.println("RECOVERY status --json on the backup: \"recovery\": " + p);
        assertEquals(RecoveryPair.CHANNELS, shellLive.size(), shellLive.toString());
        assertEquals(shellLive, RecoveryPair.live(primary.status()), "switchoverctl status --json on the primary");
        assertEquals(shellShadows, RecoveryPair.syncedShadows(backup.status()), "status --json on the backup");
        JsonNode chat = p.path("chat");
        assertTrue(chat.path("enabled").asBoolean() && chat.path("lagMillis").asLong(-1) >= 0
                && chat.path("primaryLive").asInt() == shellLive.get("chat"), chat.toString());
    }

    private static int count(SwitchoverNode n, String prefix) {
        return RecoveryPair.count(n, prefix);
    }
}
