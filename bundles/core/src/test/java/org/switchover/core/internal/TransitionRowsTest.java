package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.switchover.api.SwitchoverState.BACKUP;
import static org.switchover.api.SwitchoverState.ERROR;
import static org.switchover.api.SwitchoverState.INACTIVE;
import static org.switchover.api.SwitchoverState.INIT;
import static org.switchover.api.SwitchoverState.PRIMARY;
import static org.switchover.api.SwitchoverState.RECONNECTING;
import static org.switchover.api.SwitchoverState.STOPPING;
import static org.switchover.api.SwitchoverState.UPGRADE_HIGHER;
import static org.switchover.api.SwitchoverState.UPGRADE_LOWER;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.NodeId;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.Response;
import org.switchover.testing.MemoryNotifier;

/** One test per row of spec table 2.2 (named by row number), driven on virtual time. */
class TransitionRowsTest {

    @TempDir
    Path dir;

    private static final MonitorReport NOTIFIER_DOWN = report(MonitorSignal.NOTIFIER_DOWN,
            "Loss of Connection to Notifier");

    /** @return a report of a lost connection to the primary with the monitor's diagnosis */
    private static MonitorReport lost(MonitorSignal s, String diagnosis) {
        return new MonitorReport(s, "Loss of Connection to Notifier", diagnosis);
    }

    private static MonitorReport report(MonitorSignal s, String reason) {
        return new MonitorReport(s, reason, "GatewayReached, NetTestUnavailable, PrimaryReached");
    }

    /** @return node B started as backup of a primary A */
    /** A running backup that was told {@code r} and then ran for {@code millis}. */
    private Harness backupAfter(MonitorReport r, long millis) {
        Harness h = backup();
        h.machine.report(r);
        h.advance(millis);
        return h;
    }

    private Harness backup() {
        Harness h = new Harness(dir, "B");
        h.startAsBackup();
        return h;
    }

    /** @return primary A made stale by a primary B with a higher epoch (row 27) */
    private Harness staleA() {
        Harness h = primary("A");
        h.peerAnswers(NodeId.B, PRIMARY, 7, "1.0.0");
        h.advance(3_000);
        assertEquals(INACTIVE, h.state());
        return h;
    }

    /** @return node B on {@code release} started as backup of a primary A on {@code primaryRelease} */
    private Harness upgrade(String release, long primaryEpoch, String primaryRelease) {
        Harness h = new Harness(dir, "B");
        h.settings.version(release);
        h.startAgainst(NodeId.A, PRIMARY, primaryEpoch, primaryRelease);
        return h;
    }

    /** @return {@code node} started alone, which makes it primary */
    private Harness primary(String node) {
        Harness h = new Harness(dir, node);
        h.startAsPrimary();
        return h;
    }

    private static Request request(String eventId, byte[] body) {
        return new Request("*", eventId, 1, "B/ONCE", body);
    }

    @Test
    void everyNumberedRowOfTheSpecIsInTheTable() {
        Set<String> labels = TransitionTable.rows().stream().map(Transition::row).collect(Collectors.toSet());
        List<String> missing = IntStream.rangeClosed(1, 31).mapToObj(Integer::toString)
                .filter(r -> !labels.contains(r)).toList();
        assertEquals(List.of(), missing, "rows of table 2.2 without an entry in the transition table");
        assertFalse(TransitionTable.describe().isBlank());
    }

    @Test
    void row01_serviceStartReadsTheParametersAndAsksThePeer() {
        Harness h = new Harness(dir, "B");
        h.settings.reconnectTimeoutMillis(45_000);
        h.handlers.put(EventIds.STATE_QUERY, s -> new CompletableFuture<>()); // the peer is slow to answer
        h.create();
        assertEquals(INIT, h.state());
        h.machine.start();
        h.run();
        assertEquals(INIT, h.state());
        assertNotNull(h.find("Node B starting"));
        assertTrue(h.find("Node B starting").text().contains("reconnect timeout 45 s"));
        assertEquals(1, h.notifier.sent(EventIds.STATE_QUERY).size());
        assertEquals("ONCE", h.notifier.sent(EventIds.STATE_QUERY).get(0).channel());
    }

