package org.switchover.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The journal's line format: every kind round-trips; a hostile or torn line is refused with its reason. */
class RowCodecTest {

    @Test
    void everyKindRoundTripsWithQuotesCommasAndNonAsciiText() {
        List<Row> rows = List.of(
                new Row.Summary("id,\"1\"", 1, "mail", 10, -1, "Sales, EU", "Zoë", "QUEUED", 2),
                new Row.Segment("id", 0, 3, 10, 20, "q", "", "HELD"),
                new Row.Wrapup("id", 0, "a", "sold \"twice\"", -1, 30),
                new Row.Interval("Sales", 0, 1800, 0, 900, 1, 2, 3, 4));
        for (Row r : rows) {
            assertEquals(r, RowCodec.decode(RowCodec.encode(r)));
        }
    }

    @Test
    void cleaningKeepsAHostileTextOnOneLineAndWithinTheColumn() {
        String t = Row.clean("evil\nS,\"x\",0\r" + "y".repeat(400));
        assertEquals(Row.MAX_TEXT, t.length());
        assertTrue(t.chars().noneMatch(Character::isISOControl));
    }

    @Test
    void refusesMalformedLinesNamingWhatIsWrong() {
        assertRefused("", "no row kind");
        assertRefused("X,1", "unknown row kind 'X'");
        assertRefused("S,\"id\",0", "has 10 fields");
        assertRefused("S,\"id,0,\"chat\"", "field");
        assertRefused("S,\"id\",7,\"chat\",1,2,\"q\",\"a\",\"QUEUED\",1", "seqno 7");
        assertRefused("G,id,0,1,1,2,\"q\",\"a\",\"QUEUED\"", "neither a number nor a quoted text");
        assertRefused("W,\"id\",0,\"a\",\"c\",1,2,3", "has 7 fields");
        assertRefused("I,\"q\",0,1800,0,2000,0,0,0,0", "does not lie within its interval");
        assertRefused("S,\"id\"x,0,\"chat\",1,2,\"q\",\"a\",\"QUEUED\",1", "followed by text");
        assertRefused("S,\"" + "a".repeat(300) + "\",0,\"chat\",1,2,\"q\",\"a\",\"QUEUED\",1", "longer than 255");
        assertRefused("S," + "1".repeat(RowCodec.MAX_LINE), "longer than " + RowCodec.MAX_LINE);
    }

    private static void assertRefused(String line, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RowCodec.decode(line));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
