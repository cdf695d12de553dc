package org.switchover.tracker.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * Moves the journal's backlog into the database: reads a batch after the drained position, upserts it in one
 * transaction, and only after the commit records the new drained position. A crash between the two writes the batch
 * again at the next start, which changes nothing (natural keys). One thread calls {@link #drain}; the figures may be
 * read from any thread.
 */
final class Drainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Drainer.class);
    /** Errors repeat at every retry while the database is away: one line a minute per kind, the rest counted. */
    private final RateLimitedLog errors = RateLimitedLog.perPeriod(LOG::error, 60_000L);

    /** Opens a connection to the configured database. */
    @FunctionalInterface
    interface Connector {
        /** @return a connection; closing it gives it back */
        Connection open() throws SQLException;

        /** A connection that failed: it is not to be used again. */
        default void discard(Connection c) {
            close(c);
        }

        /** @return a number that changes when the connections start going to another database (settings changed) */
        default long generation() {
            return 0;
        }
    }

    private final CsvJournal journal;
    private final Connector connector;
    private final int batch;
    private Connection connection;
    private Database database;
    /** The connector's generation the schema was created for; -1 before. */
    private long schemaGeneration = -1;
    private volatile String destination = "";
    private volatile String lastError = "";
    private volatile long written;
    private volatile long malformed;

    Drainer(CsvJournal journal, Connector connector, int batch) {
        this.journal = journal;
        this.connector = connector;
        this.batch = batch;
    }

    /**
     * Writes batches until the backlog is empty or {@code maxBatches} were written.
     *
     * @return true when the backlog is empty
     * @throws SQLException when the database cannot be reached or refuses (the batch waits in the journal)
     * @throws IOException when the journal cannot be read
     */
    boolean drain(int maxBatches) throws SQLException, IOException {
        return drain(maxBatches, null);
    }

    /**
     * Writes batches of the rows before {@code limit} (null: all) until none is left or {@code maxBatches} were
     * written.
     *
     * @return true when no row before the limit is left
     * @throws SQLException when the database cannot be reached or refuses (the batch waits in the journal)
     * @throws IOException when the journal cannot be read
     */
    boolean drain(int maxBatches, CsvJournal.Position limit) throws SQLException, IOException {
        try {
            for (int k = 0; k < maxBatches; k++) {
                CsvJournal.Position from = journal.drained();
                CsvJournal.Batch b = journal.read(from, batch, limit);
                for (String m : b.malformed()) {
                    malformed++;
                    errors.log("malformed", "Tracker: journal line skipped, it is not a row: {}", LogText.escape(m));
                }
                if (b.next().equals(from)) {
                    lastError = "";
                    return true;
                }
                if (!b.rows().isEmpty()) {
                    write(b.rows());
                }
                journal.drained(b.next());
                written += b.rows().size();
            }
            lastError = "";
            return false;
        } catch (SQLException e) {
            discardConnection();
            lastError = "database: " + e.getMessage();
            errors.log("sql", "Tracker: the database did not take the rows ({}); they wait in the journal {} and"
                    + " are written when it answers", LogText.escape(e.getMessage()), journal.dir());
            throw e;
        } catch (IOException e) {
            lastError = "journal: " + e.getMessage();
            errors.log("io", "Tracker: the journal {} cannot be read: {}", journal.dir(),
                    LogText.escape(e.getMessage()));
            throw e;
        } finally {
            // back to the pool between runs: it checks it before the next one and replaces it when it broke
            closeConnection();
        }
    }

    private void write(List<Row> rows) throws SQLException {
        if (connection == null) {
            Connection c = connector.open();
            try {
                if (database == null || schemaGeneration != connector.generation()) {
                    Database d = new Database(Database.Dialect.of(c));
                    d.createSchema(c);
                    destination = Database.describe(c);
                    LOG.info("Tracker: writing to {} (schema version {})", destination, Database.SCHEMA_VERSION);
                    database = d;
                    schemaGeneration = connector.generation();
                }
                connection = c;
            } catch (SQLException | RuntimeException e) {
                connector.discard(c);
                throw e;
            }
        }
        database.write(connection, rows);
    }

    /** @return the database product once connected, "" before */
    String destination() {
        return destination;
    }

    /** @return the last error, "" when the last attempt succeeded */
    String lastError() {
        return lastError;
    }

    /** @return rows the database confirmed since this node started */
    long written() {
        return written;
    }

    /** @return journal lines skipped as malformed since this node started */
    long malformed() {
        return malformed;
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            close(c);
        }
    }

    /** After an error: the connection is not given back, and the schema is checked again on the next one. */
    private void discardConnection() {
        Connection c = connection;
        connection = null;
        database = null;
        if (c != null) {
            connector.discard(c);
        }
    }

    static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // broken already
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