    @Test
    void row02_unreachablePeerMakesThisNodePrimaryFailSafe() throws Exception {
        Harness h = primary("B");
        assertEquals(1, h.epoch());
        assertEquals("1", Files.readString(dir.resolve("core/epoch")).strip());
        RecordingOutputs.Change c = h.outputs.last();
        assertEquals(INIT, c.from());
        assertEquals(PRIMARY, c.to());
        assertTrue(c.reason().contains("fail-safe"), c.reason());
        assertNull(h.find("Switch Initiated"), "taking the role at start is not a switch");
        // A peer that answers but is stale also leaves the role to this node.
        Harness h2 = new Harness(dir.resolve("two"), "A");
        h2.startAgainst(NodeId.B, INACTIVE, 9, "1.0.0");
        assertEquals(PRIMARY, h2.state());
        assertEquals(10, h2.epoch(), "a new primary's epoch is above every epoch it has seen");
    }

    @Test
    void row03_peerPrimaryOnTheSameReleaseMakesThisNodeBackup() {
        Harness h = backup();
        assertEquals(1, h.notifier.openCount(), "main and aux links opened");
        assertTrue(h.outputs.monitoring, "primary monitor started");
        assertTrue(h.machine.snapshot().primaryConfirmed());
        assertEquals(0, h.epoch(), "a backup keeps its own epoch");
        // force backup with no peer at all: backup, but no monitoring and no automatic switch
        Harness f = new Harness(dir.resolve("forced"), "A");
        f.settings.forceBackup(true);
        f.start();
        assertEquals(BACKUP, f.state());
        assertEquals(0, f.outputs.monitoringRaised);
        assertEquals(1, f.notifier.openCount());
        f.report(report(MonitorSignal.MODULE_DOWN, "TS Ping Failure"));
        assertEquals(BACKUP, f.state(), "no automatic switch without a primary");
        // ...until the primary turns up: then monitoring and automatic switching start
        f.peerAnswers(NodeId.B, PRIMARY, 3, "1.0.0");
        f.advance(3_000);
        assertTrue(f.machine.snapshot().primaryConfirmed());
        assertTrue(f.outputs.monitoring);
    }

    @Test
    void row04_peerPrimaryOnAnOlderReleaseGivesUpgradeHigher() {
        Harness h = upgrade("1.10", 2, "1.9");
        assertEquals(UPGRADE_HIGHER, h.state());
        assertEquals(0, h.outputs.monitoringRaised, "no monitoring in an upgrade state");
        assertEquals(1, h.notifier.openCount());
    }

    @Test
    void row05_peerPrimaryOnANewerReleaseGivesUpgradeLower() {
        Harness h = upgrade("2.0.0", 2, "2.0.1");
        assertEquals(UPGRADE_LOWER, h.state());
        assertEquals(0, h.outputs.monitoringRaised);
    }

    @Test
    void row06_wrongNodeLetterMeansNoRole() {
        Harness h = new Harness(dir, "C");
        h.start();
        assertEquals(ERROR, h.state());
        assertTrue(h.notifier.sent(EventIds.STATE_QUERY).isEmpty(), "no negotiation without an identity");
        assertTrue(h.machine.snapshot().nodeError().contains("must be A or B, got 'C'"));
        assertNotNull(h.find("The roles cannot be determined"));
        // both nodes configured as the same letter
        Harness twin = new Harness(dir.resolve("twin"), "A");
        twin.startAgainst(NodeId.A, INIT, 0, "1.0.0");
        assertEquals(ERROR, twin.state());
        assertTrue(twin.outputs.last().reason().contains("also claims to be node A"));
    }

    @Test
    void row07_roleNotDecidedWithinTheMaximumStartupTime() {
        Harness h = new Harness(dir, "B");
        h.settings.startupMaxMillis(5_000).negotiation(10_000, 1_000, 10);
        h.handlers.put(EventIds.STATE_QUERY, s -> new CompletableFuture<>()); // never answers
        h.create();
        h.machine.start();
        h.advance(4_999);
        assertEquals(INIT, h.state());
        h.advance(1);
        assertEquals(ERROR, h.state());
        h.advance(10_000); // the late timeout of the query changes nothing
        assertEquals(ERROR, h.state());
    }

