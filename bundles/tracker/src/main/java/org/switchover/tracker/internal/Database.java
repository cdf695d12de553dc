package org.switchover.tracker.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tracker's tables in one database: creates and versions the schema ({@code tracker_schema}), and writes rows as
 * idempotent upserts on their natural keys ({@code MERGE ... KEY} in H2, {@code INSERT ... ON CONFLICT DO UPDATE} in
 * PostgreSQL), one JDBC batch per table, in one transaction: {@link #write} returns only after the commit, so a row
 * counts as written only once the database confirmed it. Not thread-safe: one thread uses it.
 */
final class Database {

    /** The schema version this code writes. */
    static final int SCHEMA_VERSION = 1;

    /** The SQL dialects the tracker knows. */
    enum Dialect {
        H2, POSTGRESQL;

        static Dialect of(Connection c) throws SQLException {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("h2")) {
                return H2;
            }
            if (product.contains("postgres")) {
                return POSTGRESQL;
            }
            throw new SQLException("the tracker writes to H2 or PostgreSQL, not to '" + product + "'");
        }
    }

    /** A table: its name, columns (key columns first) and how many of them form the key. */
    private enum Table {
        SUMMARY("interaction_summary", 2, "interaction_id VARCHAR(255)", "seqno SMALLINT", "channel VARCHAR(32)",
                "created_ms BIGINT", "ended_ms BIGINT", "first_queue VARCHAR(255)", "last_agent VARCHAR(255)",
                "final_state VARCHAR(32)", "segments INT"),
        SEGMENT("interaction_segment_detail", 3, "interaction_id VARCHAR(255)", "seqno SMALLINT", "segment_no INT",
                "start_ms BIGINT", "end_ms BIGINT", "queue VARCHAR(255)", "agent VARCHAR(255)", "state VARCHAR(32)"),
        WRAPUP("interaction_wrapup", 2, "interaction_id VARCHAR(255)", "seqno SMALLINT", "agent VARCHAR(255)",
                "wrapup_code VARCHAR(255)", "disconnected_ms BIGINT", "released_ms BIGINT"),
        INTERVAL("queue_interval_stats", 3, "queue VARCHAR(255)", "interval_start_ms BIGINT",
                "piece_start_ms BIGINT", "interval_end_ms BIGINT", "piece_end_ms BIGINT", "entered INT",
                "answered INT", "abandoned INT", "completed INT");

        final String name;
        final int keys;
        final String[] columns;

        Table(String name, int keys, String... columns) {
            this.name = name;
            this.keys = keys;
            this.columns = columns;
        }

        String column(int k) {
            return columns[k].substring(0, columns[k].indexOf(' '));
        }

        static Table of(Row r) {
            if (r instanceof Row.Summary) {
                return SUMMARY;
            }
            if (r instanceof Row.Segment) {
                return SEGMENT;
            }
            return r instanceof Row.Wrapup ? WRAPUP : INTERVAL;
        }

        /** @return the row's values in this table's column order (the interval's key columns come first) */
        List<Object> values(Row r) {
            List<Object> v = r.values();
            if (r instanceof Row.Interval) {
                // row order: queue, interval start, interval end, piece start, ...; key: queue, start, piece start
                List<Object> o = new ArrayList<>(v);
                o.set(2, v.get(3));
                o.set(3, v.get(2));
                return o;
            }
            return v;
        }
    }

    private final Dialect dialect;

    Database(Dialect dialect) {
        this.dialect = dialect;
    }

    Dialect dialect() {
        return dialect;
    }

    /**
     * Creates the tables when missing and checks the schema's version.
     *
     * @throws SQLException when the database holds a newer schema than this code knows, or refuses
     */
    void createSchema(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS tracker_schema (version INT NOT NULL)");
            int version = 0;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM tracker_schema")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > SCHEMA_VERSION) {
                throw new SQLException("the tracker's tables are at schema version " + version + ", newer than this"
                        + " release's " + SCHEMA_VERSION + "; nothing is written");
            }
            if (version < SCHEMA_VERSION) {
                for (Table t : Table.values()) {
                    List<String> keys = new ArrayList<>();
                    for (int k = 0; k < t.keys; k++) {
                        keys.add(t.column(k));
                    }
                    s.execute("CREATE TABLE IF NOT EXISTS " + t.name + " (" + String.join(", ", t.columns)
                            + ", PRIMARY KEY (" + String.join(", ", keys) + "))");
                }
                s.execute("DELETE FROM tracker_schema");
                s.execute("INSERT INTO tracker_schema (version) VALUES (" + SCHEMA_VERSION + ")");
            }
            c.commit();
        } catch (SQLException e) {
            rollback(c);
            throw e;
        }
    }

    /** Upserts the rows in one transaction and commits; on failure nothing is committed. */
    void write(Connection c, List<Row> rows) throws SQLException {
        Map<Table, List<Row>> byTable = new EnumMap<>(Table.class);
        for (Row r : rows) {
            byTable.computeIfAbsent(Table.of(r), t -> new ArrayList<>()).add(r);
        }
        c.setAutoCommit(false);
        try {
            for (Map.Entry<Table, List<Row>> e : byTable.entrySet()) {
                Table t = e.getKey();
                try (PreparedStatement ps = c.prepareStatement(upsert(t))) {
                    for (Row r : e.getValue()) {
                        List<Object> v = t.values(r);
                        for (int k = 0; k < v.size(); k++) {
                            bind(ps, k + 1, v.get(k), t.column(k));
                        }
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollback(c);
            throw e;
        }
    }

    private static void bind(PreparedStatement ps, int k, Object v, String column) throws SQLException {
        if (v instanceof String s) {
            ps.setString(k, s);
        } else if (column.endsWith("_ms") && ((Long) v) < 0) {
            ps.setNull(k, Types.BIGINT);
        } else if (v instanceof Long l) {
            ps.setLong(k, l);
        } else {
            ps.setInt(k, (Integer) v);
        }
    }

    private String upsert(Table t) {
        List<String> cols = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        for (int k = 0; k < t.columns.length; k++) {
            String c = t.column(k);
            cols.add(c);
            marks.add("?");
            if (k < t.keys) {
                keys.add(c);
            } else {
                sets.add(c + " = EXCLUDED." + c);
            }
        }
        String into = t.name + " (" + String.join(", ", cols) + ")";
        return switch (dialect) {
            case H2 -> "MERGE INTO " + into + " KEY (" + String.join(", ", keys) + ") VALUES ("
                    + String.join(", ", marks) + ")";
            case POSTGRESQL -> "INSERT INTO " + into + " VALUES (" + String.join(", ", marks) + ") ON CONFLICT ("
                    + String.join(", ", keys) + ") DO UPDATE SET " + String.join(", ", sets);
        };
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the caller reports the first error and opens a new one
        }
    }

    /** @return the database's product and version, for the status and the log */
    static String describe(Connection c) throws SQLException {
        DatabaseMetaData m = c.getMetaData();
        return m.getDatabaseProductName() + " " + m.getDatabaseProductVersion();
    }
}
