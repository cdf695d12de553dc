package org.switchover.monitor.module.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.monitor.module.testing.RecordingListener.Event;
import org.switchover.monitor.module.testing.RecordingListener;
import org.switchover.monitor.module.testing.ScriptedPrimary.Answer;
import org.switchover.monitor.module.testing.ScriptedPrimary;
import org.switchover.testing.MemoryNotifier;
import org.switchover.testing.VirtualScheduler;

class ModuleMonitorComponentTest {

    private static final String PING = EventIds.MODULE_PING;

    private final VirtualScheduler clock = new VirtualScheduler();
    private final ScriptedPrimary notifier = new ScriptedPrimary(clock);
    private final RecordingListener events = new RecordingListener(clock);

    private ModuleMonitorComponent monitor(Map<String, Object> config) {
        ModuleMonitorComponent m = new ModuleMonitorComponent(clock);
        m.setNotifier(notifier.notifier());
        m.addListener(events);
        m.activate(new HashMap<>(config));
        clock.runDue();
        return m;
    }

    private ModuleMonitorComponent started(Map<String, Object> config) {
        ModuleMonitorComponent m = monitor(config);
        m.start();
        clock.runDue();
        return m;
    }

    private List<Link> links() {
        return notifier.sent(PING).stream().map(MemoryNotifier.Sent::link).toList();
    }

    private static List<String> texts(ModuleMonitorComponent m) {
        return m.journal().stream().map(Journal.Entry::text).toList();
    }

    private static long timeOf(ModuleMonitorComponent m, String fragment) {
        return m.journal().stream().filter(e -> e.text().contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionError("no journal line containing '" + fragment + "' in "
                        + m.journal())).atMillis();
    }

    @Test
    void v1_replyResetsErrorCountAndNextPingFollowsOneTimeoutLater() {
        // First ping times out (error 1), the retry is answered: count back to 0, next ping one TS timeout later.
        notifier.on(PING, (l, t, i) -> i == 0 ? Answer.timeout() : Answer.incarnation(4242));
        ModuleMonitorComponent m = started(Map.of());
        clock.advance(40_000);

        assertEquals(List.of(0L, 11_000L, 21_000L, 31_000L), notifier.sendTimes(PING).subList(0, 4));
        assertEquals(new Event(11_000, "SYSTEM_OK", "4242"), events.events().get(0));
        assertTrue(m.statusLine().contains("errors 0/2"), m.statusLine());
        assertTrue(m.statusLine().contains("incarnation 4242"), m.statusLine());
        assertTrue(events.of("MODULE_DOWN").isEmpty());
        assertEquals(11_000, timeOf(m, "error count reset"));
    }

    @Test
    void v1_steadyRepliesPingEveryTsTimeout() {
        notifier.always(PING, Answer.incarnation(7));
        started(Map.of());
        clock.advance(30_000);
        assertEquals(List.of(0L, 10_000L, 20_000L, 30_000L), notifier.sendTimes(PING));
        assertEquals(4, events.of("SYSTEM_OK").size());
        assertEquals(List.of(Link.MAIN, Link.MAIN, Link.MAIN, Link.MAIN), links());
    }

    @Test
    void v2_rejectionsCountAsErrorsReissuedAfterRegularPeriodThenAuxThenModuleDown() {
        notifier.always(PING, Answer.reject());
        ModuleMonitorComponent m = started(Map.of("switchover.ts.timeout", 10, "switchover.max.ts.failures", 2));
        clock.advance(30_000);

        assertEquals(List.of(0L, 10_000L, 20_000L, 30_000L), notifier.sendTimes(PING));
        assertEquals(List.of(Link.MAIN, Link.MAIN, Link.AUX, Link.AUX), links());
        List<Event> down = events.of("MODULE_DOWN");
        assertEquals(1, down.size());
        assertEquals(30_000, down.get(0).atMillis());
        assertTrue(events.of("SYSTEM_OK").isEmpty());

        // The log tells the same story in the same order as the reference sample.
        List<String> t = texts(m).stream().filter(s -> s.startsWith("Ping of")).toList();
        assertEquals(4, t.size(), t.toString());
        assertTrue(t.get(0).contains("over MAIN was rejected") && t.get(0).contains("error count 1 within maximum 2")
                && t.get(0).contains("regular period"), t.get(0));
        assertTrue(t.get(1).contains("maximum error count 2 reached on MAIN")
                && t.get(1).contains("trying the alternate connection AUX"), t.get(1));
        assertTrue(t.get(2).contains("over AUX was rejected") && t.get(2).contains("error count 1"), t.get(2));
        assertTrue(t.get(3).contains("signalling that the module is down"), t.get(3));
        assertEquals(0, timeOf(m, "error count 1 within maximum 2"));
        assertEquals(10_000, timeOf(m, "trying the alternate connection"));
        assertEquals(30_000, timeOf(m, "signalling that the module is down"));
    }