    @Test
    void row08_networkDownStartsReconnecting() {
        Harness h = backup();
        h.report(lost(MonitorSignal.NETWORK_DOWN, "GatewayUnreachable"));
        assertEquals(RECONNECTING, h.state());
        assertNotNull(h.find("Scheduling reconnect timeout to execute in 30 second(s)"));
        assertTrue(h.outputs.monitoring, "row 8 does not stop the monitors");
    }

    @Test
    void row09_notifierDownInAutomaticModeStopsTheMonitorsAndReconnects() {
        Harness h = backup();
        h.report(NOTIFIER_DOWN);
        assertEquals(RECONNECTING, h.state());
        assertFalse(h.outputs.monitoring);
        assertTrue(h.machine.snapshot().reconnectDueMillis() > 0);
    }

    @Test
    void row10_notifierDownInManualModeReconnectsWithoutAnyTimer() {
        Harness h = new Harness(dir, "B");
        h.settings.manualSwitchOnly(true);
        h.startAsBackup();
        assertEquals(0, h.outputs.monitoringRaised, "manual mode: no monitors");
        h.links(ConnectionStatus.ACTIVE);
        h.notifier.bothLinks(ConnectionStatus.NOT_CONNECTED); // the core notices the loss itself
        h.run();
        assertEquals(RECONNECTING, h.state());
        assertNull(h.find("Scheduling reconnect timeout"));
        h.advance(120_000);
        assertEquals(RECONNECTING, h.state(), "no automatic switch in manual mode");
    }

    @Test
    void row11_primaryUnreachableStopsBothMonitorsAndReconnects() {
        Harness h = backup();
        h.report(lost(MonitorSignal.PRIMARY_UNREACHABLE, "GatewayReached, NetTestUnavailable, PrimaryUnreachable"));
        assertEquals(RECONNECTING, h.state());
        assertFalse(h.outputs.monitoring);
    }

    @Test
    void row12_moduleDownInManualModeHalts() {
        Harness h = new Harness(dir, "B");
        h.settings.manualSwitchOnly(true);
        h.startAsBackup();
        h.report(report(MonitorSignal.MODULE_DOWN, "TS Ping Failure"));
        assertEquals(STOPPING, h.state());
        assertEquals(0, h.epoch(), "no switch");
    }

    @Test
    void row13_moduleDownInAutomaticModeSwitchesAtOnce() {
        Harness h = backup();
        long t0 = h.clock.nowMillis();
        h.report(report(MonitorSignal.MODULE_DOWN, "TS Ping Failure"));
        assertEquals(PRIMARY, h.state());
        assertEquals(6, h.epoch(), "one above the primary's epoch 5");
        assertEquals("TS Ping Failure", h.machine.snapshot().lastSwitchReason());
        int reason = h.indexOf("Switch reason: TS Ping Failure");
        int initiated = h.indexOf("Switchover Service: Switch Initiated");
        int state = h.indexOf("State BACKUP -> PRIMARY");
        assertTrue(reason >= 0 && reason < initiated && initiated < state, h.journal().toString());
        assertEquals(t0, h.find("Switch Initiated").atMillis());
        assertFalse(h.outputs.monitoring);
        assertFalse(h.notifier.peerLinksOpen(), "the new primary closes its outgoing links");
    }

    @Test
    void row14_moduleDownWhileTheHostStartsDefersTheSwitch() {
        Harness h = new Harness(dir, "B");
        Harness.Host host = new Harness.Host();
        h.host = host;
        h.startAsBackup();
        h.report(report(MonitorSignal.MODULE_DOWN, "TS Ping Failure"));
        assertEquals(BACKUP, h.state());
        assertEquals("TS Ping Failure", h.machine.snapshot().pendingSwitch());
        h.advance(10_000);
        assertEquals(BACKUP, h.state());
        host.finish();
        h.run();
        assertEquals(PRIMARY, h.state());
        assertEquals("TS Ping Failure", h.machine.snapshot().lastSwitchReason());
    }

