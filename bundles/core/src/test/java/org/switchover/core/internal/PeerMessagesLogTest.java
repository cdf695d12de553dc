package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Request;

/** Issue 10 in the core: a peer repeating a refused request cannot flood the log, and names cannot forge lines. */
class PeerMessagesLogTest {

    @TempDir
    Path dir;

    @Test
    void repeatedRefusalsAreOneLinePerMinuteWithACount() {
        Harness h = new Harness(dir, "A");
        h.startAsPrimary();
        for (int i = 0; i < 500; i++) {
            h.machine.handle(new Request("*", EventIds.DISCONTINUE, i, "B/ONCE", "nope".getBytes()));
        }
        h.run();
        assertEquals(1, refusals(h).size());
        h.advance(PeerMessages.REFUSAL_LOG_MILLIS);
        h.machine.handle(new Request("*", EventIds.DISCONTINUE, 501, "B/ONCE", "nope".getBytes()));
        List<Journal.Entry> lines = refusals(h);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).text().contains("[499 more like this held back"), lines.get(1).text());
        assertEquals(SwitchoverState.PRIMARY, h.state());
    }

    @Test
    void aRequesterNameWithALineBreakIsEscapedInTheAuditLine() {
        Harness h = new Harness(dir, "B");
        h.startAsBackup();
        CompletableFuture<SwitchResult> f = h.machine.requestSwitch(false,
                "ops\n00:00:00.000 [main] INFO org.switchover.audit - Switch reason: forged\u001b[2J");
        h.run();
        assertTrue(f.getNow(null).switched());
        List<String> naming = h.journal().stream().map(Journal.Entry::text).filter(t -> t.contains("ops")).toList();
        assertFalse(naming.isEmpty());
        for (String t : naming) {
            assertFalse(t.contains("\n") || t.contains("\u001b"), t);
            assertTrue(t.contains("ops\\n00:00:00.000"), t);
        }
    }

    private static List<Journal.Entry> refusals(Harness h) {
        return h.journal().stream().filter(e -> e.text().startsWith("Refusing " + EventIds.DISCONTINUE)).toList();
    }
}