    @Test
    void v3_timeoutsWithoutAuxConnectionGiveModuleDownAfterTimeoutPlusRetryPlusTimeout() {
        notifier.link(Link.AUX, ConnectionStatus.NOT_CONNECTED).always(PING, Answer.timeout());
        ModuleMonitorComponent m = started(Map.of("switchover.ts.timeout", 10,
                "switchover.ts.failure.retry.delay", 1, "switchover.max.ts.failures", 2));
        clock.advance(21_000);

        assertEquals(List.of(0L, 11_000L), notifier.sendTimes(PING));
        assertEquals(List.of(new Event(21_000, "MODULE_DOWN", events.of("MODULE_DOWN").get(0).detail())),
                events.events());
        assertEquals(10_000, timeOf(m, "error count 1 within maximum 2"));
        assertTrue(texts(m).stream().anyMatch(s -> s.contains("retry in 1000 ms")));
        assertTrue(events.of("MODULE_DOWN").get(0).detail().contains("alternate connection AUX is not up"));
    }

    @Test
    void timeoutsWithBothConnectionsUpTryAuxBeforeModuleDown() {
        notifier.always(PING, Answer.timeout());
        started(Map.of());
        clock.advance(43_000);
        assertEquals(List.of(0L, 11_000L, 22_000L, 33_000L), notifier.sendTimes(PING));
        assertEquals(List.of(Link.MAIN, Link.MAIN, Link.AUX, Link.AUX), links());
        assertEquals(43_000, events.of("MODULE_DOWN").get(0).atMillis());
    }

    @Test
    void replyOnAuxReturnsToMain() {
        notifier.on(PING, (l, t, i) -> l == Link.MAIN ? Answer.reject() : Answer.incarnation(5));
        ModuleMonitorComponent m = started(Map.of());
        clock.advance(30_000);
        assertEquals(List.of(Link.MAIN, Link.MAIN, Link.AUX, Link.MAIN), links());
        assertEquals(List.of(0L, 10_000L, 20_000L, 30_000L), notifier.sendTimes(PING));
        assertEquals(20_000, events.of("SYSTEM_OK").get(0).atMillis());
        assertTrue(events.of("MODULE_DOWN").isEmpty());
        assertTrue(m.statusLine().contains("connection MAIN"), m.statusLine());
    }

    @Test
    void lostConnectionAndEmptyReplyAreErrorsRetriedAfterRetryDelay() {
        notifier.on(PING, (l, t, i) -> i == 0 ? Answer.lost(0) : i == 1 ? Answer.reply(new byte[0])
                : Answer.incarnation(9));
        ModuleMonitorComponent m = started(Map.of("switchover.max.ts.failures", 3));
        clock.advance(3_000);
        assertEquals(List.of(0L, 1_000L, 2_000L), notifier.sendTimes(PING));
        assertTrue(texts(m).stream().anyMatch(s -> s.contains("without a valid incarnation id (0 bytes")));
        assertEquals(2_000, events.of("SYSTEM_OK").get(0).atMillis());
    }