    @Test
    void row15_manualSwitchOnTheBackupWhenThePrimaryIsUnreachable() throws Exception {
        Harness h = backup();
        long t0 = h.clock.nowMillis();
        CompletableFuture<SwitchResult> f = h.machine.requestSwitch(false, "operator");
        h.run();
        assertEquals(PRIMARY, h.state());
        SwitchResult r = f.getNow(null);
        assertNotNull(r);
        assertTrue(r.switched());
        assertEquals(SwitchResult.Mode.UNCONTROLLED, r.mode());
        assertEquals("Manual Switchover", h.machine.snapshot().lastSwitchReason());
        assertEquals(t0, h.find("Switch Initiated").atMillis(), "no delay between request and switch");
        assertTrue(h.find("Switch reason: Manual Switchover").text().contains("uncontrolled"));
    }

    @Test
    void row16_connectionsDownSwitches() {
        Harness h = backup();
        h.post(EventType.CONNECTIONS_DOWN, StateMachine.REASON_NOTIFIER, "reconnect period expired");
        h.run();
        assertEquals(PRIMARY, h.state());
        assertEquals("Loss of Connection to Notifier", h.machine.snapshot().lastSwitchReason());
        assertNotNull(h.find("lost the connections to the primary; switching now and going to PRIMARY"));
    }

    @Test
    void row17_reconnectAttemptsUsedUpSwitchBeforeTheTimer() {
        Harness h = new Harness(dir, "B");
        h.settings.reconnectMaxAttempts(3);
        h.startAsLinkedBackup();
        h.report(NOTIFIER_DOWN);
        assertEquals(RECONNECTING, h.state());
        h.advance(5_000);
        h.notifier.setLink(Link.MAIN, ConnectionStatus.NOT_CONNECTED, 2);
        h.notifier.setLink(Link.AUX, ConnectionStatus.NOT_CONNECTED, 2);
        h.run();
        assertEquals(RECONNECTING, h.state());
        h.advance(5_000);
        h.notifier.setLink(Link.MAIN, ConnectionStatus.NOT_CONNECTED, 3);
        h.notifier.setLink(Link.AUX, ConnectionStatus.NOT_CONNECTED, 3);
        h.run();
        assertEquals(PRIMARY, h.state());
        assertEquals(10_000, h.find("Switch Initiated").atMillis() - h.find("Scheduling reconnect").atMillis());
    }

    @Test
    void row18_moduleDownWhileReconnectingSwitches() {
        Harness h = backupAfter(NOTIFIER_DOWN, 1_000);
        h.report(report(MonitorSignal.MODULE_DOWN, "TS Ping Failure"));
        assertEquals(PRIMARY, h.state());
        assertEquals("TS Ping Failure", h.machine.snapshot().lastSwitchReason());
    }

    @Test
    void row19_primaryUnreachableWhileReconnectingSwitches() {
        Harness h = backupAfter(report(MonitorSignal.NETWORK_DOWN, "Loss of Connection to Notifier"), 10_000);
        assertEquals(RECONNECTING, h.state());
        h.report(lost(MonitorSignal.PRIMARY_UNREACHABLE, "PrimaryUnreachable after 3 ping sets"));
        assertEquals(PRIMARY, h.state());
    }

    @Test
    void row20_reconnectTimerExpiryPostsConnectionsDown() {
        Harness h = backup();
        long t0 = h.clock.nowMillis();
        h.machine.report(NOTIFIER_DOWN);
        h.advance(29_999);
        assertEquals(RECONNECTING, h.state());
        h.advance(1);
        assertEquals(PRIMARY, h.state());
        int expired = h.indexOf("Reconnect period expired after 30 s; posting CONNECTIONS_DOWN");
        int lost = h.indexOf("lost the connections to the primary");
        assertTrue(expired >= 0 && expired < lost);
        assertEquals(t0 + 30_000, h.find("Switch Initiated").atMillis());
    }

