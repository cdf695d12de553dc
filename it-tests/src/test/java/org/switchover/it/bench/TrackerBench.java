package org.switchover.it.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.TrackerDatabases;
import org.switchover.it.support.TrackerDatabases.Db;
import org.switchover.it.support.SwitchoverNode;

/**
 * The tracker's throughput (-Pbench), into H2 (a TCP server of the bench's own) and into the PostgreSQL at
 * 127.0.0.1:5432 (a schema of its own): one primary node of the runtime jar runs {@code host:interaction-lifecycle}
 * as fast as it can; the tracker's rows per second from the start of the load until its backlog is empty, beside
 * the limit - a plain JDBC batch insert (500 rows a transaction) of as many rows of the same shape into the same
 * database in the same run - and the host's interactions per second with the tracker bundle running and stopped.
 * Prints BENCH lines with the load average; asserts only that the rows arrived.
 */
class TrackerBench {

    private static final int INTERACTIONS = Integer.getInteger("tracker.bench.interactions", 6000);
    private static final int BATCH = 500;

    @Test
    void h2() throws Exception {
        Path dir = Repo.freshDir("tracker-bench-h2");
        TrackerDatabases.h2(dir, (url, user, db) -> run("h2", dir, url, user, db));
    }

    @Test
    void postgresql() throws Exception {
        Path dir = Repo.freshDir("tracker-bench-pg");
        TrackerDatabases.postgresql("tracker_bench", (url, user, db) -> run("postgresql", dir, url, user, db));
    }

    private static void run(String name, Path dir, String url, String user, Db db) throws Exception {
        BenchLog.bench("tracker " + name + ": load average at start: " + BenchLog.loadAverage());
        Map<String, Map<String, String>> profile = Profiles.fast();
        Profiles.with(profile, "org.switchover.tracker", "tracker.database.url", url);
        Profiles.with(profile, "org.switchover.tracker", "tracker.database.user", user);
        int[] ports = SwitchoverNode.freePorts();
        try (SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, profile)) {
            a.start();
            a.awaitState("PRIMARY", Duration.ofSeconds(120));
            // tracker on: the host's rate and the tracker's rows per second until the backlog is empty
            long t0 = System.nanoTime();
            String out = a.shellOk("host:interaction-lifecycle on " + INTERACTIONS + " 100000");
            long hostOn = System.nanoTime() - t0;
            assertTrue(out.startsWith("lifecycle on: " + INTERACTIONS + " created"), out);
            long[] rows = new long[1];
            await("the tracker's backlog written").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> {
                        JsonNode t = a.quickStatus().path("tracker");
                        rows[0] = t.path("rowsWritten").asLong();
                        return t.path("backlogBytes").asLong(-1) == 0 && rows[0] >= INTERACTIONS * 5L;
                    });
            long tracker = System.nanoTime() - t0;
            double trackerRate = rows[0] / (tracker / 1e9);
            // the limit: the same number of rows of the segment table's shape, plain batched INSERTs
            double limit = plainInsert(db, (int) rows[0]);
            BenchLog.bench(String.format("tracker %s: %d rows through the tracker in %d ms = %.0f rows/s; plain JDBC"
                    + " batch insert of %d rows = %.0f rows/s; tracker/limit %.2f", name, rows[0], tracker / 1_000_000,
                    trackerRate, rows[0], limit, trackerRate / limit));
            BenchLog.row("tracker: rows/s into " + name, String.format("%,.0f/s", trackerRate),
                    String.format("plain JDBC batch insert %,.0f/s", limit), BenchLog.ratio(trackerRate, limit), "-");
            // tracker off: the same load with the tracker bundle stopped
            String id = bundleId(a, "org.switchover.tracker");
            a.shellOk("felix:stop " + id);
            t0 = System.nanoTime();
            out = a.shellOk("host:interaction-lifecycle off " + INTERACTIONS + " 100000");
            long hostOff = System.nanoTime() - t0;
            assertTrue(out.startsWith("lifecycle off: " + INTERACTIONS + " created"), out);
            a.shellOk("felix:start " + id);
            double on = INTERACTIONS / (hostOn / 1e9);
            double off = INTERACTIONS / (hostOff / 1e9);
            BenchLog.bench(String.format("tracker %s: host lifecycle of %d interactions: %.0f interactions/s with the"
                    + " tracker, %.0f without (tracker bundle stopped); with/without %.2f (each includes one shell"
                    + " call)", name, INTERACTIONS, on, off, on / off));
        }
        BenchLog.bench("tracker " + name + ": load average at end: " + BenchLog.loadAverage());
    }

    /** @return rows per second of a plain batched insert of {@code n} rows, {@value #BATCH} per transaction */
    private static double plainInsert(Db db, int n) throws SQLException {
        try (Connection c = db.open()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench_plain (interaction_id VARCHAR(255), seqno SMALLINT, segment_no INT,"
                        + " start_ms BIGINT, end_ms BIGINT, queue VARCHAR(255), agent VARCHAR(255), state VARCHAR(32),"
                        + " PRIMARY KEY (interaction_id, seqno, segment_no))");
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_plain VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                long now = System.currentTimeMillis();
                for (int k = 0; k < n; k++) {
                    ps.setString(1, "plain-" + k / 5);
                    ps.setInt(2, 0);
                    ps.setInt(3, k % 5);
                    ps.setLong(4, now + k);
                    ps.setLong(5, now + k + 1);
                    ps.setString(6, k % 2 == 0 ? "Sales" : "Support");
                    ps.setString(7, "agent" + k % 7);
                    ps.setString(8, "CONNECTED");
                    ps.addBatch();
                    if ((k + 1) % BATCH == 0 || k == n - 1) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** @return the id of the bundle {@code symbolicName} from {@code felix:lb -s} */
    private static String bundleId(SwitchoverNode n, String symbolicName) {
        for (String line : n.shellOk("felix:lb -s").split("\n")) {
            String[] f = line.split("\\|");
            if (f.length >= 4 && f[3].trim().startsWith(symbolicName + " ")) {
                return f[0].trim();
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " in felix:lb -s");
    }
}
