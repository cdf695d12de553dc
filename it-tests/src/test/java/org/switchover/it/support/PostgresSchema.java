package org.switchover.it.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A schema of one test run's own in the PostgreSQL at 127.0.0.1:5432 (database {@code test}, user {@code postgres},
 * trust authentication, as on every machine of this project), with an administrative connection to read it; the
 * schema and everything in it are dropped on {@link #close()}.
 */
public final class PostgresSchema implements AutoCloseable {

    /** The database the tests use. */
    public static final String BASE_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";

    private final Connection admin;
    private final String name;

    private PostgresSchema(Connection admin, String name) {
        this.admin = admin;
        this.name = name;
    }

    /** Creates {@code <prefix>_<random>}. */
    public static PostgresSchema create(String prefix) throws SQLException {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Connection admin = DriverManager.getConnection(BASE_URL, USER, "");
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            admin.close();
            throw e;
        }
        return new PostgresSchema(admin, name);
    }

    public String name() {
        return name;
    }

    /** The administrative connection (not in the schema: qualify table names with {@link #name()}). */
    public Connection admin() {
        return admin;
    }

    /** @return the JDBC URL of the schema through {@code host:port} (a proxy's, for instance) */
    public String url(String hostPort) {
        return "jdbc:postgresql://" + hostPort + "/test?currentSchema=" + name;
    }

    @Override
    public void close() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("DROP SCHEMA " + name + " CASCADE");
        } finally {
            admin.close();
        }
    }
}