    @Test
    void row21_connectionsRestoredReturnsToBackupAndRestartsTheMonitors() {
        Harness h = new Harness(dir, "B");
        h.startAsLinkedBackup();
        h.report(NOTIFIER_DOWN);
        h.notifier.bothLinks(ConnectionStatus.NOT_CONNECTED);
        h.advance(5_000);
        assertEquals(RECONNECTING, h.state());
        assertFalse(h.outputs.monitoring);
        // the primary's notifier answers again
        h.handlers.put(EventIds.NOTIFIER_PING, s -> MemoryNotifier.reply(new byte[0]));
        h.links(ConnectionStatus.ACTIVE);
        assertEquals(BACKUP, h.state());
        assertTrue(h.outputs.monitoring, "monitoring resumed");
        assertEquals(-1, h.machine.snapshot().reconnectDueMillis(), "timer cancelled");
        h.advance(60_000);
        assertEquals(BACKUP, h.state());
        // the module answering again also ends a reconnect
        h.report(report(MonitorSignal.NETWORK_DOWN, "Loss of Connection to Notifier"));
        assertEquals(RECONNECTING, h.state());
        h.report(new MonitorReport(MonitorSignal.MODULE_UP, "", "module answers"));
        assertEquals(BACKUP, h.state());
    }

    @Test
    void row22_intermediateReconnectStepsToggleWithoutResettingTheTimer() {
        Harness h = new Harness(dir, "B");
        h.startAsLinkedBackup();
        long t0 = h.clock.nowMillis();
        h.notifier.bothLinks(ConnectionStatus.NOT_CONNECTED);
        h.report(NOTIFIER_DOWN);
        assertEquals(RECONNECTING, h.state());
        h.advance(5_000);
        h.notifier.setLink(Link.MAIN, ConnectionStatus.ACTIVE, 0);
        h.run();
        assertEquals(BACKUP, h.state(), "a link came back: transient Backup");
        h.advance(1_000);
        h.notifier.setLink(Link.MAIN, ConnectionStatus.NOT_CONNECTED, 1);
        h.run();
        assertEquals(RECONNECTING, h.state());
        h.advance(24_000);
        assertEquals(PRIMARY, h.state(), "the timer started at the diagnosis still fires");
        assertEquals(t0 + 30_000, h.find("Switch Initiated").atMillis());
        assertEquals(List.of(BACKUP, RECONNECTING, BACKUP, RECONNECTING, PRIMARY), h.outputs.states().subList(
                h.outputs.states().indexOf(BACKUP), h.outputs.states().size()));
    }

    @Test
    void row23_aFailingCriticalSubsystemHaltsTheBackup() {
        Harness h = backup();
        h.monitor.pollFailure = new IllegalStateException("module monitor thread died");
        h.advance(14_999);
        assertEquals(BACKUP, h.state());
        h.advance(1);
        assertEquals(STOPPING, h.state());
        assertFalse(h.outputs.monitoring);
    }

    @Test
    void row24_manualSwitchFromAnUpgradeStateDemotesTheOldPrimary() {
        Harness h = upgrade("1.1", 4, "1.0");
        assertEquals(UPGRADE_HIGHER, h.state());
        CompletableFuture<SwitchResult> f = h.machine.requestSwitch(false, "release procedure");
        h.run();
        assertEquals(PRIMARY, h.state());
        assertTrue(f.getNow(null).switched());
        assertEquals(5, h.epoch());
        assertFalse(h.notifier.sent(EventIds.DISCONTINUE).isEmpty(), "the old primary is told to discontinue");
        assertTrue(h.notifier.sent(EventIds.DISCONTINUE).get(0).text().contains("\"epoch\":5"));
    }

    @Test
    void row25_noAutomaticSwitchInAnUpgradeState() {
        Harness h = upgrade("0.9", 4, "1.0");
        assertEquals(UPGRADE_LOWER, h.state());
        h.machine.report(report(MonitorSignal.MODULE_DOWN, "TS Ping Failure"));
        h.machine.report(NOTIFIER_DOWN);
        h.advance(60_000);
        assertEquals(UPGRADE_LOWER, h.state());
        assertNotNull(h.find("no automatic switch in an upgrade state"));
    }

