package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;
import org.switchover.api.log.Journal;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;

/** The reference's log timelines (spec section 12) replayed on virtual time. */
class TimelineReplayTest {

    @TempDir
    Path dir;

    /** V4: loss of the connection to the notifier, Switchover Reconnect Timeout = 30. */
    @Test
    void v4_lossOfConnectionToNotifier() {
        Harness h = new Harness(dir, "B");
        h.settings.reconnectTimeoutMillis(30_000);
        h.startAsLinkedBackup();
        long t0 = h.clock.nowMillis();
        int from = h.journal().size();

        // 0.000: both notifier connections fail (socket error, closed)
        h.notifier.setLink(Link.MAIN, ConnectionStatus.NOT_CONNECTED, 1);
        h.notifier.setLink(Link.AUX, ConnectionStatus.NOT_CONNECTED, 1);
        h.run();
        assertEquals(SwitchoverState.BACKUP, h.state(), "the primary monitor diagnoses first");
        // 0.109: the primary monitor has diagnosed the loss
        h.advance(109);
        h.machine.report(new MonitorReport(MonitorSignal.NOTIFIER_DOWN, "Loss of Connection to Notifier",
                "both connections down, PrimaryReached"));
        h.advance(30_200);

        List<Journal.Entry> j = h.journal().subList(from, h.journal().size());
        String[] expectedOrder = {
            "Scheduling reconnect timeout to execute in 30 second(s)",
            "Reconnect period expired after 30 s; posting CONNECTIONS_DOWN",
            "lost the connections to the primary; switching now and going to PRIMARY",
            "Switch reason: Loss of Connection to Notifier",
            "Switchover Service: Switch Initiated",
            "Initiating switch",
            "-> PRIMARY",
        };
        int last = -1;
        for (String e : expectedOrder) {
            int i = indexOf(j, e);
            assertTrue(i > last, "'" + e + "' out of order in " + j);
            last = i;
        }
        long scheduled = j.get(indexOf(j, expectedOrder[0])).atMillis() - t0;
        assertEquals(109, scheduled, 1, "timer scheduled after the ~0.1 s diagnosis");
        long switched = j.get(indexOf(j, "Switch Initiated")).atMillis() - t0;
        assertEquals(30_100, switched, 50, "switch at 30.1 s +- 0.05 s");
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertEquals("Loss of Connection to Notifier", h.machine.snapshot().lastSwitchReason());
    }

    /** V5: a manual switch happens without delay. */
    @Test
    void v5_manualSwitchHasNoDelay() {
        Harness h = new Harness(dir, "B");
        h.startAsBackup();
        h.advance(12_345);
        long t0 = h.clock.nowMillis();
        CompletableFuture<SwitchResult> f = h.machine.requestSwitch(true, "operator");
        h.run();
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertEquals(t0, h.find("manual switch requested by operator (immediate); backup switching to primary mode")
                .atMillis());
        assertEquals(t0, h.find("Switch Initiated").atMillis());
        assertTrue(f.getNow(null).switched());
        assertEquals("Manual Switchover", h.machine.snapshot().lastSwitchReason());
    }

    /** V7: Reconnect Timeout 0 switches as soon as the loss is diagnosed. */
    @Test
    void reconnectTimeoutZeroSwitchesImmediately() {
        Harness h = new Harness(dir, "B");
        h.settings.reconnectTimeoutMillis(0);
        h.startAsBackup();
        h.advance(15_000);
        long t0 = h.clock.nowMillis();
        h.report(new MonitorReport(MonitorSignal.NOTIFIER_DOWN, "Loss of Connection to Notifier",
                "no answer to 3 pings"));
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertEquals(t0, h.find("Scheduling reconnect timeout to execute in 0 second(s)").atMillis());
        assertEquals(t0, h.find("Switch Initiated").atMillis());
    }

    private static int indexOf(List<Journal.Entry> j, String text) {
        for (int i = 0; i < j.size(); i++) {
            if (j.get(i).text().contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
