package org.switchover.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.switchover.tracker.internal.TrackerHarness.T0;
import static org.switchover.tracker.internal.TrackerHarness.chat;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.QueueRef;
import org.switchover.support.RoleBinding.Role;

/**
 * Two trackers on virtual time writing to one database, the timeline of TrackerSystemIT seed 20261205 that found the
 * overlap: a node restarted in the middle of an interval must not write a piece claiming the interval's start it did
 * not observe, and a primary that is the only writer of a partial interval still writes it.
 */
class TrackerRestartTest {

    private static final long HALF_HOUR = 1_800_000;
    private static final long MINUTE = 60_000;
    private static final QueueRef SALES = QueueRef.workgroup("Sales");

    @TempDir
    Path dir;

    private final String url = "jdbc:h2:mem:r" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    /** Starts a node's tracker whose virtual clock reads {@code atMillis} after T0. */
    private TrackerHarness node(String name, long atMillis) throws Exception {
        TrackerHarness h = new TrackerHarness(dir.resolve(name), url, HALF_HOUR);
        h.advance(atMillis);
        return h;
    }

    /** The same host event seen by both nodes (the primary from its host, the backup from the recovery stream). */
    private static void queued(String id, TrackerHarness... nodes) {
        for (TrackerHarness h : nodes) {
            h.service.changed(chat(id, InteractionState.QUEUED, SALES, "", 1));
        }
    }

    private static void advance(long millis, TrackerHarness... nodes) {
        for (TrackerHarness h : nodes) {
            h.advance(millis);
        }
    }

    private static List<List<Object>> pieces(TrackerHarness h, long intervalStart) throws Exception {
        return h.query("SELECT piece_start_ms, piece_end_ms FROM queue_interval_stats WHERE queue = 'Sales'"
                + " AND interval_start_ms = " + intervalStart + " ORDER BY piece_start_ms");
    }

    @Test
    void aBackupRestartedMidIntervalDoesNotOverwriteTheNewPrimarysFirstPiece() throws Exception {
        TrackerHarness a = node("a", 0);
        TrackerHarness b = node("b", 0);
        a.role(Role.PRIMARY);
        b.role(Role.BACKUP);
        queued("i1", a, b);
        advance(5 * MINUTE, a, b);
        // kill -9 of A 5 min into the interval: it writes nothing more; B takes over
        a.close();
        b.role(Role.NONE);
        b.role(Role.PRIMARY);
        queued("i2", b);
        advance(5 * MINUTE, b);
        // A comes back as backup 10 min into the interval and sees the rest of it
        TrackerHarness a2 = node("a", 10 * MINUTE);
        a2.role(Role.BACKUP);
        queued("i3", a2, b);
        advance(20 * MINUTE, a2, b); // to the interval's end
        List<List<Object>> before = pieces(b, T0);
        assertEquals(List.of(List.of(T0, T0 + 5 * MINUTE), List.of(T0 + 5 * MINUTE, T0 + HALF_HOUR)), before);
        assertEquals(0, a2.journalRows().stream().filter(r -> r instanceof Row.Interval i && i.intervalStart() == T0)
                .count(), "the restarted backup journals no piece of the interval it saw only from its 10th minute");

        // 40 min: B is killed, A takes over and drains its journal into the same database
        advance(10 * MINUTE, a2, b);
        b.close();
        a2.role(Role.NONE);
        a2.role(Role.PRIMARY);
        queued("i4", a2);
        advance(20 * MINUTE + 1, a2);

        assertEquals(before, pieces(a2, T0), "the first interval's pieces as the primary wrote them");
        assertEquals(List.of(List.of(T0 + HALF_HOUR, T0 + 40 * MINUTE), List.of(T0 + 40 * MINUTE, T0 + 2 * HALF_HOUR)),
                pieces(a2, T0 + HALF_HOUR), "A observed the second interval from its start: it cuts it at its switch");
        assertEquals(2 * HALF_HOUR, a2.count("SELECT SUM(piece_end_ms - piece_start_ms) FROM queue_interval_stats"
                + " WHERE queue = 'Sales'"));
        assertEquals(List.of(List.of(T0, 1L), List.of(T0 + 5 * MINUTE, 2L)),
                a2.query("SELECT piece_start_ms, entered FROM queue_interval_stats WHERE queue = 'Sales' AND"
                        + " interval_start_ms = " + T0 + " ORDER BY piece_start_ms"),
                "B's counts: i1 before its switch, i2 and i3 after");
        a2.close();
    }

    @Test
    void aLonePrimaryStartedMidIntervalStillWritesThatInterval() throws Exception {
        try (TrackerHarness a = node("a", 12 * MINUTE)) {
            a.role(Role.PRIMARY);
            queued("i1", a);
            advance(18 * MINUTE + 1, a);
            assertEquals(List.of(List.of(T0, T0 + HALF_HOUR)), pieces(a, T0),
                    "the only writer of the interval: one piece, its span the interval's");
        }
    }

    @Test
    void aRestartedBackupPromotedInTheSameIntervalWritesBothPiecesOfIt() throws Exception {
        try (TrackerHarness b = node("b", 8 * MINUTE)) {
            b.role(Role.BACKUP);
            queued("i1", b);
            advance(4 * MINUTE, b);
            b.role(Role.NONE); // the primary died 12 min into the interval (it writes nothing of it)
            b.role(Role.PRIMARY);
            queued("i2", b);
            advance(18 * MINUTE + 1, b);
            assertEquals(List.of(List.of(T0, T0 + 12 * MINUTE), List.of(T0 + 12 * MINUTE, T0 + HALF_HOUR)),
                    pieces(b, T0));
        }
    }
}
