package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;

/** The peer messages: the JSON earlier releases exchanged, bound to records, strict about what it accepts. */
class WireTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theJsonKeepsItsFieldNamesAndOrder() {
        assertEquals("{\"node\":\"A\",\"state\":\"PRIMARY\",\"epoch\":3,\"version\":\"1.0\",\"forceBackup\":false}",
                text(Wire.encode(new Wire.StateInfo(NodeId.A, SwitchoverState.PRIMARY, 3, "1.0", false))));
        assertEquals("{\"epoch\":4,\"node\":\"B\",\"reason\":\"TS Ping Failure\"}",
                text(Wire.encode(new Wire.Discontinue(NodeId.B, 4, "TS Ping Failure"))));
        assertEquals("{\"node\":\"B\",\"immediate\":true,\"requestedBy\":\"op\",\"acceptWarnings\":false}",
                text(Wire.encode(new Wire.SwitchAsk(NodeId.B, true, "op", false))));
        assertEquals("{\"switched\":true,\"mode\":\"CONTROLLED\",\"epoch\":7,\"detail\":\"done\"}",
                text(Wire.encode(new SwitchResult(true, SwitchResult.Mode.CONTROLLED, 7, "done"))));
    }

    @Test
    void everyMessageSurvivesTheRoundTrip() {
        Wire.PrepareAck ack = new Wire.PrepareAck(true, NodeId.A, SwitchoverState.INACTIVE, 9, "stopped taking work");
        assertEquals(ack, Wire.decodePrepareAck(Wire.encode(ack)));
        Wire.Prepare p = new Wire.Prepare(NodeId.B, 10, "Manual Switchover", "shell");
        assertEquals(p, Wire.decodePrepare(Wire.encode(p)));
        Wire.DiscontinueAck d = new Wire.DiscontinueAck(false, NodeId.A, SwitchoverState.PRIMARY, 2);
        assertEquals(d, Wire.decodeDiscontinueAck(Wire.encode(d)));
        SwitchResult r = SwitchResult.refused(3, "no");
        assertEquals(r, Wire.decodeSwitchResult(Wire.encode(r)));
    }

    @Test
    void optionalFieldsMayBeLeftOutByAnOlderRelease() {
        Wire.SwitchAsk ask = Wire.decodeSwitchAsk(json("{\"node\":\"A\",\"immediate\":false,\"requestedBy\":\"x\"}"));
        assertFalse(ask.acceptWarnings());
        assertEquals("", Wire.decodeDiscontinue(json("{\"node\":\"A\",\"epoch\":1}")).reason());
    }

    @Test
    void unknownMissingAndMistypedFieldsAreRefusedByName() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Wire.decodeDiscontinue(
                json("{\"node\":\"A\",\"epoch\":1,\"reason\":\"\",\"extra\":1}")));
        assertTrue(unknown.getMessage().startsWith("malformed DISCONTINUE: unknown field 'extra'"),
                unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Wire.decodeStateInfo(json("{\"node\":\"A\",\"state\":\"PRIMARY\",\"version\":\"1\"}")));
        assertEquals("malformed state answer: field 'epoch' is missing", missing.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Wire.decodeDiscontinue(json("{\"node\":\"A\",\"epoch\":-4}")));
        assertTrue(negative.getMessage().contains("field 'epoch' must be a non-negative integer, got -4"),
                negative.getMessage());
        IllegalArgumentException state = assertThrows(IllegalArgumentException.class,
                () -> Wire.decodeDiscontinueAck(json("{\"ack\":true,\"node\":\"A\",\"state\":\"BOSS\",\"epoch\":1}")));
        assertTrue(state.getMessage().startsWith("malformed DISCONTINUE answer: field 'state' must be one of"),
                state.getMessage());
        IllegalArgumentException bool = assertThrows(IllegalArgumentException.class,
                () -> Wire.decodeSwitchAsk(json("{\"node\":\"A\",\"immediate\":1}")));
        assertTrue(bool.getMessage().contains("field 'immediate' must be true or false"), bool.getMessage());
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                () -> Wire.decodePrepare(json("nope")));
        assertTrue(notJson.getMessage().startsWith("malformed PREPARE_SWITCH: not JSON"), notJson.getMessage());
    }
}
