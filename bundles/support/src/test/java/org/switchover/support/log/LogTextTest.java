package org.switchover.support.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void plainTextIsReturnedAsItIs() {
        String s = "node B from 127.0.0.1:4711 (CN=switchover-node-B)";
        assertSame(s, LogText.escape(s));
    }

    @Test
    void lineBreaksCannotForgeANewLine() {
        String forged = "x\n12:00:00.000 [main] INFO org.switchover.audit - Switch reason: forged\r";
        String out = LogText.escape(forged);
        assertFalse(out.contains("\n"));
        assertFalse(out.contains("\r"));
        assertEquals("x\\n12:00:00.000 [main] INFO org.switchover.audit - Switch reason: forged\\r", out);
    }

    @Test
    void terminalEscapesAndOtherControlsBecomeVisible() {
        assertEquals("\\u001b[2J\\u0000\\t\\u007f\\u0085\\u202e",
                LogText.escape("\u001b[2J\u0000\t\u007f\u0085\u202e"));
    }

    @Test
    void backslashIsDoubledSoEscapesAreUnambiguous() {
        assertEquals("a\\\\nb", LogText.escape("a\\nb"));
    }

    @Test
    void longTextIsCutWithAMarker() {
        String out = LogText.escape("x".repeat(5000));
        assertEquals("x".repeat(LogText.DEFAULT_MAX) + "...[4800 more chars]", out);
        assertEquals("ab...[1 more chars]", LogText.escape("abc", 2));
        assertEquals("\\n...[2 more chars]", LogText.escape("\n\n\n", 1));
    }

    @Test
    void nullAndObjects() {
        assertEquals("null", LogText.escape((String) null));
        assertEquals("42", LogText.escape(Integer.valueOf(42)));
        assertTrue(LogText.escape((Object) "a\nb").contains("\\n"));
    }
}
