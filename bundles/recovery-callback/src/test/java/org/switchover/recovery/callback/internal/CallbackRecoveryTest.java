package org.switchover.recovery.callback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.CallbackContent;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.QueueRef;
import org.switchover.testing.EnablingParameter;
import org.switchover.testing.VirtualScheduler;

class CallbackRecoveryTest {

    @Test
    void aCallbackKeepsItsTimeAndAttemptsAndIsReArmedOrDialledWhenDue() {
        VirtualScheduler clock = new VirtualScheduler();
        clock.advance(1_000_000);
        Interaction cb = new Interaction("cb-1", Channel.CALLBACK, InteractionState.QUEUED,
                QueueRef.workgroup("support"), "", 900_000, 4, Map.of(),
                new CallbackContent("+33123456", 1_060_000, 2));
        CallbackRecoveryComponent c = new CallbackRecoveryComponent();
        c.configure(Map.of("callback.interaction.recovery.enabled", "1"));

        Promotion early = c.promote(cb, clock.nowMillis());
        assertEquals(cb, early.restored(), "number, requested time, attempts, id and creation time unchanged");
        assertTrue(early.action().contains("re-armed for 1970-01-01T00:17:40Z (attempts so far 2)"), early.action());
        assertTrue(early.lost().isEmpty());

        clock.advance(120_000); // the switch took longer than the time left
        Promotion late = c.promote(cb, clock.nowMillis());
        assertTrue(late.action().contains("dialled at once"), late.action());
    }

    @Test
    void anyNonZeroIntegerEnablesAsTheChangeLogSays() {
        CallbackRecoveryComponent c = new CallbackRecoveryComponent();
        EnablingParameter p = new EnablingParameter("callback.interaction.recovery.enabled", c::configure, c::enabled);
        // "often" is malformed: the previous value (enabled) is kept
        assertEquals(List.of(true, false, true, true), p.enabledAfterEach("7", "0", "-1", "often"));
    }
}
