package org.switchover.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV journal: weekly files, torn tails, malformed lines, rotation, and a replay that changes nothing. */
class CsvJournalTest {

    private static final long WEEK = 7L * 86_400_000L;

    @TempDir
    Path dir;

    private static List<Row> rows(String prefix, int n) {
        List<Row> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(new Row.Summary(prefix + k, k % 2, "chat", 1000 + k, 2000 + k, "Sales", "a", "DISCONNECTED", 1));
        }
        return out;
    }

    @Test
    void writesOneFilePerIsoWeekAndReadsAcrossThemInOrder() throws Exception {
        try (CsvJournal j = new CsvJournal(dir, w -> { })) {
            j.append(rows("a", 3), TrackerHarness.T0);
            j.append(rows("b", 2), TrackerHarness.T0 + WEEK);
            assertEquals(List.of("tracker-2026-W50.csv", "tracker-2026-W51.csv"), j.files());
            CsvJournal.Batch b = j.read(CsvJournal.Position.START, 4);
            assertEquals(rows("a", 3).subList(0, 3), b.rows().subList(0, 3));
            assertEquals(4, b.rows().size());
            assertEquals(5, j.rowsAfter(CsvJournal.Position.START), "the backlog in rows, across the files");
            assertEquals(1, j.rowsAfter(b.next()));
            CsvJournal.Batch rest = j.read(b.next(), 100);
            assertEquals(0, j.rowsAfter(rest.next()));
            assertEquals(List.of(rows("b", 2).get(1)), rest.rows());
            assertEquals(rest.next(), j.read(rest.next(), 100).next(), "nothing after the end");
        }
    }

    @Test
    void aTornTailIsNeverReadAsARowAndIsClosedAndReportedAtTheNextOpen() throws Exception {
        List<String> warnings = new ArrayList<>();
        String name = CsvJournal.fileFor(TrackerHarness.T0);
        try (CsvJournal j = new CsvJournal(dir, warnings::add)) {
            j.append(rows("a", 2), TrackerHarness.T0);
        }
        Files.writeString(dir.resolve(name), "S,\"torn\",0,\"ch", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (CsvJournal j = new CsvJournal(dir, warnings::add)) {
            assertEquals(2, j.read(CsvJournal.Position.START, 100).rows().size(), "the torn line is not complete");
            j.append(rows("b", 1), TrackerHarness.T0);
            CsvJournal.Batch b = j.read(CsvJournal.Position.START, 100);
            assertEquals(3, b.rows().size());
            assertEquals(1, b.malformed().size(), b.malformed().toString());
            assertTrue(b.malformed().get(0).startsWith(name + " at byte "), b.malformed().get(0));
            assertTrue(warnings.get(0).contains("torn"), warnings.toString());
        }
    }

    @Test
    void hostileFilesAndAnUnreadableDrainedPositionAreReportedNotFatal() throws Exception {
        String name = CsvJournal.fileFor(TrackerHarness.T0);
        Files.writeString(dir.resolve(name), "garbage\n\u0000\u0001\n#comment\n" + "Z".repeat(10_000) + "\n"
                + RowCodec.encode(rows("ok", 1).get(0)) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("drained"), "../../etc/passwd 12\n");
        List<String> warnings = new ArrayList<>();
        try (CsvJournal j = new CsvJournal(dir, warnings::add)) {
            assertEquals(CsvJournal.Position.START, j.drained());
            assertTrue(warnings.get(0).contains("unreadable"), warnings.toString());
            CsvJournal.Batch b = j.read(j.drained(), 100);
            assertEquals(rows("ok", 1), b.rows());
            assertEquals(3, b.malformed().size(), b.malformed().toString());
        }
    }

    @Test
    void rotationDeletesOldDrainedWeeksAndOnABackupAlsoUndrainedOnes() throws Exception {
        try (CsvJournal j = new CsvJournal(dir, w -> { })) {
            for (int w = 0; w < 8; w++) {
                j.append(rows("w" + w, 1), TrackerHarness.T0 + w * WEEK);
            }
            long now = TrackerHarness.T0 + 8 * WEEK;
            assertEquals(List.of(), j.rotate(now, false), "nothing drained: a primary keeps every row");
            j.drained(j.read(CsvJournal.Position.START, 2).next());
            assertEquals(List.of("tracker-2026-W50.csv"), j.rotate(now, false));
            assertEquals(List.of("tracker-2026-W51.csv", "tracker-2026-W52.csv"), j.rotate(now, true));
            assertEquals(5, j.files().size());
            assertEquals(5, j.read(j.drained(), 100).rows().size());
        }
    }

    @Test
    void replayingTheJournalIntoTheDatabaseAgainChangesNothing() throws Exception {
        String url = "jdbc:h2:mem:j" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection keep = DriverManager.getConnection(url);
                CsvJournal j = new CsvJournal(dir, w -> { });
                Drainer d = new Drainer(j, () -> DriverManager.getConnection(url), 7)) {
            List<Row> all = new ArrayList<>(rows("s", 40));
            all.add(new Row.Segment("s1", 1, 1, 1, 2, "q", "a", "QUEUED"));
            all.add(new Row.Wrapup("s1", 1, "a", "", -1, 5));
            all.add(new Row.Interval("Sales", 0, 1800, 0, 900, 1, 1, 0, 1));
            all.add(new Row.Interval("Sales", 0, 1800, 900, 1800, 2, 0, 1, 0));
            j.append(all, TrackerHarness.T0);
            j.append(rows("s", 40), TrackerHarness.T0); // the same rows again, as a second flush would
            assertTrue(d.drain(1000));
            String dump = dump(keep);
            assertEquals(84, d.written());

            Files.delete(dir.resolve("drained")); // a crash before the position was recorded: everything again
            try (CsvJournal again = new CsvJournal(dir, w -> { });
                    Drainer d2 = new Drainer(again, () -> DriverManager.getConnection(url), 1000)) {
                assertEquals(CsvJournal.Position.START, again.drained());
                assertTrue(d2.drain(10));
                assertEquals(84, d2.written());
            }
            assertEquals(dump, dump(keep));
            assertTrue(dump.startsWith("40 1 1 2"), dump);
        }
    }

    private static String dump(Connection c) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String t : List.of("interaction_summary", "interaction_segment_detail", "interaction_wrapup",
                "queue_interval_stats")) {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM " + t)) {
                rs.next();
                b.append(rs.getLong(1)).append(' ');
            }
        }
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT * FROM interaction_summary ORDER BY"
                + " interaction_id, seqno")) {
            while (rs.next()) {
                b.append('\n').append(rs.getString(1)).append(rs.getInt(2)).append(rs.getLong(4));
            }
        }
        return b.toString();
    }
    @Test
    void theOwnPositionLeftOpenByAKillIsClosedAtTheJournalsEndAndBoundsAReadAcrossFiles() throws Exception {
        try (CsvJournal j = new CsvJournal(dir, w -> { })) {
            assertEquals(CsvJournal.Position.START, j.own(), "a fresh journal owes nothing");
            j.append(rows("s", 2), TrackerHarness.T0); // journalled as backup
            j.ownOpen(); // primary from here
            assertEquals(null, j.own());
            j.append(rows("p", 3), TrackerHarness.T0 + WEEK);
        }
        // the node was killed while primary: the marker is still open
        List<String> warnings = new ArrayList<>();
        try (CsvJournal j = new CsvJournal(dir, warnings::add)) {
            CsvJournal.Position end = j.end();
            String second = "tracker-2026-W51.csv";
            assertEquals(new CsvJournal.Position(second, Files.size(dir.resolve(second))), end);
            assertEquals(end, j.own(), "closed at the journal's end");
            assertEquals("tracker-2026-W51.csv " + end.offset(), Files.readString(dir.resolve("own")).trim());
            j.append(rows("t", 1), TrackerHarness.T0 + WEEK); // as backup again: after the own rows
            CsvJournal.Batch b = j.read(CsvJournal.Position.START, 100, j.own());
            assertEquals(5, b.rows().size(), "the rows before the own position, across both files");
            assertEquals(end, b.next());
            assertEquals(0, j.read(b.next(), 100, j.own()).rows().size());
            assertEquals(1, j.read(b.next(), 100).rows().size(), "without a limit the backup's row follows");
            assertTrue(warnings.isEmpty(), warnings.toString());
        }
        Files.writeString(dir.resolve("own"), "garbage\n");
        List<String> warned = new ArrayList<>();
        try (CsvJournal j = new CsvJournal(dir, warned::add)) {
            assertEquals(j.end(), j.own(), "unreadable: every row is taken as this node's own (idempotent writes)");
            assertEquals(1, warned.size());
            assertTrue(warned.get(0).contains("garbage"), warned.get(0));
        }
    }

    @Test
    void aStartOnAFullDiskKeepsTheOwnPositionInMemoryAndRecordsItAtTheNextRoleChange() throws Exception {
        try (CsvJournal j = new CsvJournal(dir, w -> { })) {
            j.ownOpen();
            j.append(rows("p", 3), TrackerHarness.T0);
        }
        // killed while primary, restarted with a disk that refuses the marker's write (a directory in the way of its
        // temporary file stands for the full disk)
        Path blocker = Files.createDirectories(dir.resolve("own.tmp"));
        List<String> warnings = new ArrayList<>();
        try (CsvJournal j = new CsvJournal(dir, warnings::add)) {
            assertEquals(j.end(), j.own(), "the tracker starts, its own rows bounded at the journal's end");
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("could not record") && warnings.get(0).contains("kept in memory"),
                    warnings.get(0));
            assertEquals("open", Files.readString(dir.resolve("own")).trim(), "nothing half-written");
            Files.delete(blocker);
            CsvJournal.Position end = j.end();
            j.ownUpTo(end); // the next role change, space back
            assertEquals("tracker-2026-W50.csv " + end.offset(), Files.readString(dir.resolve("own")).trim());
        }
    }
}
