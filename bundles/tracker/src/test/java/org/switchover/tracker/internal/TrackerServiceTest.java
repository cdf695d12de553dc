package org.switchover.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.switchover.tracker.internal.TrackerHarness.T0;
import static org.switchover.tracker.internal.TrackerHarness.chat;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.QueueRef;
import org.switchover.support.RoleBinding.Role;

/** The tracker on virtual time: segments, seqno, interval pieces at a switch, the journal and the database. */
class TrackerServiceTest {

    private static final long HALF_HOUR = 1_800_000;
    private static final QueueRef SALES = QueueRef.workgroup("Sales");

    @TempDir
    Path dir;

    private TrackerHarness harness() throws Exception {
        return new TrackerHarness(dir, "jdbc:h2:mem:t" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", HALF_HOUR);
    }

    @Test
    void buildsOneSegmentPerQueueAgentAndStateSpanAndWritesThemOnRelease() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.PRIMARY);
            h.service.changed(chat("c1", InteractionState.QUEUED, SALES, "", 1));
            h.advance(30_000);
            h.service.changed(chat("c1", InteractionState.CONNECTED, QueueRef.user("alice"), "alice", 2));
            h.advance(60_000);
            h.service.changed(chat("c1", InteractionState.CONNECTED, QueueRef.user("alice"), "alice", 2)); // again
            h.service.changed(chat("c1", InteractionState.DISCONNECTED, QueueRef.user("alice"), "alice", 3));
            h.advance(10_000);
            h.service.removed("c1", 99);
            h.advance(1);