    @Test
    void row26_aPrimaryToldOfAHigherEpochBecomesStale() throws Exception {
        Harness h = primary("A");
        assertEquals(1, h.epoch());
        // a DISCONTINUE with a lower epoch is refused
        CompletionStage<byte[]> low = h.machine.handle(request(EventIds.DISCONTINUE,
                Wire.encode(new Wire.Discontinue(NodeId.B, 0, "test"))));
        h.run();
        assertEquals(PRIMARY, h.state());
        assertFalse(Wire.decode(low.toCompletableFuture().getNow(null), Wire.DiscontinueAck.class).ack());
        // a higher one makes it stale at once
        CompletionStage<byte[]> high = h.machine.handle(request(EventIds.DISCONTINUE,
                Wire.encode(new Wire.Discontinue(NodeId.B, 2, "Loss of Connection to Notifier"))));
        h.run();
        assertEquals(INACTIVE, h.state());
        Wire.DiscontinueAck ack = Wire.decode(high.toCompletableFuture().getNow(null), Wire.DiscontinueAck.class);
        assertTrue(ack.ack());
        assertEquals(INACTIVE, ack.state());
        assertEquals(PRIMARY, h.outputs.last().from());
        assertNotNull(h.find("becomes INACTIVE (stale)"));
    }

    @Test
    void row27_splitBrainHealedWhenThePeerIsPrimaryWithAHigherEpoch() {
        Harness h = staleA();
        assertNotNull(h.find("split brain healed"));
    }

    @Test
    void row28_aStaleNodeThatRestartsComesUpBackup() {
        Harness h = staleA();
        h.machine.restart("operator");
        h.run();
        assertEquals(BACKUP, h.state());
        assertEquals(List.of(INIT, BACKUP), h.outputs.states().subList(h.outputs.states().size() - 2,
                h.outputs.states().size()));
    }

    @Test
    void row29_netTestUnreachableAssumesAWanFailureAndHalts() {
        Harness h = backupAfter(lost(MonitorSignal.NETWORK_DOWN,
                "GatewayReached, NetTestUnreachable, PrimaryUnreachable"), 120_000);
        assertEquals(STOPPING, h.state());
        assertEquals(0, h.epoch(), "no switch");
        // with the legacy rule off the diagnosis leads to the reconnect path
        Harness m = new Harness(dir.resolve("modern"), "B");
        m.settings.netTestHalts(false);
        m.startAsBackup();
        m.report(lost(MonitorSignal.NETWORK_DOWN, "GatewayReached, NetTestUnreachable, PrimaryUnreachable"));
        assertEquals(RECONNECTING, m.state());
    }

    @Test
    void row30_shutdownFromAnyState() throws Exception {
        Harness h = primary("B");
        CompletableFuture<Void> done = h.machine.shutdown();
        h.run();
        assertTrue(done.isDone());
        assertEquals(STOPPING, h.state());
        assertEquals(PRIMARY, h.outputs.last().from());
        // nothing happens any more
        CompletableFuture<SwitchResult> f = h.machine.requestSwitch(true, "late");
        h.advance(10_000);
        assertEquals(STOPPING, h.state());
        assertFalse(f.getNow(null).switched());
    }

    @Test
    void row31_errorFromAnyState() throws Exception {
        Files.createDirectories(dir.resolve("core"));
        Files.writeString(dir.resolve("core/epoch"), "12x\n", StandardCharsets.US_ASCII);
        Harness h = new Harness(dir, "B");
        h.start();
        assertEquals(ERROR, h.state());
        assertTrue(h.outputs.last().reason().contains("corrupt"), h.outputs.last().reason());
        assertTrue(h.notifier.sent(EventIds.STATE_QUERY).isEmpty());
        Harness b = new Harness(dir.resolve("b"), "B");
        b.startAsBackup();
        b.post(EventType.ERROR, "", "test error");
        b.run();
        assertEquals(ERROR, b.state());
        assertFalse(b.outputs.monitoring);
    }

