package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.switchover.testing.LogCapture;

/** Issue 10: garbage from outside can neither flood the notifier's log nor forge lines in it. */
class LogonGateLogTest {

    private final AtomicLong now = new AtomicLong();
    private final LogonGate gate = new LogonGate(() -> null, new Counters(), null, (c, t) -> null, now::get);

    @Test
    void aFloodOfProtocolErrorsIsOneLinePerMinuteWithACount() {
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 5000; i++) {
                gate.protocolError("127.0.0.1:" + (40000 + i), ProtocolException.NOT_TLS,
                        "the bytes received are not TLS");
            }
            assertEquals(1, log.lines("Notifier protocol error").size());
            now.addAndGet(LogonGate.WARN_PERIOD_MILLIS);
            gate.protocolError("127.0.0.1:1", ProtocolException.NOT_TLS, "the bytes received are not TLS");
            List<String> lines = log.lines("Notifier protocol error");
            assertEquals(2, lines.size());
            assertTrue(lines.get(1).contains("[4999 more like this held back"), lines.get(1));
        }
    }

    @Test
    void peerChosenTextIsEscaped() {
        try (LogCapture log = new LogCapture()) {
            gate.refused("127.0.0.1:4711", "CN=evil\u001b[2J",
                    "invalid node letter 'B\nINFO forged line' (expected A or B)");
            List<String> lines = log.lines("forged line");
            assertEquals(2, lines.size(), log.text()); // the WARN and the audit line
            for (String l : lines) {
                assertTrue(l.contains("B\\nINFO forged line"), l);
                assertFalse(l.contains("\u001b"), l);
            }
            assertTrue(lines.stream().allMatch(l -> l.contains("efused notifier logon") || l.contains("logon from")));
        }
    }
}
