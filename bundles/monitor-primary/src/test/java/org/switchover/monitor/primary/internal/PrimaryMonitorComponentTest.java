package org.switchover.monitor.primary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.switchover.api.monitor.MonitorSignal.CONNECTIONS_RESTORED;
import static org.switchover.api.monitor.MonitorSignal.MODULE_DOWN;
import static org.switchover.api.monitor.MonitorSignal.MODULE_UP;
import static org.switchover.api.monitor.MonitorSignal.NETWORK_DOWN;
import static org.switchover.api.monitor.MonitorSignal.NOTIFIER_DOWN;
import static org.switchover.api.monitor.MonitorSignal.PRIMARY_UNREACHABLE;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.monitor.ModuleTiming;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.monitor.module.testing.ScriptedPrimary.Answer;
import org.switchover.testing.MemoryNotifier;
import org.switchover.testing.VirtualScheduler;

/** The primary monitor on virtual time with a scripted notifier and probe and a fake module monitor. */
class PrimaryMonitorComponentTest extends MonitorFixture {

    private final FakeModuleMonitor moduleMonitor = new FakeModuleMonitor(clock);

    /** Node A watching B at PRIMARY, with {@code config} on the primary monitor's PID; activated (= started). */
    private PrimaryMonitorComponent started(Map<String, Object> config) {
        return activate(primaryMonitor(moduleMonitor), config);
    }

    /**
     * Starts the monitor with the primary's machine reachable, lets it run for {@code atMillis}, then reports the
     * module monitor's MODULE_DOWN and lets {@code thenMillis} more pass.
     */
    private PrimaryMonitorComponent moduleDownAt(long atMillis, long thenMillis) {
        probe.host(PRIMARY, true);
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(atMillis);
        m.moduleDown("test");
        clock.advance(thenMillis);
        return m;
    }

    /** Only this test's parameters matter here; the monitor runs as it always does once activated. */
    private PrimaryMonitorComponent monitor(Map<String, Object> config) {
        return started(config);
    }

