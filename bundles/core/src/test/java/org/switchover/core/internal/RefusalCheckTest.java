package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.testing.MemoryNotifier;

/**
 * The quick verdict on a primary whose process is gone (issue 13), on virtual time: two refused connections to the
 * primary's notifier port, {@code switchover.reconnect.refused.confirm.ms} apart, with both links down switch at
 * once; a silent primary, one that answers, links that come back, or the feature off leave the decision to the
 * reconnect timer. Also the millisecond form of the reconnect timeout.
 */
class RefusalCheckTest {

    private static final long CONFIRM = 200;
    private static final Response REFUSED = Response.of(ResponseOutcome.CONNECTION_LOST,
            Response.REFUSED_PREFIX + "nothing listens on peer:3633 (Connection refused)");

    @TempDir
    Path dir;

    /** A linked backup of primary A (epoch 5) with a 30 s reconnect timeout and the refusal check on. */
    private Harness backup(long confirm) {
        Harness h = new Harness(dir, "B");
        h.settings.reconnectTimeoutMillis(30_000).refusedConfirmMillis(confirm);
        h.startAsLinkedBackup();
        return h;
    }

    private static void refuseStateQueries(Harness h) {
        h.handlers.put(EventIds.STATE_QUERY, s -> MemoryNotifier.outcome(REFUSED.outcome(), REFUSED.detail()));
    }

    @Test
    void twoRefusalsWithBothLinksDownSwitchAfterTheConfirmationNotTheTimer() {
        Harness h = backup(CONFIRM);
        refuseStateQueries(h);
        long lostAt = h.clock.nowMillis();
        h.links(ConnectionStatus.NOT_CONNECTED);
        assertEquals(SwitchoverState.BACKUP, h.state(), "one refusal is not proof");
        h.advance(CONFIRM - 1);
        assertEquals(SwitchoverState.BACKUP, h.state());
        h.advance(1);
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertEquals(CONFIRM, h.clock.nowMillis() - lostAt, "switched one confirmation after the loss");
        assertEquals(6, h.epoch(), "the new primary outranks the old one");
        assertNotNull(h.find("Switch reason: Loss of Connection to Notifier"), h.journal().toString());
        assertNotNull(h.find("refused 2 connections to its notifier port over 200 ms"), h.journal().toString());
        long once = h.notifier.sent(EventIds.STATE_QUERY).stream().filter(s -> s.link() == null)
                .filter(s -> s.atMillis() >= lostAt).count();
        // the two probes, then the new primary's own peer watch
        assertTrue(once >= 2, "two one-shot connection attempts before the switch: " + once);
    }

    @Test
    void aRefusedReconnectAttemptOfALinkStartsTheCheckToo() {
        Harness h = backup(CONFIRM);
        h.handlers.put(EventIds.STATE_QUERY, s -> new CompletableFuture<>()); // silent at first: no verdict
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.advance(5_000);
        assertEquals(SwitchoverState.BACKUP, h.state());
        refuseStateQueries(h);
        long at = h.clock.nowMillis();
        h.notifier.setLinkDetail(Link.MAIN, ConnectionStatus.NOT_CONNECTED, REFUSED.detail(), 1);
        h.run();
        h.advance(CONFIRM);
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertEquals(CONFIRM, h.clock.nowMillis() - at);
    }

    @Test
    void aSilentPrimaryIsNotJudgedByRefusalAndWaitsForTheTimer() {
        Harness h = backup(CONFIRM);
        h.handlers.put(EventIds.STATE_QUERY, s -> new CompletableFuture<>()); // SIGSTOP: the handshake hangs
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.report(new MonitorReport(MonitorSignal.NOTIFIER_DOWN, "Loss of Connection to Notifier", "ping timeout"));
        assertEquals(SwitchoverState.RECONNECTING, h.state());
        h.advance(29_999);
        assertEquals(SwitchoverState.RECONNECTING, h.state(), "only the 30 s reconnect timer may switch");
        assertNotNull(h.find("does not refuse connections (TIMEOUT"), h.journal().toString());
        h.advance(1);
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertNotNull(h.find("reconnect period of 30 s expired"), h.journal().toString());
    }