            List<List<Object>> segments = h.query("SELECT segment_no, start_ms, end_ms, queue, agent, state, seqno"
                    + " FROM interaction_segment_detail WHERE interaction_id = 'c1' ORDER BY segment_no");
            assertEquals(List.of(
                    List.of(1L, T0, T0 + 30_000, "Sales", "", "QUEUED", 0L),
                    List.of(2L, T0 + 30_000, T0 + 90_000, "alice", "alice", "CONNECTED", 0L),
                    List.of(3L, T0 + 90_000, T0 + 100_000, "alice", "alice", "DISCONNECTED", 0L)), segments);
            assertEquals(List.of(List.of("chat", T0, T0 + 100_000, "Sales", "alice", "DISCONNECTED", 3L)),
                    h.query("SELECT channel, created_ms, ended_ms, first_queue, last_agent, final_state, segments"
                            + " FROM interaction_summary WHERE interaction_id = 'c1' AND seqno = 0"));
            assertEquals(List.of(List.of("alice", T0 + 90_000, T0 + 100_000)),
                    h.query("SELECT agent, disconnected_ms, released_ms FROM interaction_wrapup"
                            + " WHERE interaction_id = 'c1'"));
            assertEquals(5, h.service.status().rowsWritten(), "3 segments, the summary and the wrap-up");
            assertEquals(0, h.service.status().backlogBytes());
        }
    }

    @Test
    void anIntervalCutBySwitchBecomesTwoPiecesWhoseSpansAddUp() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.BACKUP);
            h.service.changed(chat("a", InteractionState.QUEUED, SALES, "", 1));
            h.advance(5 * 60_000);
            h.service.changed(chat("b", InteractionState.QUEUED, SALES, "", 1));
            h.advance(10 * 60_000); // the switch comes 15 min into the interval
            h.role(Role.NONE); // the core drops the backup condition before it raises the primary one
            h.role(Role.PRIMARY);
            h.service.changed(chat("c", InteractionState.QUEUED, SALES, "", 1));
            h.advance(15 * 60_000 + 1); // past the interval's end: the boundary closes the second piece

            List<List<Object>> pieces = h.query("SELECT piece_start_ms, piece_end_ms, interval_end_ms, entered"
                    + " FROM queue_interval_stats WHERE queue = 'Sales' AND interval_start_ms = " + T0
                    + " ORDER BY piece_start_ms");
            assertEquals(List.of(List.of(T0, T0 + 900_000, T0 + HALF_HOUR, 2L),
                    List.of(T0 + 900_000, T0 + HALF_HOUR, T0 + HALF_HOUR, 1L)), pieces);
            assertEquals(HALF_HOUR, h.count("SELECT SUM(piece_end_ms - piece_start_ms) FROM queue_interval_stats"
                    + " WHERE queue = 'Sales' AND interval_start_ms = " + T0));
        }
    }

    @Test
    void interactionsLiveAtTheSwitchCarrySeqnoOneTheOthersZero() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.BACKUP);
            h.service.changed(chat("done", InteractionState.QUEUED, SALES, "", 1));
            h.service.changed(chat("spans", InteractionState.QUEUED, SALES, "", 1));
            h.advance(1000);
            h.service.changed(chat("spans", InteractionState.CONNECTED, QueueRef.user("bob"), "bob", 2));
            h.service.removed("done", 99);
            h.advance(1000);
            assertEquals(0, h.count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME ="
                    + " 'INTERACTION_SUMMARY'"), "a backup writes nothing to the database");
            assertFalse(h.journalRows().isEmpty(), "a backup journals what it saw");

            h.promote();
            assertEquals(1, h.count("SELECT COUNT(*) FROM interaction_summary WHERE interaction_id = 'spans'"
                    + " AND seqno = 1 AND ended_ms IS NULL"), "the pre-switch capture is flushed at the switch");
            h.service.changed(chat("after", InteractionState.QUEUED, SALES, "", 1));
            h.advance(1000);
            h.service.changed(chat("spans", InteractionState.DISCONNECTED, QueueRef.user("bob"), "bob", 3));
            h.service.removed("spans", 99);
            h.service.removed("after", 99);
            h.advance(1000);

            assertEquals(List.of(List.of("after", 0L), List.of("done", 0L), List.of("spans", 1L)),
                    h.query("SELECT interaction_id, seqno FROM interaction_summary ORDER BY interaction_id"));
            assertEquals(3, h.count("SELECT COUNT(*) FROM interaction_segment_detail WHERE interaction_id = 'spans'"
                    + " AND seqno = 1"));
            assertEquals(1, h.count("SELECT COUNT(*) FROM interaction_wrapup WHERE interaction_id = 'spans'"
                    + " AND seqno = 1 AND released_ms = " + (T0 + 3000)));
            assertEquals(0, h.count("SELECT COUNT(*) FROM interaction_summary WHERE ended_ms IS NULL"));
        }
    }

    @Test
    void disableQpsLoggingOnBackupKeepsTheJournalEmptyButTheSwitchStillFlushes() throws Exception {
        try (TrackerHarness h = harness()) {
            h.service.configure(HALF_HOUR, true);
            h.role(Role.BACKUP);
            h.service.changed(chat("x", InteractionState.QUEUED, SALES, "", 1));
            h.service.changed(chat("y", InteractionState.QUEUED, SALES, "", 1));
            h.service.removed("x", 99);
            h.advance(1000);
            assertTrue(h.journalRows().isEmpty());
            assertTrue(h.service.status().destination().contains("StatServer_DisableQPSLoggingOnBackup"));

            h.promote();
            assertEquals(List.of(List.of("y", 1L)), h.query("SELECT interaction_id, seqno FROM interaction_summary"));
        }
    }

    @Test
    void aDatabaseOutageKeepsTheRowsInTheJournalAndTheyDrainWhenItReturns() throws Exception {
        try (TrackerHarness h = harness()) {
            h.dbDown = true;
            h.role(Role.PRIMARY);
            for (int k = 0; k < 250; k++) {
                h.service.changed(chat("i" + k, InteractionState.QUEUED, SALES, "", 1));
                h.service.removed("i" + k, 99);
            }
            h.advance(1000);
            TrackerStatus s = h.service.status();
            assertTrue(s.lastError().contains("test outage"), s.lastError());
            assertTrue(s.backlogBytes() > 0);
            assertEquals(0, s.rowsWritten());
            assertEquals(750, h.service.backlogRows(), "the replication figures: every row waits in the journal");

            h.dbDown = false;
            h.advance(TrackerService.LAST_RETRY_MILLIS); // the retry timer
            s = h.service.status();
            assertEquals("", s.lastError());
            assertEquals(0, s.backlogBytes());
            assertEquals(0, h.service.backlogRows());
            assertEquals(250, h.count("SELECT COUNT(*) FROM interaction_summary"));
            assertEquals(750, s.rowsWritten());
        }
    }

    @Test
    void aBackupTracksTheShadowsAndForgetsWhatASyncNoLongerNames() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.BACKUP);
            h.service.changed(chat("gone", InteractionState.QUEUED, SALES, "", 1));
            h.service.changed(chat("kept", InteractionState.QUEUED, SALES, "", 1));
            h.service.syncStarted(Channel.CHAT);
            h.service.changed(chat("kept", InteractionState.QUEUED, SALES, "", 1));
            h.service.syncCompleted(Channel.CHAT);
            h.advance(1);
            h.promote();
            assertEquals(List.of(List.of("kept")), h.query("SELECT interaction_id FROM interaction_summary"));
        }
    }

    @Test
    void aLateCopyOfAReleasedInteractionDoesNotBringItBack() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.PRIMARY);
            h.service.changed(chat("z", InteractionState.QUEUED, SALES, "", 1));
            h.service.removed("z", 4);
            h.service.changed(chat("z", InteractionState.CONNECTED, QueueRef.user("bob"), "bob", 3)); // late shadow
            h.advance(1);
            h.role(Role.BACKUP);
            h.role(Role.PRIMARY);
            assertEquals(List.of(List.of("z", 0L, T0)), h.query("SELECT interaction_id, seqno, ended_ms"
                    + " FROM interaction_summary"), "one finished row, no live copy flushed at the switches");
        }
    }

    @Test
    void theNodeThatHandsOverWritesNoPieceOfTheIntervalTheNewPrimaryCuts() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.PRIMARY);
            h.service.changed(chat("a", InteractionState.QUEUED, SALES, "", 1));
            h.advance(10 * 60_000);
            h.role(Role.BACKUP); // a controlled hand-over 10 min into the interval
            h.service.changed(chat("b", InteractionState.QUEUED, SALES, "", 1));
            h.advance(50 * 60_000); // two boundaries: the cut interval (skipped) and a whole one (journalled)
            List<Row> intervals = h.journalRows().stream().filter(r -> r instanceof Row.Interval).toList();
            assertEquals(List.of(new Row.Interval("Sales", T0 + HALF_HOUR, T0 + 2 * HALF_HOUR, T0 + HALF_HOUR,
                    T0 + 2 * HALF_HOUR, 0, 0, 0, 0)), intervals);
        }
    }

    @Test
    void aControlledHandOverPersistsTheLiveInteractionsBeforeItIsAcknowledged() throws Exception {
        try (TrackerHarness h = harness()) {
            h.service.configure(HALF_HOUR, true); // no backup journal: the hand-over writes regardless
            h.role(Role.PRIMARY);
            h.service.changed(chat("connected", InteractionState.CONNECTED, QueueRef.user("bob"), "bob", 1));
            h.advance(1000);
            h.role(Role.NONE); // the core withdrew the primary role
            // an interaction the host created while its role was being withdrawn reaches the tracker after it
            h.service.changed(chat("raced", InteractionState.QUEUED, SALES, "", 1));
            java.util.concurrent.CompletableFuture<String> ack = h.service.handOver(3000);
            assertFalse(ack.isDone(), "the raced events are taken first");
            h.advance(TrackerService.SETTLE_MILLIS);
            assertTrue(ack.isDone());
            assertTrue(ack.get().contains("backlog empty"), ack.get());
            assertEquals(List.of(List.of("connected", 0L), List.of("raced", 0L)),
                    h.query("SELECT interaction_id, seqno FROM interaction_summary WHERE ended_ms IS NULL"
                            + " ORDER BY interaction_id"));
        }
    }

    /**
     * TrackerSystemIT r0c: the host reports a creation after the hand-over's last flush (its thread was held up
     * between its primary check and the change; the recovery stream had stopped, so the new primary never saw it).
     * Its rows are journalled and written at once, not left in memory until a flush that never comes.
     */
    @Test
    void aHostChangeAfterTheHandOversLastFlushIsJournalledAndWrittenAtOnce() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.PRIMARY);
            h.service.hostChanged(chat("before", InteractionState.QUEUED, SALES, "", 1));
            h.advance(1000);
            h.role(Role.NONE);
            java.util.concurrent.CompletableFuture<String> ack = h.service.handOver(3000);
            h.advance(TrackerService.SETTLE_MILLIS);
            assertTrue(ack.isDone());
            h.service.hostChanged(chat("late", InteractionState.QUEUED, SALES, "", 1));
            h.advance(1);
            assertTrue(h.journalRows().stream().anyMatch(r -> r instanceof Row.Summary x && x.id().equals("late")),
                    "journalled");
            assertEquals(List.of(List.of("before", 0L), List.of("late", 0L)),
                    h.query("SELECT interaction_id, seqno FROM interaction_summary ORDER BY interaction_id"),
                    "written while the node leaves the primary role");
            assertEquals(0, h.service.status().backlogBytes());
        }
    }

    /**
     * A kill -9 of the primary with rows still in its journal (the database did not answer): the node comes back as
     * backup and writes them, its own rows, at once; the rows it journals as backup from then on wait.
     */
    @Test
    void aKilledPrimaryWritesItsJournalledRowsWhenItComesBackAsBackup() throws Exception {
        String url = "jdbc:h2:mem:k" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        TrackerHarness a = new TrackerHarness(dir, url, HALF_HOUR);
        a.role(Role.PRIMARY);
        a.dbDown = true;
        a.service.hostChanged(chat("x", InteractionState.QUEUED, SALES, "", 1));
        a.service.removed("x", 2);
        a.advance(1);
        assertTrue(a.journalRows().stream().anyMatch(r -> r instanceof Row.Summary x && x.id().equals("x")));
        a.close(); // kill -9: no hand-over, no leaving time
        try (TrackerHarness back = new TrackerHarness(dir, url, HALF_HOUR)) {
            back.service.requestDrain(); // what the component asks for when it starts
            back.role(Role.BACKUP);
            assertEquals(1, back.count("SELECT COUNT(*) FROM interaction_summary WHERE interaction_id = 'x'"),
                    "the killed primary's row, written by the node back as backup");
            back.service.changed(chat("shadow", InteractionState.QUEUED, SALES, "", 1));
            back.service.removed("shadow", 2);
            back.advance(1);
            back.service.requestDrain();
            assertTrue(back.journalRows().stream().anyMatch(r -> r instanceof Row.Summary x
                    && x.id().equals("shadow")));
            assertEquals(0, back.count("SELECT COUNT(*) FROM interaction_summary WHERE interaction_id = 'shadow'"),
                    "a backup's own capture of the shadows waits until it is primary");
            back.role(Role.NONE);
            back.role(Role.PRIMARY);
            assertEquals(1, back.count("SELECT COUNT(*) FROM interaction_summary WHERE interaction_id = 'shadow'"));
        }
    }

    /**
     * TrackerSystemIT's round: a controlled hand-over whose rows the database did not take in time, then a kill -9
     * of the old primary while it leaves the role, and its restart as backup: the rows of its primary time are
     * written then, not only once it is primary again.
     */
    @Test
    void rowsLeftInTheJournalAtAHandOverAreWrittenAfterAKillAndARestartAsBackup() throws Exception {
        String url = "jdbc:h2:mem:h" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        TrackerHarness a = new TrackerHarness(dir, url, HALF_HOUR);
        a.role(Role.PRIMARY);
        a.service.hostChanged(chat("live", InteractionState.QUEUED, SALES, "", 1));
        a.advance(1000);
        a.dbDown = true;
        a.role(Role.NONE);
        java.util.concurrent.CompletableFuture<String> ack = a.service.handOver(3000);
        a.advance(TrackerService.SETTLE_MILLIS);
        assertTrue(ack.get().contains("wait in the journal"), ack.get());
        a.advance(2000);
        a.close(); // kill -9 within the leaving time
        try (TrackerHarness back = new TrackerHarness(dir, url, HALF_HOUR)) {
            back.service.requestDrain();
            back.role(Role.BACKUP);
            assertEquals(List.of(List.of("live", 0L)), back.query("SELECT interaction_id, seqno FROM"
                    + " interaction_summary"), "the hand-over's row, written by the node back as backup");
            assertEquals(0, back.service.status().backlogBytes());
        }
    }

    /** After the leaving time the own rows end: what the node journals as backup from then on waits. */
    @Test
    void theOwnRowsEndWhenTheLeavingTimeIsOver() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.PRIMARY);
            h.service.hostChanged(chat("p", InteractionState.QUEUED, SALES, "", 1));
            h.service.removed("p", 2);
            h.advance(1);
            h.role(Role.NONE);
            h.role(Role.BACKUP);
            assertEquals(null, h.journal.own(), "open while leaving");
            h.advance(TrackerService.LEAVING_WAIT_MILLIS);
            assertEquals(h.journal.end(), h.journal.own());
            h.service.changed(chat("s", InteractionState.QUEUED, SALES, "", 1));
            h.service.removed("s", 2);
            h.advance(1);
            h.service.requestDrain();
            assertEquals(List.of(List.of("p")), h.query("SELECT interaction_id FROM interaction_summary"));
            assertTrue(h.service.status().backlogBytes() > 0, "the backup's rows wait");
        }
    }

    @Test
    void aHandOverWithTheDatabaseDownCompletesAndTheRowsWaitInTheJournal() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.PRIMARY);
            h.service.changed(chat("x", InteractionState.QUEUED, SALES, "", 1));
            h.advance(1000);
            h.dbDown = true;
            h.role(Role.NONE);
            java.util.concurrent.CompletableFuture<String> ack = h.service.handOver(3000);
            h.advance(TrackerService.SETTLE_MILLIS);
            assertTrue(ack.isDone(), "a refusing database does not hold the hand-over up");
            assertTrue(ack.get().contains("wait in the journal"), ack.get());
            assertTrue(h.journalRows().stream().anyMatch(r -> r instanceof Row.Summary s && s.id().equals("x")));
            assertTrue(h.service.status().backlogBytes() > 0, "the rows wait");
            h.dbDown = false;
            h.role(Role.BACKUP);
            h.role(Role.PRIMARY); // the journal drains when this node is primary again
            assertEquals(0, h.service.status().backlogBytes());
            assertEquals(1, h.count("SELECT COUNT(*) FROM interaction_summary WHERE interaction_id = 'x' AND seqno = 0"),
                    "the row the hand-over could not write");
        }
    }

    @Test
    void aFullEventQueueMakesTheProducerWaitAndCountsEveryWaitAndOverflowNothingLost() throws Exception {
        try (TrackerHarness h = new TrackerHarness(dir, "jdbc:h2:mem:q" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                HALF_HOUR, 10, 20)) {
            h.role(Role.PRIMARY);
            for (int k = 0; k < 12; k++) { // the actor does not run meanwhile (virtual time stands still)
                h.service.changed(chat("q" + k, InteractionState.QUEUED, SALES, "", 1));
            }
            TrackerStatus s = h.service.status();
            assertEquals(10, s.queued(), "the bound");
            assertEquals(2, s.backpressureWaits());
            assertEquals(2, s.queueOverflows(), "no room came within the wait: queued over the bound, counted");
            assertTrue(s.text().contains("event queue: 10 of 10, producer waits 2, over the bound 2"), s.text());
            for (int k = 0; k < 12; k++) {
                h.service.removed("q" + k, 99);
            }
            h.advance(1);
            assertEquals(0, h.service.status().queued());
            assertEquals(12, h.count("SELECT COUNT(*) FROM interaction_summary"), "every event taken");
        }
    }

    /**
     * Issue 14: at a controlled hand-over the tail of the old primary's stream (an interaction released a few ms
     * after its creation, just before the hand-over) reaches the tracker after its role change. Such an interaction
     * did not span the switch: only the shadows the recovery service promotes carry seqno 1.
     */
    @Test
    void aShadowReleasedByTheStreamTailAfterTheRoleChangeDidNotSpanTheSwitch() throws Exception {
        try (TrackerHarness h = harness()) {
            h.role(Role.BACKUP);
            h.service.changed(chat("spans", InteractionState.CONNECTED, QueueRef.user("bob"), "bob", 1));
            h.service.changed(chat("short", InteractionState.QUEUED, SALES, "", 1));
            h.advance(1000);
            h.role(Role.PRIMARY);
            h.service.removed("short", 2); // the tail, behind the role change
            h.service.hostChanged(chat("new", InteractionState.QUEUED, SALES, "", 1)); // the new primary's own
            h.advance(10);
            h.promoted();
            h.advance(1000);
            h.service.hostChanged(chat("spans", InteractionState.DISCONNECTED, QueueRef.user("bob"), "bob", 2));
            h.service.removed("spans", 3);
            h.service.removed("new", 2);
            h.advance(1000);

            assertEquals(List.of(List.of("new", 0L), List.of("short", 0L), List.of("spans", 1L)),
                    h.query("SELECT interaction_id, seqno FROM interaction_summary ORDER BY interaction_id"));
            assertEquals(0, h.count("SELECT COUNT(*) FROM interaction_summary WHERE ended_ms IS NULL"));
        }
    }
}