    @Test
    void malformedPeerRequestsAreRefusedAndChangeNothing() {
        Harness h = primary("A");
        for (byte[] bad : List.of(new byte[0], "nope".getBytes(StandardCharsets.UTF_8),
                "{\"node\":\"B\"}".getBytes(StandardCharsets.UTF_8),
                "{\"node\":\"B\",\"epoch\":-4}".getBytes(StandardCharsets.UTF_8),
                "{\"node\":\"A\",\"epoch\":99}".getBytes(StandardCharsets.UTF_8))) {
            CompletionStage<byte[]> r = h.machine.handle(request(EventIds.DISCONTINUE, bad));
            h.run();
            assertTrue(r.toCompletableFuture().isCompletedExceptionally());
        }
        assertEquals(PRIMARY, h.state());
        CompletionStage<byte[]> r = h.machine.handle(request("Unknown Event", new byte[0]));
        assertTrue(r.toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void stateQueryIsAnsweredWithNodeStateEpochAndVersion() {
        Harness h = new Harness(dir, "A");
        h.settings.version("3.2.1");
        h.startAsPrimary();
        byte[] body = h.machine.handle(request(EventIds.STATE_QUERY, new byte[0])).toCompletableFuture().getNow(null);
        Wire.StateInfo s = Wire.decode(body, Wire.StateInfo.class);
        assertEquals(NodeId.A, s.node());
        assertEquals(SwitchoverState.PRIMARY, s.state());
        assertEquals(1, s.epoch());
        assertEquals("3.2.1", s.version());
    }

    @Test
    void reconnectTimeoutChangesLiveForTheNextPeriod() {
        Harness h = backup();
        h.machine.reconfigure(h.settings.reconnectTimeoutMillis(10_000).build());
        h.run();
        h.machine.report(NOTIFIER_DOWN);
        h.advance(10_000);
        assertEquals(PRIMARY, h.state());
        assertNotNull(h.find("Scheduling reconnect timeout to execute in 10 second(s)"));
    }

    @Test
    void manualModeSwitchedOnLiveStopsTheMonitorsAndTheTimer() {
        Harness h = backupAfter(NOTIFIER_DOWN, 1_000);
        h.machine.reconfigure(h.settings.manualSwitchOnly(true).build());
        h.advance(60_000);
        assertEquals(RECONNECTING, h.state(), "no automatic switch once manual mode is on");
        h.machine.reconfigure(h.settings.manualSwitchOnly(false).build());
        h.advance(30_000);
        assertEquals(PRIMARY, h.state(), "a fresh reconnect period runs when automatic mode returns");
    }

    @Test
    void watchdogPollsTheMonitorOnlyInBackup() {
        Harness h = backup();
        h.advance(15_000);
        assertEquals(3, h.monitor.polls);
        h.machine.report(report(MonitorSignal.NETWORK_DOWN, "Loss of Connection to Notifier"));
        h.advance(10_000);
        assertEquals(3, h.monitor.polls, "suspended while reconnecting");
    }

    @Test
    void monitorsStartOnceBothLinksAreUpOrAfterABoundedWait() {
        Harness h = new Harness(dir, "B");
        h.notifier.autoConnect(false);
        h.startAsBackup();
        assertFalse(h.outputs.monitoring, "links not up yet");
        h.advance(2_000);
        h.notifier.setLink(Link.MAIN, ConnectionStatus.ACTIVE, 0);
        h.run();
        assertFalse(h.outputs.monitoring);
        h.notifier.setLink(Link.AUX, ConnectionStatus.ACTIVE, 0);
        h.run();
        assertTrue(h.outputs.monitoring, "both links up: monitoring starts");
        // a primary that died right after the negotiation: the links never come up
        Harness d = new Harness(dir.resolve("dead"), "B");
        d.notifier.autoConnect(false);
        d.startAsBackup();
        d.advance(9_999);
        assertFalse(d.outputs.monitoring);
        d.advance(1);
        assertTrue(d.outputs.monitoring, "started anyway after twice the reconnect delay");
    }

    @Test
    void responseHelpersAreUsable() {
        // keeps the fake honest: a reply is a REPLY with its body
        Response r = MemoryNotifier.reply(new byte[] {1}).toCompletableFuture().getNow(null);
        assertTrue(r.isReply());
    }

    @Test
    void theStatusServiceShowsTheNewStateAndEpochWhenTheRoleIsAnnounced() {
        Harness h = new Harness(dir, "B");
        h.outputs.status = () -> h.machine.snapshot();
        h.startAsPrimary();
        Snapshot seen = h.outputs.seenAtAnnouncement.get(h.outputs.seenAtAnnouncement.size() - 1);
        assertEquals(PRIMARY, seen.state());
        assertEquals(h.epoch(), seen.epoch(), "conditions and COMMENCE must not race ahead of the epoch");
    }
}