    @Test
    void aPrimaryThatAnswersTheSecondAttemptKeepsItsRole() {
        Harness h = backup(CONFIRM);
        AtomicInteger n = new AtomicInteger();
        h.handlers.put(EventIds.STATE_QUERY, s -> n.getAndIncrement() == 0
                ? MemoryNotifier.outcome(REFUSED.outcome(), REFUSED.detail())
                : MemoryNotifier.reply(Wire.encode(new Wire.StateInfo(NodeId.A, SwitchoverState.PRIMARY, 5, "1.0.0",
                        false))));
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.advance(10_000);
        assertEquals(SwitchoverState.BACKUP, h.state(), "a restarted notifier that answers is no dead primary");
        assertEquals(2, n.get());
    }

    @Test
    void linksBackBeforeTheConfirmationEndTheCheck() {
        Harness h = backup(CONFIRM);
        refuseStateQueries(h);
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.advance(CONFIRM / 2);
        h.links(ConnectionStatus.ACTIVE);
        h.advance(10_000);
        assertEquals(SwitchoverState.BACKUP, h.state());
    }

    @Test
    void offByDefaultOnlyTheTimerDecides() {
        Harness h = backup(0);
        refuseStateQueries(h);
        int before = h.notifier.sent(EventIds.STATE_QUERY).size();
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.advance(10_000);
        assertEquals(SwitchoverState.BACKUP, h.state());
        List<MemoryNotifier.Sent> after = h.notifier.sent(EventIds.STATE_QUERY);
        assertEquals(before, after.size(), "no one-shot probe while the feature is off: " + after);
    }

    @Test
    void manualModeNeverSwitchesOnRefusal() {
        Harness h = new Harness(dir, "B");
        h.settings.reconnectTimeoutMillis(30_000).refusedConfirmMillis(CONFIRM).manualSwitchOnly(true);
        h.startAsLinkedBackup();
        refuseStateQueries(h);
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.advance(10_000);
        assertTrue(h.state() == SwitchoverState.BACKUP || h.state() == SwitchoverState.RECONNECTING, h.state()
                .toString());
    }

    @Test
    void millisecondReconnectTimeoutReplacesTheSecondsParameterWhenSet() {
        assertEquals(700, settings(Map.of("switchover.reconnect.timeout", "2", "switchover.reconnect.timeout.ms",
                "700")).reconnectTimeoutMillis());
        assertEquals(2_000, settings(Map.of("switchover.reconnect.timeout", "2")).reconnectTimeoutMillis());
        assertEquals(0, settings(Map.of("switchover.reconnect.timeout.ms", "0")).reconnectTimeoutMillis());
        assertEquals(250, settings(Map.of("switchover.reconnect.refused.confirm.ms", "250"))
                .refusedConfirmMillis());
        assertEquals(10_000, settings(Map.of("switchover.reconnect.refused.confirm.ms", "99999"))
                .refusedConfirmMillis(), "clamped to the documented maximum");
        assertEquals(0, settings(Map.of()).refusedConfirmMillis(), "off by default");
    }

    @Test
    void aSilentPrimaryWithTheMillisecondTimerSwitchesAfterIt() {
        Harness h = new Harness(dir, "B");
        h.settings.reconnectTimeoutMillis(700).refusedConfirmMillis(CONFIRM);
        h.startAsLinkedBackup();
        h.handlers.put(EventIds.STATE_QUERY, s -> new CompletableFuture<>());
        h.report(new MonitorReport(MonitorSignal.NOTIFIER_DOWN, "Loss of Connection to Notifier", "ping timeout"));
        long at = h.clock.nowMillis();
        h.advance(699);
        assertEquals(SwitchoverState.RECONNECTING, h.state());
        h.advance(1);
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertEquals(700, h.clock.nowMillis() - at);
    }

    private CoreSettings settings(Map<String, Object> props) {
        CoreSettings defaults = CoreSettings.defaults("B", dir);
        return CoreSettings.from(new ConfigReader(CoreComponent.Config.class, props, w -> { }),
                new org.switchover.api.NodeIdentity() {
                    public NodeId node() {
                        return NodeId.B;
                    }

                    public String host(NodeId n) {
                        return "localhost";
                    }

                    public String address(NodeId n) {
                        return "";
                    }

                    public int port(NodeId n) {
                        return 3633;
                    }

                    public String release() {
                        return "1.0.0";
                    }

                    public Path dataDir() {
                        return dir;
                    }
                }, defaults, false, false, w -> { });
    }
}
