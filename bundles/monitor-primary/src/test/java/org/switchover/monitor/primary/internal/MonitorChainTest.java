package org.switchover.monitor.primary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.switchover.api.monitor.MonitorSignal.MODULE_DOWN;
import static org.switchover.api.monitor.MonitorSignal.NOTIFIER_DOWN;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.monitor.module.internal.ModuleMonitorComponent;
import org.switchover.monitor.module.testing.ScriptedPrimary.Answer;
import org.switchover.monitor.module.testing.ScriptedPrimary;
import org.switchover.testing.MemoryNotifier;

/** The real module monitor and the real primary monitor wired together on virtual time with a scripted peer. */
class MonitorChainTest extends MonitorFixture {

    private final ModuleMonitorComponent moduleMonitor = new ModuleMonitorComponent(clock);
    private final PrimaryMonitorComponent primaryMonitor = primaryMonitor(moduleMonitor);
    private Map<String, Object> config = Map.of();

    /** The module monitor configured with {@code config} (the same properties go to the primary monitor). */
    private void wire(Map<String, Object> config) {
        this.config = config;
        moduleMonitor.setNotifier(notifier.notifier());
        moduleMonitor.addListener(primaryMonitor);
        moduleMonitor.activate(new HashMap<>(config));
        clock.runDue();
    }

    /** The monitoring condition appears: the primary monitor is activated and starts. */
    private void startPrimaryMonitor() {
        activate(primaryMonitor, config);
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("no line containing '" + fragment + "' in " + lines);
    }

    @Test
    void v2_rejectedModulePingsEndInModuleDownPostedAtThirtySeconds() {
        // V2's setting: gateway ping enabled and answering, no NetTest, primary reachable, both connections up.
        notifier.always(MPING, Answer.reject()).always(NPING, Answer.reply(new byte[0]));
        probe.host(GATEWAY, true).host(PRIMARY, true);
        wire(Map.of("switchover.disable.gateway.ping", "No", "switchover.ts.timeout", 10,
                "switchover.max.ts.failures", 2));
        startPrimaryMonitor();
        clock.advance(30_000);

        assertEquals(List.of(MODULE_DOWN), sink.signals());
        RecordingSink.Posted p = sink.posted().get(0);
        assertTrue(Math.abs(p.atMillis() - 30_000) <= 50, "posted at " + p.atMillis());
        assertEquals("TS Ping Failure", p.report().reason());
        assertTrue(p.report().detail().contains("GatewayReached, NetTestUnavailable, PrimaryReached"),
                p.report().detail());

        // Module pings: the module monitor's two on main, two on aux, then the primary monitor's two on main.
        assertEquals(List.of(0L, 10_000L, 20_000L, 30_000L, 30_000L, 30_000L), notifier.sendTimes(MPING));
        assertEquals(List.of(Link.MAIN, Link.MAIN, Link.AUX, Link.AUX, Link.MAIN, Link.MAIN),
                notifier.sent(MPING).stream().map(MemoryNotifier.Sent::link).toList());

        // The primary monitor's part of the log, in the reference sample's order.
        List<String> pm = primaryMonitor.journal().stream().map(Journal.Entry::text).toList();
        int[] order = {
            indexOf(pm, "not responding"),
            indexOf(pm, "Sending up to 2 ping(s) to the TsServer module over the main connection"),
            indexOf(pm, "No reply from the TsServer module after 2 ping(s)"),
            indexOf(pm, "'GatewayReached'"),
            indexOf(pm, "'NetTestUnavailable'"),
            indexOf(pm, "'PrimaryReached'"),
            indexOf(pm, "primary connection status 'monitored module down'"),
            indexOf(pm, "Posting MODULE_DOWN (TS Ping Failure)"),
        };
        for (int i = 1; i < order.length; i++) {
            assertTrue(order[i - 1] < order[i], "log order at step " + i + ": " + pm);
        }
        assertTrue(pm.get(order[0]).contains("both connections are up"), pm.get(order[0]));
        assertTrue(primaryMonitor.statusLine().contains("GatewayReached, NetTestUnavailable, PrimaryReached"),
                primaryMonitor.statusLine());
        assertTrue(primaryMonitor.statusLine().contains("monitored module down"), primaryMonitor.statusLine());
        assertEquals(30_000, moduleMonitor.journal().stream()
                .filter(e -> e.text().contains("signalling that the module is down")).findFirst().orElseThrow()
                .atMillis());
    }

