package org.switchover.recovery.sms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.Transcript;
import org.switchover.testing.EnablingParameter;

class SmsRecoveryTest {

    @Test
    void smsTakesYesOrOneAndKeepsTheTextsButReportsStatusMessages() {
        SmsRecoveryComponent c = new SmsRecoveryComponent();
        EnablingParameter enabling = new EnablingParameter("sms.interaction.recovery.enabled", c::configure, c::enabled);
        assertEquals(List.of(true, false, true), enabling.enabledAfterEach("yes", "No", 1));

        Interaction sms = new Interaction("sms-1", Channel.SMS, InteractionState.QUEUED,
                QueueRef.workgroup("sms-team"), "", 42, 2, Map.of(), new Transcript(List.of(
                        Transcript.Entry.text(50, "+4917000", "my order?"),
                        new Transcript.Entry(51, "system", Transcript.Kind.STATUS, "queued", true))));
        Promotion p = c.promote(sms, 100);
        assertEquals(InteractionState.QUEUED, p.restored().state());
        assertTrue(p.action().startsWith("requeued on workgroup:sms-team"), p.action());
        assertEquals(2, ((Transcript) p.restored().content()).entries().size());
        assertEquals(List.of("1 generated status message kept as history only (not sent again)"), p.lost());
    }
}
