package org.switchover.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upserts against the real PostgreSQL on 127.0.0.1:5432 (database {@code test}, trust authentication), in a
 * schema of this test's own that is dropped afterwards: ON CONFLICT keeps one row per natural key and a replay
 * changes nothing; a newer schema version is refused.
 */
class PostgresDatabaseTest {

    private static final String BASE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private final String schema = "tracker_t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private Connection admin;

    @BeforeEach
    void createSchema() throws SQLException {
        admin = DriverManager.getConnection(BASE);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
        admin.close();
    }

    private Connection open() throws SQLException {
        return DriverManager.getConnection(BASE + "&currentSchema=" + schema);
    }

    @Test
    void upsertsKeepOneRowPerNaturalKeyAndTheLastValue() throws Exception {
        try (Connection c = open()) {
            Database db = new Database(Database.Dialect.of(c));
            assertEquals(Database.Dialect.POSTGRESQL, db.dialect());
            db.createSchema(c);
            db.createSchema(c); // a second start
            List<Row> rows = new ArrayList<>();
            for (int k = 0; k < 300; k++) {
                rows.add(new Row.Summary("p" + k, 0, "mail", k, -1, "Sales", "", "QUEUED", 1));
                rows.add(new Row.Segment("p" + k, 0, 1, k, k + 1, "Sales", "", "QUEUED"));
            }
            rows.add(new Row.Summary("p0", 0, "mail", 0, 99, "Sales", "ann", "DISCONNECTED", 2));
            rows.add(new Row.Wrapup("p0", 1, "ann", "ok", -1, 99));
            rows.add(new Row.Interval("Sales", 0, 1800, 0, 900, 1, 2, 3, 4));
            db.write(c, rows);
            db.write(c, rows); // the replay
            assertEquals(300, count(c, "SELECT COUNT(*) FROM interaction_summary"));
            assertEquals(300, count(c, "SELECT COUNT(*) FROM interaction_segment_detail"));
            assertEquals(99, count(c, "SELECT ended_ms FROM interaction_summary WHERE interaction_id = 'p0'"));
            assertEquals(0, count(c, "SELECT COUNT(*) FROM interaction_summary WHERE interaction_id = 'p1'"
                    + " AND ended_ms IS NOT NULL"));
            assertEquals(1, count(c, "SELECT COUNT(*) FROM interaction_wrapup WHERE seqno = 1"
                    + " AND disconnected_ms IS NULL"));
            assertEquals(900, count(c, "SELECT piece_end_ms FROM queue_interval_stats"));
        }
    }

    @Test
    void aNewerSchemaIsRefusedAndNothingIsWritten() throws Exception {
        try (Connection c = open()) {
            Database db = new Database(Database.Dialect.of(c));
            db.createSchema(c);
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE tracker_schema SET version = 99");
                c.commit();
            }
            SQLException e = assertThrows(SQLException.class, () -> db.createSchema(c));
            assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("schema version 99"), e.getMessage());
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