    private static byte[] incarnation(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    // ---- the status line tells what the notifier says now (issue 12 item 7)

    @Test
    void theStatusLineReadsTheConnectionsWhenAskedNotAtTheLastPingAndAStoppedMonitorClaimsNone() {
        notifier.always(NPING, Answer.reply(new byte[0]));
        notifier.link(Link.MAIN, ConnectionStatus.ACTIVE).link(Link.AUX, ConnectionStatus.ACTIVE);
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(1_000);
        assertTrue(m.statusLine().startsWith("primary monitor watching: both connections are up"), m.statusLine());
        // between two pings (5 s apart) both links drop, then come back: the line follows at once
        notifier.link(Link.MAIN, ConnectionStatus.NOT_CONNECTED).link(Link.AUX, ConnectionStatus.NOT_CONNECTED);
        assertTrue(m.statusLine().startsWith("primary monitor watching: both connections are down"),
                m.statusLine());
        notifier.link(Link.MAIN, ConnectionStatus.ACTIVE).link(Link.AUX, ConnectionStatus.ACTIVE);
        assertTrue(m.statusLine().contains("both connections are up"), m.statusLine());
        m.deactivate();
        clock.runDue();
        notifier.link(Link.MAIN, ConnectionStatus.NOT_CONNECTED);
        assertTrue(m.statusLine().startsWith("primary monitor stopped (it watches no connection)"), m.statusLine());
        assertFalse(m.statusLine().contains("connections are"), m.statusLine());
    }

    // ---- section 5.3: the five outcomes

    @Test
    void replyResetsAndNextPingFollowsThePingDelayWhichDefaultsToHalfTheModuleTimeout() {
        notifier.always(NPING, Answer.reply(new byte[0]));
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(20_000);
        assertEquals(List.of(0L, 5_000L, 10_000L, 15_000L, 20_000L), notifier.sendTimes(NPING));
        assertEquals(5_000, notifier.sent(NPING).get(0).timeout().toMillis(), "timeout 0 = half of TS Timeout");
        assertTrue(sink.posted().isEmpty());
        assertTrue(m.isRunning());
        assertEquals(List.of("0 start"), moduleMonitor.calls(), "starting the primary monitor starts the module monitor");
    }

    @Test
    void explicitPingDelayAndTimeoutAndHalfOfAChangedModuleTimeout() {
        notifier.always(NPING, Answer.reply(new byte[0]));
        PrimaryMonitorComponent m = started(Map.of("switchover.primary.monitor.ping.delay", 7,
                "switchover.primary.monitor.timeout", 3));
        clock.advance(14_000);
        assertEquals(List.of(0L, 7_000L, 14_000L), notifier.sendTimes(NPING));
        assertEquals(3_000, notifier.sent(NPING).get(0).timeout().toMillis());
        // Back to 0 = half the module timeout; the module timeout is now 20 s (live, from the module monitor).
        m.timingChanged(moduleMonitor.timing(new ModuleTiming("TsServer", 20_000, 1_000, 2)));
        m.modified(new HashMap<>(Map.of()));
        clock.runDue();
        assertEquals(10_000, m.settings().pingDelayMillis());
        assertEquals(10_000, m.settings().timeoutMillis());
        clock.advance(10_000);
        assertEquals(24_000L, notifier.sendTimes(NPING).get(3));
        assertEquals(10_000, notifier.sent(NPING).get(3).timeout().toMillis());
    }

    @Test
    void rejectedIsHandledLikeTimeoutRetryPingsThenDiagnosis() {
        notifier.always(NPING, Answer.reject());
        probe.host(PRIMARY, true);
        PrimaryMonitorComponent m = started(Map.of("switchover.primary.monitor.retry.ping.delay", 2));
        clock.advance(4_000);
        assertEquals(List.of(0L, 2_000L, 4_000L), notifier.sendTimes(NPING));
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertEquals(4_000, sink.posted().get(0).atMillis());
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("retry ping 1 of 2 in 2000 ms")));
    }

    @Test
    void connectionLossWithMainUpIsFollowedByANormalPingNotARetry() {
        notifier.always(NPING, Answer.lost(0));
        started(Map.of());
        clock.advance(60_000);
        assertEquals(13, notifier.sendTimes(NPING).size(), "a ping every 5 s");
        assertTrue(sink.posted().isEmpty(), "no diagnosis while main is up");
    }

    @Test
    void connectionLossWithMainDownStartsRetryPings() {
        notifier.link(Link.MAIN, ConnectionStatus.NOT_CONNECTED).always(NPING, Answer.lost(0));
        probe.host(PRIMARY, true);
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(1_000);
        assertEquals(List.of(Link.AUX, Link.AUX, Link.AUX),
                notifier.sent(NPING).stream().map(MemoryNotifier.Sent::link).toList(), "the live connection is used");
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertEquals(0, sink.posted().get(0).atMillis());
        assertTrue(sink.posted().get(0).report().detail().contains("auxiliary connection up, main down"));
        assertTrue(m.statusLine().contains("notifier down"), m.statusLine());
    }

    @Test
    void cancelledIsIgnoredAndAStoppedMonitorPostsNothing() {
        notifier.always(NPING, new Answer(ResponseOutcome.CANCELLED, new byte[0], 0, false));
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(10_000);
        assertEquals(List.of(0L, 5_000L, 10_000L), notifier.sendTimes(NPING), "a cancel by the notifier is not counted");
        assertTrue(sink.posted().isEmpty());

        notifier.always(NPING, Answer.timeout());
        clock.advance(7_000);
        m.deactivate(); // the monitoring condition went away
        clock.advance(60_000);
        assertFalse(m.isRunning());
        assertEquals(4, notifier.sendTimes(NPING).size(), "the ping in flight was cancelled, none followed");
        assertTrue(sink.posted().isEmpty());
        assertEquals("17000 stop", moduleMonitor.calls().get(moduleMonitor.calls().size() - 1));
    }

    @Test
    void replyAfterRetriesResetsTheRetryCount() {
        notifier.on(NPING, (l, t, i) -> i == 1 || i == 4 || i == 5 ? Answer.timeout() : Answer.reply(new byte[0]));
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(60_000);
        assertTrue(sink.posted().isEmpty(), "never more than 2 failures in a row");
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("answers again over MAIN after 1 retry ping(s)")));
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("answers again over MAIN after 2 retry ping(s)")));
    }

    // ---- V7: the backup off the network

    @Test
    void v7_backupOffTheNetworkIsDiagnosedAfterThreePingsOfFiveSecondsAsNetworkDown() {
        notifier.always(NPING, Answer.timeout());
        PrimaryMonitorComponent m = started(Map.of("switchover.disable.gateway.ping", "No"));
        clock.advance(15_000);
        assertEquals(List.of(0L, 5_000L, 10_000L), notifier.sendTimes(NPING));
        assertEquals(List.of(NETWORK_DOWN), sink.signals());
        RecordingSink.Posted p = sink.posted().get(0);
        assertEquals(15_000, p.atMillis());
        assertEquals("Loss of Connection to Notifier", p.report().reason());
        assertTrue(p.report().detail().contains("GatewayUnreachable, NetTestUnavailable, PrimaryUnreachable"),
                p.report().detail());
        assertFalse(moduleMonitor.isRunning(), "the module monitor is stopped on connection trouble");
    }

    @Test
    void v7_withDefaultsTheOwnNetworkCannotBeShownGoodSoAnUnreachablePrimaryIsNetworkDown() {
        notifier.always(NPING, Answer.timeout());
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(15_000);
        assertEquals(List.of(NETWORK_DOWN), sink.signals());
        assertEquals(15_000, sink.posted().get(0).atMillis());
        assertTrue(sink.posted().get(0).report().detail().contains("network: NetTestUnavailable, PrimaryUnreachable"));
        assertTrue(probe.probesOf(GATEWAY).isEmpty(), "gateway ping is disabled by default");
        assertTrue(m.statusLine().contains("NetTestUnavailable, PrimaryUnreachable"), m.statusLine());
    }

    @Test
    void v7_primaryMachineReachableButItsNotifierSilentIsNotifierDown() {
        notifier.always(NPING, Answer.timeout());
        probe.host(PRIMARY, true);
        started(Map.of());
        clock.advance(15_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertEquals(15_000, sink.posted().get(0).atMillis());
    }

    @Test
    void troubleKeepsPingingWithoutNewReportsAndRestoredConnectionsArePosted() {
        notifier.on(NPING, (l, t, i) -> t < 40_000 ? Answer.timeout() : Answer.reply(new byte[0]));
        probe.host(PRIMARY, true);
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(39_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals(), "one report, not a flood");
        m.watchdogPoll();
        clock.advance(100);
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("tracking suspended")));
        int startsBefore = (int) moduleMonitor.calls().stream().filter(c -> c.endsWith("start")).count();
        clock.advance(6_000);
        assertEquals(List.of(NOTIFIER_DOWN, CONNECTIONS_RESTORED), sink.signals());
        assertTrue(moduleMonitor.isRunning(), "module monitor restarted with the connections");
        assertEquals(startsBefore + 1, moduleMonitor.calls().stream().filter(c -> c.endsWith("start")).count());
    }

    @Test
    void restoredPingsWithOnlyOneConnectionUpAreNotARestoration() {
        notifier.on(NPING, (l, t, i) -> t < 20_000 ? Answer.timeout() : Answer.reply(new byte[0]));
        probe.host(PRIMARY, true);
        started(Map.of());
        clock.advance(19_000);
        notifier.link(Link.AUX, ConnectionStatus.NOT_CONNECTED);
        clock.advance(30_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        notifier.link(Link.AUX, ConnectionStatus.ACTIVE);
        clock.advance(5_000);
        assertEquals(List.of(NOTIFIER_DOWN, CONNECTIONS_RESTORED), sink.signals());
    }

    // ---- V6: NetTest by this node's letter

    @Test
    void v6_eachNodeUsesTheNetTestOfItsOwnLetter() {
        for (String node : List.of("A", "B")) {
            MonitorFixture fx = new MonitorFixture();
            VirtualScheduler c = fx.clock;
            fx.notifier.always(NPING, Answer.timeout());
            ScriptedProbe p = fx.probe.host("135.89.3.43", true).host("86.45.2.1", true);
            RecordingSink s = fx.sink;
            fx.gateways = List.of();
            // The primary's machine has no address, only its server name (localhost here).
            fx.identity.node(NodeId.parse(node)).address(NodeId.A, "").address(NodeId.B, "");
            PrimaryMonitorComponent m = fx.activate(fx.primaryMonitor(null), Map.of("switchover.nettest.a",
                    "135.89.3.43", "switchover.nettest.b", "86.45.2.1", "switchover.nettest.timeout", 2));
            c.advance(15_000);
            String expected = node.equals("A") ? "135.89.3.43" : "86.45.2.1";
            assertEquals(List.of(expected), m.netTests());
            assertEquals(1, p.probesOf(expected).size(), node);
            assertEquals(2_000, p.probesOf(expected).get(0).timeoutMillis());
            assertTrue(p.probes().stream().noneMatch(x -> !x.host().equals(expected)
                    && (x.host().equals("135.89.3.43") || x.host().equals("86.45.2.1"))), node);
            // NetTest reached shows this node's network is good; the primary (localhost here) is unreachable.
            assertEquals(List.of(PRIMARY_UNREACHABLE), s.signals(), node);
            assertTrue(s.posted().get(0).report().detail().contains("NetTestReached, PrimaryUnreachable"));
        }
    }

    @Test
    void netTestAddressesAreTriedInOrderAndAllSilentIsNetTestUnreachable() {
        notifier.always(NPING, Answer.timeout());
        PrimaryMonitorComponent m = started(Map.of("switchover.nettest.a", "10.0.0.1; 10.0.0.2"));
        clock.advance(20_000);
        assertEquals(List.of("10.0.0.1", "10.0.0.2"),
                probe.probes().stream().map(ScriptedProbe.Probe::host).filter(h -> h.startsWith("10.")).toList());
        assertEquals(List.of(NETWORK_DOWN), sink.signals());
        assertTrue(sink.posted().get(0).report().detail().contains("NetTestUnreachable, PrimaryUnreachable"));
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("'NetTestUnreachable'")));
    }

    @Test
    void netTestUnreachableWithPrimaryReachableIsNotifierDown() {
        notifier.always(NPING, Answer.timeout());
        probe.host(PRIMARY, true);
        started(Map.of("switchover.nettest.a", "10.0.0.1"));
        clock.advance(20_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
    }

    // ---- V8: unreachable primary

    private void unreachablePrimary(Map<String, Object> extra) {
        notifier.always(NPING, Answer.timeout());
        probe.host(GATEWAY, true);
        Map<String, Object> config = new HashMap<>(Map.of("switchover.disable.gateway.ping", "0"));
        config.putAll(extra);
        started(config);
    }

    @Test
    void v8_countZeroToThreeGivesThreeMoreSetsTenSecondsApartThenTheSwitchSignal() {
        for (int count = 0; count <= 3; count++) {
            MonitorFixture fx = new MonitorFixture();
            VirtualScheduler c = fx.clock;
            fx.notifier.always(NPING, Answer.timeout());
            ScriptedProbe p = fx.probe.host(GATEWAY, true);
            RecordingSink s = fx.sink;
            fx.activate(fx.primaryMonitor(null), Map.of("switchover.disable.gateway.ping", "no",
                    "switchover.unreachable.primary.ping.count", count));
            c.advance(15_000);
            assertEquals(List.of(PRIMARY_UNREACHABLE), s.signals(), "count " + count);
            assertEquals(15_000, s.posted().get(0).atMillis());
            assertTrue(s.posted().get(0).report().detail().contains("GatewayReached, NetTestUnavailable, "
                    + "PrimaryUnreachable"), s.posted().get(0).report().detail());
            c.advance(100_000);
            assertEquals(List.of(PRIMARY_UNREACHABLE, PRIMARY_UNREACHABLE), s.signals(), "count " + count);
            // The diagnosis echo, then three sets of three echoes 10 s apart.
            assertEquals(List.of(15_000L, 25_000L, 25_000L, 25_000L, 35_000L, 35_000L, 35_000L, 45_000L, 45_000L,
                    45_000L), p.probesOf(PRIMARY).stream().map(ScriptedProbe.Probe::atMillis).toList());
            assertEquals(45_000, s.posted().get(1).atMillis());
            assertTrue(s.posted().get(1).report().detail().contains("3 additional ping set(s)"));
        }
    }

    @Test
    void v8_withEchoTimeoutsItIsThirtySecondsPlusThePingTime() {
        probe.silentUntilTimeout();
        unreachablePrimary(Map.of("switchover.nettest.timeout", 1));
        clock.advance(16_000);
        assertEquals(List.of(PRIMARY_UNREACHABLE), sink.signals());
        assertEquals(16_000, sink.posted().get(0).atMillis(), "15 s of pings and one echo of 1 s");
        clock.advance(60_000);
        // Each set: 3 echoes of 1 s; each set starts 10 s after the previous one ended.
        assertEquals(16_000 + 3 * (10_000 + 3_000), sink.posted().get(1).atMillis());
    }

    @Test
    void v8_minusOneNeverSwitchesForAnUnreachablePrimary() {
        unreachablePrimary(Map.of("switchover.unreachable.primary.ping.count", -1));
        clock.advance(600_000);
        assertEquals(List.of(PRIMARY_UNREACHABLE), sink.signals());
        assertEquals(1, probe.probesOf(PRIMARY).size(), "only the diagnosis echo");
    }

    @Test
    void v8_moreThanThreeGivesThatManySetsAndTheDelayIsConfigurable() {
        unreachablePrimary(Map.of("switchover.unreachable.primary.ping.count", 5,
                "switchover.unreachable.primary.ping.delay", 20));
        clock.advance(500_000);
        assertEquals(List.of(PRIMARY_UNREACHABLE, PRIMARY_UNREACHABLE), sink.signals());
        assertEquals(1 + 5 * 3, probe.probesOf(PRIMARY).size());
        assertEquals(15_000 + 5 * 20_000, sink.posted().get(1).atMillis());
    }

    @Test
    void v8_primaryAnsweringDuringTheSetsIsNotifierDownAndEndsTheSets() {
        probe.host(PRIMARY, (t, i) -> t >= 40_000);
        unreachablePrimary(Map.of());
        clock.advance(200_000);
        assertEquals(List.of(PRIMARY_UNREACHABLE, NOTIFIER_DOWN), sink.signals());
        assertEquals(45_000, sink.posted().get(1).atMillis());
    }

    // ---- section 5.5.6: module-down path with a fake module monitor

    @Test
    void moduleAnsweringTheConfirmationPingsIsUpNoErrorAndTheModuleMonitorRestarts() {
        notifier.always(NPING, Answer.reply(new byte[0]));
        notifier.on(MPING, (l, t, i) -> i == 0 ? Answer.reject() : Answer.reply(incarnation(12)));
        PrimaryMonitorComponent m = started(Map.of());
        clock.advance(3_000);
        m.moduleDown("test");
        clock.runDue();
        assertEquals(List.of(MODULE_UP), sink.signals());
        assertEquals(List.of("0 start", "3000 stop", "3000 start"), moduleMonitor.calls());
        assertEquals(List.of(Link.MAIN, Link.MAIN), notifier.sent(MPING).stream().map(MemoryNotifier.Sent::link).toList());
        clock.advance(5_000);
        assertEquals(8_000L, notifier.sendTimes(NPING).get(notifier.sendTimes(NPING).size() - 1), "ping loop goes on");
    }

    @Test
    void moduleDownWithTheAuxiliaryConnectionDownIsNotifierDown() {
        notifier.always(NPING, Answer.reply(new byte[0])).always(MPING, Answer.reject());
        probe.host(PRIMARY, true);
        PrimaryMonitorComponent m = started(Map.of());
        notifier.link(Link.AUX, ConnectionStatus.NOT_CONNECTED);
        m.moduleDown("test");
        clock.runDue();
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertEquals("Loss of Connection to Notifier", sink.posted().get(0).report().reason());
    }

    @Test
    void moduleDownWithTheNetworkGoodIsPostedAsTsPingFailure() {
        notifier.always(NPING, Answer.reply(new byte[0])).always(MPING, Answer.timeout());
        PrimaryMonitorComponent m = moduleDownAt(1_000, 10_000);
        assertEquals(List.of(MODULE_DOWN), sink.signals());
        RecordingSink.Posted p = sink.posted().get(0);
        assertEquals(11_000, p.atMillis(), "two confirmation pings of 5 s");
        assertEquals("TS Ping Failure", p.report().reason());
        assertTrue(p.report().detail().contains("monitored module down"));
        assertTrue(m.statusLine().contains("monitored module down"), m.statusLine());
    }

    @Test
    void moduleDownDuringConnectionAnalysisIsLeftToThatAnalysis() {
        notifier.always(NPING, Answer.timeout());
        PrimaryMonitorComponent m = moduleDownAt(6_000, 20_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertTrue(notifier.sent(MPING).isEmpty());
    }

    // ---- section 5.4: watchdog

    @Test
    void watchdogRestartsASilentModuleMonitorAfterItsLongestExpectedSilence() {
        notifier.always(NPING, Answer.reply(new byte[0]));
        PrimaryMonitorComponent m = started(Map.of());
        // Defaults: (2 x 2 + 1) x (10 + 1) + 10 = 65 s.
        clock.advance(65_000);
        m.watchdogPoll();
        clock.runDue();
        assertEquals(List.of("0 start"), moduleMonitor.calls());
        m.systemOk(1);
        clock.advance(65_001);
        m.watchdogPoll();
        clock.runDue();
        assertEquals(List.of("0 start", "130001 stop", "130001 start"), moduleMonitor.calls());
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("no module monitor event for 65001 ms")));
    }

    @Test
    void watchdogStartsAModuleMonitorThatIsNotRunning() {
        notifier.always(NPING, Answer.reply(new byte[0]));
        PrimaryMonitorComponent m = started(Map.of());
        moduleMonitor.die();
        m.watchdogPoll();
        clock.runDue();
        assertTrue(moduleMonitor.isRunning());
    }

    @Test
    void moduleMonitorAppearingLaterIsStarted() {
        notifier.always(NPING, Answer.reply(new byte[0]));
        PrimaryMonitorComponent m = activate(primaryMonitor(null), Map.of());
        clock.advance(1_000);
        m.bindModuleMonitor(moduleMonitor);
        clock.runDue();
        assertTrue(moduleMonitor.isRunning());
    }

    // ---- parameters

    @Test
    void documentedBooleansAndMalformedValues() {
        PrimaryMonitorComponent m = monitor(Map.of());
        assertFalse(m.settings().gatewayPing(), "gateway ping disabled by default");
        for (String enable : List.of("No", "no", "NO", "0", "false")) {
            m.modified(new HashMap<>(Map.of("node", "A", "switchover.disable.gateway.ping", enable)));
            assertTrue(m.settings().gatewayPing(), enable);
        }
        m.modified(new HashMap<>(Map.of("switchover.disable.gateway.ping", "sometimes",
                "switchover.primary.monitor.retry.count", "three", "node", "C")));
        assertTrue(m.settings().gatewayPing(), "malformed boolean keeps the previous value");
        assertEquals(2, m.settings().retryCount(), "malformed number keeps the previous value");
        assertEquals("A", m.node().name(), "a node that is neither A nor B keeps the previous one");
        m.modified(new HashMap<>(Map.of("node", "A", "switchover.disable.gateway.ping", "YES",
                "switchover.primary.monitor.retry.count", 99, "switchover.unreachable.primary.ping.count", -7,
                "switchover.unreachable.primary.ping.delay", 0)));
        assertFalse(m.settings().gatewayPing());
        assertEquals(50, m.settings().retryCount(), "clamped to 1-50");
        assertEquals(-1, m.settings().unreachableCount());
        assertEquals(1, m.settings().unreachableDelayS());
    }

    @Test
    void primaryAddressIsThePeersAddressElseItsServerName() {
        PrimaryMonitorComponent m = monitor(Map.of());
        assertEquals(PRIMARY, m.primaryHost());
        // Node B's identity: the primary A has a server name but no address.
        identity.node(NodeId.B).host(NodeId.A, "icserver1").address(NodeId.A, "").address(NodeId.B, "10.9.9.9");
        assertEquals("icserver1", m.primaryHost());
    }
}
