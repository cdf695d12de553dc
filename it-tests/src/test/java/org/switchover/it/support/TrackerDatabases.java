package org.switchover.it.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The two databases the tracker's system tests and benchmark run against: an H2 TCP server of the test's own (so that
 * killing a node never kills the database, and both nodes write to one), and a fresh schema in the local PostgreSQL.
 */
public final class TrackerDatabases {
    private TrackerDatabases() {
    }

    /** Opens a connection to the database under test. */
    @FunctionalInterface
    public interface Db {
        Connection open() throws SQLException;
    }

    /** What a test does with one database: the JDBC URL and user the nodes get, and a way to query it. */
    @FunctionalInterface
    public interface Use {
        void with(String url, String user, Db db) throws Exception;
    }

    /** Runs {@code use} against an H2 TCP server whose files live under {@code dir/db}; stops it afterwards. */
    public static void h2(Path dir, Use use) throws Exception {
        org.h2.tools.Server server = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists",
                "-baseDir", dir.resolve("db").toAbsolutePath().toString()).start();
        try {
            String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/tracker";
            use.with(url, "", () -> DriverManager.getConnection(url));
        } finally {
            server.stop();
        }
    }

    /** Runs {@code use} against a fresh {@code schema} in the PostgreSQL on 127.0.0.1:5432; drops it afterwards. */
    public static void postgresql(String schema, Use use) throws Exception {
        try (PostgresSchema db = PostgresSchema.create(schema)) {
            String url = db.url("127.0.0.1:5432");
            use.with(url, PostgresSchema.USER, () -> DriverManager.getConnection(url, PostgresSchema.USER, ""));
        }
    }
}
