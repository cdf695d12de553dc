package org.switchover.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracker's HikariCP pool over a driver's DataSource: reuse, eviction of a failed connection, new settings. */
class ConnectionPoolTest {

    @TempDir
    Path dir;

    private JdbcDataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve(name).toAbsolutePath());
        return ds;
    }

    @Test
    void reusesConnectionsEvictsAFailedOneAndFollowsNewSettings() throws Exception {
        AtomicReference<String> key = new AtomicReference<>("one");
        AtomicInteger made = new AtomicInteger();
        try (ConnectionPool pool = new ConnectionPool(key::get, () -> {
            made.incrementAndGet();
            return h2(key.get());
        })) {
            try (Connection c = pool.open(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (x INT)");
            }
            long g = pool.generation();
            try (Connection c = pool.open(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (1)");
            }
            assertEquals(1, made.get(), "one data source while the settings stay");
            assertEquals(g, pool.generation());

            Connection broken = pool.open();
            pool.discard(broken);
            try (Connection c = pool.open(); Statement s = c.createStatement()) {
                assertTrue(s.executeQuery("SELECT COUNT(*) FROM t").next(), "a fresh connection after an eviction");
            }

            key.set("two");
            try (Connection c = pool.open(); Statement s = c.createStatement()) {
                assertThrows(SQLException.class, () -> s.executeQuery("SELECT COUNT(*) FROM t"),
                        "the new settings name another database");
            }
            assertEquals(2, made.get());
            assertTrue(pool.generation() > g, "the drainer creates the schema again");
        }
    }

    @Test
    void aMissingDriverIsAClearErrorAndTheNextAttemptTriesAgain() throws Exception {
        AtomicReference<String> key = new AtomicReference<>("x");
        AtomicInteger calls = new AtomicInteger();
        try (ConnectionPool pool = new ConnectionPool(key::get, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new SQLException("no DataSourceFactory for org.postgresql.Driver is registered");
            }
            return h2("late");
        })) {
            SQLException e = assertThrows(SQLException.class, pool::open);
            assertTrue(e.getMessage().contains("no DataSourceFactory"), e.getMessage());
            try (Connection c = pool.open()) {
                assertTrue(c.isValid(1));
            }
        }
    }
}