    @Test
    void v3_timeoutsWithOnlyTheMainConnection() {
        // The legacy single-connection sample: the module monitor signals at 10 + 1 + 10 = 21 s. With the
        // auxiliary connection down the primary monitor's table makes it a connection problem, after its two
        // confirmation pings of 5 s each.
        notifier.link(Link.AUX, ConnectionStatus.NOT_CONNECTED).always(MPING, Answer.timeout())
                .always(NPING, Answer.reply(new byte[0]));
        probe.host(PRIMARY, true);
        wire(Map.of("switchover.ts.timeout", 10, "switchover.ts.failure.retry.delay", 1,
                "switchover.max.ts.failures", 2));
        startPrimaryMonitor();
        clock.advance(21_000);
        assertEquals(21_000, moduleMonitor.journal().stream()
                .filter(e -> e.text().contains("signalling that the module is down")).findFirst().orElseThrow()
                .atMillis());
        assertEquals(21_000, primaryMonitor.journal().stream()
                .filter(e -> e.text().contains("not responding")).findFirst().orElseThrow().atMillis());
        clock.advance(10_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertEquals(31_000, sink.posted().get(0).atMillis());
        assertTrue(sink.posted().get(0).report().detail().contains("main connection up, auxiliary down"));
        assertFalse(moduleMonitor.isRunning(), "stopped on connection trouble");
    }

    @Test
    void hungModuleWithBothConnectionsUpIsPostedAfterBothConnectionsAndTheConfirmation() {
        notifier.always(MPING, Answer.timeout()).always(NPING, Answer.reply(new byte[0]));
        probe.host(PRIMARY, true);
        wire(Map.of());
        startPrimaryMonitor();
        clock.advance(60_000);
        // 10 + 1 + 10 on main, 1 + 10 + 1 + 10 on aux = 43 s, then two confirmation pings of 5 s.
        assertEquals(List.of(MODULE_DOWN), sink.signals());
        assertEquals(53_000, sink.posted().get(0).atMillis());
    }

    @Test
    void moduleRestartingTooOftenIsNotExcusedByItsAnswers() {
        // Every reply carries a new incarnation: the module answers, but restarts each time.
        notifier.on(MPING, (l, t, i) -> Answer.incarnation(500 + i)).always(NPING, Answer.reply(new byte[0]));
        probe.host(PRIMARY, true);
        wire(Map.of());
        startPrimaryMonitor();
        clock.advance(30_000);
        assertEquals(List.of(MODULE_DOWN), sink.signals());
        assertEquals(30_000, sink.posted().get(0).atMillis());
        assertTrue(sink.posted().get(0).report().detail().contains("NetTestUnavailable, PrimaryReached"));
        assertEquals(4, notifier.sent(MPING).size(), "no confirmation pings: an answer proves nothing here");
    }

    @Test
    void healthyModuleAndNotifierPostNothingAndKeepTheWatchdogFed() {
        notifier.always(MPING, Answer.incarnation(77)).always(NPING, Answer.reply(new byte[0]));
        wire(Map.of());
        startPrimaryMonitor();
        for (int i = 0; i < 100; i++) {
            clock.advance(10_000);
            primaryMonitor.watchdogPoll();
        }
        clock.runDue();
        assertTrue(sink.posted().isEmpty());
        assertTrue(moduleMonitor.isRunning());
        assertTrue(primaryMonitor.journal().stream().noneMatch(e -> e.text().contains("restarting the module")));
        assertTrue(moduleMonitor.statusLine().contains("incarnation 77"), moduleMonitor.statusLine());
    }

    @Test
    void stoppingThePrimaryMonitorStopsTheModuleMonitor() {
        notifier.always(MPING, Answer.incarnation(1)).always(NPING, Answer.reply(new byte[0]));
        wire(Map.of());
        startPrimaryMonitor();
        clock.advance(1_000);
        assertTrue(moduleMonitor.isRunning());
        primaryMonitor.deactivate(); // the monitoring condition went away
        clock.advance(100_000);
        assertFalse(moduleMonitor.isRunning());
        assertEquals(1, notifier.sent(MPING).size());
        assertEquals(1, notifier.sent(NPING).size());
    }
}
