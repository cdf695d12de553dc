package org.switchover.monitor.primary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.switchover.api.monitor.MonitorSignal.NOTIFIER_DOWN;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.monitor.module.testing.ScriptedPrimary.Answer;

/**
 * The primary monitor's verdict with the notifier's UDP heartbeats (issue 13), on virtual time: failed pings are not
 * counted while heartbeats arrive, the diagnosis starts once both are silent, and without heartbeats nothing
 * changes. The fast profile's numbers: ping every 250 ms, 500 ms timeout, one retry; heartbeats every 50 ms,
 * 1,000 ms heartbeat timeout.
 */
class HeartbeatVerdictTest extends MonitorFixture {

    private static final Map<String, Object> FAST = Map.of("switchover.primary.monitor.ping.delay.ms", 250,
            "switchover.primary.monitor.timeout.ms", 500, "switchover.primary.monitor.retry.count", 1);
    private static final long HB_TIMEOUT = 1_000;
    private static final long HB_EVERY = 50;

    /** Heartbeats every 50 ms from time 0 until {@code stopAt} (exclusive), on the virtual clock. */
    private void heartbeatsUntil(long stopAt) {
        notifier.notifier().heartbeats(() -> {
            long now = clock.nowMillis();
            long last = Math.min(now, stopAt - 1) / HB_EVERY * HB_EVERY;
            return new PeerHeartbeat(HB_TIMEOUT, now - last, last / HB_EVERY + 1, 0);
        });
    }

    private PrimaryMonitorComponent started() {
        probe.host(PRIMARY, true);
        return activate(primaryMonitor(null), FAST);
    }

    @Test
    void aStalledLinkWithHeartbeatsArrivingIsNoVerdictForAMinute() {
        heartbeatsUntil(Long.MAX_VALUE);
        notifier.always(NPING, Answer.timeout());
        PrimaryMonitorComponent m = started();
        clock.advance(60_000);
        assertEquals(List.of(), sink.signals(), "no verdict while heartbeats arrive");
        assertTrue(notifier.sendTimes(NPING).size() > 60, "pings go on: " + notifier.sendTimes(NPING).size());
        assertEquals(1, texts(m).stream().filter(t -> t.contains("heartbeats arrive") && t.contains("not counted"))
                .count(), "one line per stall, not one per ping");
        assertFalse(texts(m).stream().anyMatch(t -> t.contains("retry ping 1 of")), "no retry counted");
    }

    @Test
    void aHungPrimaryIsDiagnosedOneHeartbeatTimeoutAfterItsLastHeartbeatWithoutRetries() {
        long hang = 10_000;
        heartbeatsUntil(hang);
        notifier.on(NPING, (l, t, i) -> t < hang ? Answer.reply(new byte[0]) : Answer.timeout());
        PrimaryMonitorComponent m = started();
        clock.advance(20_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        long at = sink.posted().get(0).atMillis();
        long lastHeartbeat = (hang - 1) / HB_EVERY * HB_EVERY;
        assertTrue(at >= lastHeartbeat + HB_TIMEOUT && at <= lastHeartbeat + HB_TIMEOUT + 10,
                "verdict at " + at + " ms, last heartbeat at " + lastHeartbeat);
        assertFalse(texts(m).stream().anyMatch(t -> t.contains("retry ping 1 of")), "heartbeat silence replaces retries");
    }

    @Test
    void aPingFailingAfterTheHeartbeatsStoppedGoesStraightToTheDiagnosis() {
        heartbeatsUntil(100);
        notifier.on(NPING, (l, t, i) -> t < 3_000 ? Answer.reply(new byte[0]) : Answer.timeout());
        PrimaryMonitorComponent m = started();
        clock.advance(3_000);
        assertEquals(List.of(), sink.signals(), "replies: heartbeats alone never make a verdict");
        clock.advance(1_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertEquals(3_500, sink.posted().get(0).atMillis(), "the first failed ping (sent at 3,000, 500 ms timeout)");
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("no heartbeat from the primary within 1000 ms")));
    }

    @Test
    void aReplyEndsTheDeferralAndALaterSilenceStartsAFreshOne() {
        heartbeatsUntil(Long.MAX_VALUE);
        notifier.on(NPING, (l, t, i) -> t % 10_000 < 5_000 ? Answer.timeout() : Answer.reply(new byte[0]));
        PrimaryMonitorComponent m = started();
        clock.advance(30_000);
        assertEquals(List.of(), sink.signals());
        assertEquals(3, texts(m).stream().filter(t -> t.contains("not counted")).count(), "one per stall");
        assertEquals(3, texts(m).stream().filter(t -> t.contains("answers again")).count(), "each stall ends");
    }

    @Test
    void withoutHeartbeatsTheRetryPingsDecideAsBefore() {
        notifier.always(NPING, Answer.timeout());
        PrimaryMonitorComponent m = started();
        clock.advance(5_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertEquals(1_000, sink.posted().get(0).atMillis(), "ping at 0 + 500 ms, retry at once + 500 ms");
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("retry ping 1 of 1")));
    }

    @Test
    void aModuleDownOnAStalledLinkWithHeartbeatsIsNoVerdictButOnAWorkingLinkItIs() {
        heartbeatsUntil(Long.MAX_VALUE);
        notifier.always(NPING, Answer.reply(new byte[0]));
        notifier.always(MPING, Answer.timeout());
        PrimaryMonitorComponent m = activate(primaryMonitor(new FakeModuleMonitor(clock)), FAST);
        probe.host(PRIMARY, true);
        clock.advance(1_000);
        // the notifier answers: the link works, the module hangs -> the module-down verdict stands
        m.moduleDown("test");
        clock.advance(5_000);
        assertEquals(List.of(org.switchover.api.monitor.MonitorSignal.MODULE_DOWN), sink.signals());
    }

    @Test
    void aModuleDownWhileTheWholeLinkStallsIsNoVerdict() {
        heartbeatsUntil(Long.MAX_VALUE);
        notifier.on(NPING, (l, t, i) -> t < 1_000 ? Answer.reply(new byte[0]) : Answer.timeout());
        notifier.always(MPING, Answer.timeout());
        PrimaryMonitorComponent m = activate(primaryMonitor(new FakeModuleMonitor(clock)), FAST);
        probe.host(PRIMARY, true);
        clock.advance(1_000);
        m.moduleDown("test");
        clock.advance(5_000);
        assertEquals(List.of(), sink.signals(), "a stalled link is not a module down");
        assertTrue(texts(m).stream().anyMatch(t -> t.contains("the link stalls, no module verdict")));
    }

    @Test
    void heartbeatsOnButNeverReceivedChangeNothing() {
        notifier.notifier().heartbeats(() -> new PeerHeartbeat(HB_TIMEOUT, -1, 0, 0));
        notifier.always(NPING, Answer.timeout());
        started();
        clock.advance(5_000);
        assertEquals(List.of(NOTIFIER_DOWN), sink.signals());
        assertEquals(1_000, sink.posted().get(0).atMillis());
    }
}