    @Test
    void pingOnAuxConnectionStartsOnAuxAndFallsBackToMain() {
        notifier.always(PING, Answer.reject());
        started(Map.of("switchover.ping.on.aux.connection", "Yes"));
        clock.advance(30_000);
        assertEquals(List.of(Link.AUX, Link.AUX, Link.MAIN, Link.MAIN), links());
        assertEquals(30_000, events.of("MODULE_DOWN").get(0).atMillis());
    }

    @Test
    void restartsInsideTheWindowBeyondTheMaximumReportModuleDown() {
        // Incarnation changes at 60 s, 120 s and 180 s: three restarts inside 300 s, Max Restarts 2.
        notifier.on(PING, (l, t, i) -> Answer.incarnation(100 + t / 60_000));
        ModuleMonitorComponent m = started(Map.of());
        clock.advance(179_000);
        assertTrue(events.of("MODULE_DOWN").isEmpty(), "two restarts are tolerated");
        clock.advance(1_000);
        List<Event> down = events.of("MODULE_DOWN");
        assertEquals(1, down.size());
        assertEquals(180_000, down.get(0).atMillis());
        assertTrue(down.get(0).detail().contains("restarted 3 times within 300 s"), down.get(0).detail());
        assertTrue(m.statusLine().contains("restarts 3 in 300 s"), m.statusLine());
        clock.advance(50_000);
        assertEquals(1, events.of("MODULE_DOWN").size(), "replies of the same incarnation do not report again");
        clock.advance(10_000);
        assertEquals(2, events.of("MODULE_DOWN").size(), "a further restart inside the window reports again");
    }

    @Test
    void restartsSpreadOutDoNotReportModuleDown() {
        // A restart every 200 s: never more than two inside any 300 s window.
        notifier.on(PING, (l, t, i) -> Answer.incarnation(100 + t / 200_000));
        started(Map.of());
        clock.advance(2_000_000);
        assertTrue(events.of("MODULE_DOWN").isEmpty());
        assertEquals(201, events.of("SYSTEM_OK").size());
    }

    @Test
    void consecutiveRestartsBeyondTheSequentialMaximumReportModuleDown() {
        notifier.on(PING, (l, t, i) -> Answer.incarnation(1000 + i));
        started(Map.of("switchover.max.restarts", 100));
        clock.advance(20_000);
        assertTrue(events.of("MODULE_DOWN").isEmpty(), "two consecutive restarts are tolerated");
        clock.advance(10_000);
        assertEquals(30_000, events.of("MODULE_DOWN").get(0).atMillis());
        assertTrue(events.of("MODULE_DOWN").get(0).detail().contains("3 consecutive replies"));
    }

    @Test
    void changedTsTimeoutChangesThePendingPingPeriodLive() {
        notifier.always(PING, Answer.incarnation(1));
        ModuleMonitorComponent m = started(Map.of());
        clock.advance(3_000);
        m.modified(new HashMap<>(Map.of("switchover.ts.timeout", 20)));
        clock.advance(37_000);
        assertEquals(List.of(0L, 20_000L, 40_000L), notifier.sendTimes(PING));
        // Shortened below the time already waited: the ping goes at once.
        clock.advance(7_000);
        m.modified(new HashMap<>(Map.of("switchover.ts.timeout", 5)));
        clock.runDue();
        assertEquals(47_000L, notifier.sendTimes(PING).get(3));
        clock.advance(5_000);
        assertEquals(52_000L, notifier.sendTimes(PING).get(4));
    }

    @Test
    void changedRetryDelayAppliesToThePendingRetry() {
        notifier.always(PING, Answer.lost(0));
        ModuleMonitorComponent m = started(Map.of("switchover.max.ts.failures", 10,
                "switchover.ts.failure.retry.delay", 30));
        clock.advance(5_000);
        m.modified(new HashMap<>(Map.of("switchover.max.ts.failures", 10, "switchover.ts.failure.retry.delay", 8)));
        clock.advance(20_000);
        assertEquals(List.of(0L, 8_000L, 16_000L, 24_000L), notifier.sendTimes(PING));
    }

