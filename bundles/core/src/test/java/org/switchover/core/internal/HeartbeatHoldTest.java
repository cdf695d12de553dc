package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchoverState;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.testing.MemoryNotifier;

/**
 * The core with the notifier's UDP heartbeats (issue 13), on virtual time: while the primary's heartbeats arrive an
 * expired reconnect timer waits (the links stall, the process runs) and refusals contradicted by a later heartbeat
 * make no verdict; once they stop the timer and the refusal check decide as before. Heartbeats never switch.
 */
class HeartbeatHoldTest {

    private static final long HB_TIMEOUT = 1_000;
    private static final Response REFUSED = Response.of(ResponseOutcome.CONNECTION_LOST,
            Response.REFUSED_PREFIX + "nothing listens on peer:3633 (Connection refused)");

    @TempDir
    Path dir;

    private long heartbeatsStopAt = Long.MAX_VALUE;

    /** A linked backup of primary A with an 800 ms reconnect timeout whose notifier sees heartbeats every 50 ms. */
    private Harness backup(long refusedConfirm) {
        Harness h = new Harness(dir, "B");
        h.settings.reconnectTimeoutMillis(800).refusedConfirmMillis(refusedConfirm);
        h.notifier.heartbeats(() -> {
            long now = h.clock.nowMillis();
            long last = Math.min(now, heartbeatsStopAt - 1) / 50 * 50;
            return new PeerHeartbeat(HB_TIMEOUT, now - last, 0, 0);
        });
        h.startAsLinkedBackup();
        return h;
    }

    @Test
    void theReconnectTimerWaitsWhileHeartbeatsArriveAndExpiresOneTimeoutAfterTheLast() {
        Harness h = backup(0);
        h.handlers.put(EventIds.STATE_QUERY, s -> new CompletableFuture<>());
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.report(new MonitorReport(MonitorSignal.NOTIFIER_DOWN, "Loss of Connection to Notifier", "ping timeout"));
        assertEquals(SwitchoverState.RECONNECTING, h.state());
        h.advance(60_000);
        assertEquals(SwitchoverState.RECONNECTING, h.state(), "a minute of stalled links: no switch");
        assertNotNull(h.find("heartbeats arrive"), h.journal().toString());
        heartbeatsStopAt = h.clock.nowMillis();
        long lastHeartbeat = (heartbeatsStopAt - 1) / 50 * 50;
        h.advance(HB_TIMEOUT - (heartbeatsStopAt - lastHeartbeat));
        assertEquals(SwitchoverState.RECONNECTING, h.state());
        h.advance(2);
        assertEquals(SwitchoverState.PRIMARY, h.state(), "switched once the heartbeats stopped too");
        assertNotNull(h.find("heartbeats stopped"), h.journal().toString());
    }

    @Test
    void refusalsContradictedByALaterHeartbeatMakeNoVerdictUntilTheHeartbeatsStop() {
        Harness h = backup(200);
        h.handlers.put(EventIds.STATE_QUERY, s -> MemoryNotifier.outcome(REFUSED.outcome(), REFUSED.detail()));
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.advance(10_000);
        assertEquals(SwitchoverState.BACKUP, h.state(), "a port that refuses while heartbeats arrive");
        assertNotNull(h.find("its heartbeats still arrive"), h.journal().toString());
        heartbeatsStopAt = h.clock.nowMillis();
        h.advance(1_000);
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertNotNull(h.find("Switch reason: Loss of Connection to Notifier"), h.journal().toString());
    }

    @Test
    void aKilledPrimaryIsStillJudgedByRefusalAtOnce() {
        Harness h = backup(150);
        h.handlers.put(EventIds.STATE_QUERY, s -> MemoryNotifier.outcome(REFUSED.outcome(), REFUSED.detail()));
        heartbeatsStopAt = h.clock.nowMillis(); // kill -9: the heartbeats end with the links
        long lostAt = h.clock.nowMillis();
        h.links(ConnectionStatus.NOT_CONNECTED);
        h.advance(150);
        assertEquals(SwitchoverState.PRIMARY, h.state(), "the last heartbeat came before the first refusal");
        assertEquals(150, h.clock.nowMillis() - lostAt);
    }
}
