package org.switchover.tracker.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's connections, pooled by HikariCP (an OSGi bundle) over the {@link DataSource} that the driver bundle's
 * {@code DataSourceFactory} makes: the pool validates a connection before handing it out, replaces one that broke
 * (an outage, a database restart) and bounds the wait for one. HikariCP is fed the driver's own {@code DataSource},
 * so it never loads a driver class itself (which would not work across bundles). The pool is rebuilt when the
 * database settings change. Sized for the tracker's one writer thread; not operator parameters (see the README).
 */
final class ConnectionPool implements Drainer.Connector, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
    /** The drainer's thread writes; a second connection lets a replacement open while a broken one is evicted. */
    static final int MAX_CONNECTIONS = 2;
    /** The longest wait for a connection (ms): a database that does not answer fails the drain run, which retries. */
    static final long CONNECTION_TIMEOUT_MILLIS = 5000;
    static final long VALIDATION_TIMEOUT_MILLIS = 2000;

    private final java.util.function.Supplier<String> keys;
    private final SourceFor sources;
    private HikariDataSource pool;
    private String poolKey;
    private long generation;

    /** Makes the driver's data source for the current settings. */
    @FunctionalInterface
    interface SourceFor {
        DataSource create() throws SQLException;
    }

    /**
     * @param keys the current settings as one key (the pool is rebuilt when it changes); never contains the password
     *     in clear
     * @param sources makes the driver's data source for the current settings
     */
    ConnectionPool(java.util.function.Supplier<String> keys, SourceFor sources) {
        this.keys = keys;
        this.sources = sources;
    }

    @Override
    public synchronized Connection open() throws SQLException {
        String key = keys.get();
        if (pool == null || !Objects.equals(key, poolKey)) {
            closePool();
            DataSource ds = sources.create();
            HikariConfig c = new HikariConfig();
            c.setPoolName("switchover-tracker-db");
            c.setDataSource(ds);
            c.setMaximumPoolSize(MAX_CONNECTIONS);
            c.setMinimumIdle(1);
            c.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
            c.setValidationTimeout(VALIDATION_TIMEOUT_MILLIS);
            // the pool is made even while the database is down: the first connection is asked for when rows wait
            c.setInitializationFailTimeout(-1);
            pool = new HikariDataSource(c);
            poolKey = key;
            generation++;
            LOG.info("Tracker: connection pool (HikariCP, at most {} connections, {} ms to get one) over the"
                    + " driver's DataSource", MAX_CONNECTIONS, CONNECTION_TIMEOUT_MILLIS);
        }
        return pool.getConnection();
    }

    @Override
    public synchronized void discard(Connection c) {
        HikariDataSource p = pool;
        if (p != null) {
            try {
                p.evictConnection(c);
                return;
            } catch (RuntimeException e) {
                LOG.debug("Tracker: could not evict a connection: {}", e.toString());
            }
        }
        Drainer.Connector.super.discard(c);
    }

    @Override
    public synchronized long generation() {
        return generation;
    }

    private void closePool() {
        HikariDataSource p = pool;
        pool = null;
        poolKey = null;
        if (p != null) {
            p.close();
        }
    }

    @Override
    public synchronized void close() {
        closePool();
    }
}