    @Test
    void malformedValuesAreReportedAndThePreviousValueKept() {
        ModuleMonitorComponent m = monitor(Map.of("switchover.ts.timeout", "20", "switchover.ping.on.aux.connection", "yes"));
        assertEquals(20_000, m.settings().timeoutMillis());
        assertTrue(m.settings().pingOnAux());

        m.modified(new HashMap<>(Map.of("switchover.ts.timeout", "twenty", "switchover.ping.on.aux.connection",
                "perhaps", "switchover.monitoring", "Telephony", "switchover.max.ts.failures", " 4 ")));
        assertEquals(20_000, m.settings().timeoutMillis(), "malformed number keeps the previous value");
        assertTrue(m.settings().pingOnAux(), "malformed boolean keeps the previous value");
        assertEquals("TsServer", m.settings().moduleName(), "unknown module name keeps the previous value");
        assertEquals(4, m.settings().maxFailures(), "blanks around a number are accepted");

        m.modified(new HashMap<>(Map.of("switchover.ts.timeout", 3, "switchover.ping.on.aux.connection", "NO",
                "switchover.max.ts.failures", 0)));
        assertEquals(5_000, m.settings().timeoutMillis(), "clamped to the documented minimum");
        assertFalse(m.settings().pingOnAux());
        assertEquals(1, m.settings().maxFailures(), "must be greater than 0");

        m.modified(new HashMap<>(Map.of("switchover.ts.timeout", 600)));
        assertEquals(60_000, m.settings().timeoutMillis(), "clamped to the documented maximum");
    }

    @Test
    void ipMonitoringUsesTheIpParameters() {
        notifier.always(PING, Answer.timeout());
        notifier.link(Link.AUX, ConnectionStatus.NOT_CONNECTED);
        ModuleMonitorComponent m = started(Map.of("switchover.monitoring", "ip", "switchover.ip.timeout", 6,
                "switchover.ip.retry.delay", 2, "switchover.ts.timeout", 30));
        clock.advance(14_000);
        assertEquals("IP", m.settings().moduleName());
        assertEquals(List.of(0L, 8_000L), notifier.sendTimes(PING));
        assertEquals(6_000, notifier.sent(PING).get(0).timeout().toMillis());
        assertEquals(14_000, events.of("MODULE_DOWN").get(0).atMillis());
    }

    @Test
    void noNotifierServiceIsNotCountedAgainstTheModule() {
        ModuleMonitorComponent m = monitor(Map.of());
        m.unsetNotifier(notifier.notifier());
        m.start();
        clock.advance(100_000);
        assertTrue(events.events().isEmpty());
        assertTrue(m.statusLine().contains("errors 0/2"), m.statusLine());
        m.setNotifier(notifier.notifier());
        notifier.always(PING, Answer.incarnation(3));
        clock.advance(10_000);
        assertEquals(1, events.of("SYSTEM_OK").size());
    }

    @Test
    void stopCancelsThePingInFlightAndStartResumes() {
        notifier.always(PING, Answer.timeout());
        ModuleMonitorComponent m = started(Map.of());
        clock.advance(5_000);
        m.stop();
        assertFalse(m.isRunning());
        clock.advance(100_000);
        assertEquals(List.of(0L), notifier.sendTimes(PING));
        assertTrue(events.events().isEmpty());
        assertTrue(m.statusLine().contains("stopped"), m.statusLine());

        notifier.always(PING, Answer.incarnation(8));
        m.start();
        assertTrue(m.isRunning());
        clock.runDue();
        assertEquals(105_000L, notifier.sendTimes(PING).get(1));
        assertEquals(1, events.of("SYSTEM_OK").size());
    }

    @Test
    void aNotifierThatNeverEndsARequestIsBoundedByTheGuard() {
        notifier.on(PING, (l, t, i) -> i == 0 ? Answer.never() : Answer.incarnation(2));
        ModuleMonitorComponent m = started(Map.of());
        clock.advance(11_000);
        assertTrue(texts(m).stream().anyMatch(s -> s.contains("reported no outcome")));
        clock.advance(1_000);
        assertEquals(List.of(0L, 12_000L), notifier.sendTimes(PING));
        assertEquals(1, events.of("SYSTEM_OK").size());
    }
}
