package io.pgstream.connector.testutils;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own database on the project's real PostgreSQL (wal_level=logical,
 * pgvector), and removes it, with any replication slots in it, afterwards.
 *
 * <p>The server comes from {@code PGSTREAM_TEST_DSN} (a superuser DSN) when set; otherwise from
 * {@code bin/pg-local start}, which installs and starts the project's private cluster if needed.
 * There is no mocked database anywhere.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
 * }</pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private static volatile PgConnectionConfig server;

    private PgConnectionConfig database;

    /** The superuser DSN of the server, started on first use. */
    public static synchronized PgConnectionConfig server() {
        if (server == null) {
            String dsn = System.getenv("PGSTREAM_TEST_DSN");
            if (dsn == null || dsn.isBlank()) {
                dsn = startLocalCluster();
            }
            server = PgConnectionConfig.parse(dsn);
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String name =
                ("t_"
                                + context.getRequiredTestClass().getSimpleName()
                                + "_"
                                + Integer.toHexString(ThreadLocalRandom.current().nextInt()))
                        .toLowerCase(Locale.ROOT);
        try (Connection c = server().connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        }
        database = server().withDatabase(name);
        execute("CREATE EXTENSION IF NOT EXISTS vector");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (database == null) {
            return;
        }
        try (Connection c = server().connect();
                Statement s = c.createStatement()) {
            dropSlots(s, database.database());
            s.execute("DROP DATABASE IF EXISTS \"" + database.database() + "\" WITH (FORCE)");
        }
    }

    private static void dropSlots(Statement s, String db) throws SQLException {
        // Terminate any consumer first: an active slot cannot be dropped.
        s.execute(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                        + " WHERE database = '"
                        + db
                        + "' AND active_pid IS NOT NULL");
        try (ResultSet rs =
                s.getConnection()
                        .createStatement()
                        .executeQuery(
                                "SELECT slot_name FROM pg_replication_slots WHERE database = '"
                                        + db
                                        + "'")) {
            while (rs.next()) {
                String slot = rs.getString(1);
                for (int attempt = 0; ; attempt++) {
                    try (Statement drop = s.getConnection().createStatement()) {
                        drop.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                        break;
                    } catch (SQLException e) {
                        // The terminated walsender may still hold the slot for a moment.
                        if (attempt >= 50) {
                            throw e;
                        }
                        try {
                            TimeUnit.MILLISECONDS.sleep(100);
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                            throw e;
                        }
                    }
                }
            }
        }
    }

    /** The test database, as the superuser. */
    public PgConnectionConfig config() {
        if (database == null) {
            throw new IllegalStateException("PostgresExtension used before beforeAll");
        }
        return database;
    }

    /** Opens a connection to the test database as the superuser. */
    public Connection connect() throws SQLException {
        return config().connect();
    }

    /** Runs statements in autocommit mode on a new connection. */
    public void execute(String... sql) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String stmt : sql) {
                s.execute(stmt);
            }
        }
    }

    /** Returns the first column of the first row of a query, or null. */
    public Object queryValue(String sql) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    /** Returns the first two columns of a query's rows as a map, first column to second. */
    public Map<String, String> queryMap(String sql) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The repository's root, found by walking up to the folder holding {@code bin/pg-local}. */
    public static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            if (Files.isExecutable(dir.resolve("bin/pg-local"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "bin/pg-local not found above " + Paths.get("").toAbsolutePath());
    }

    private static String startLocalCluster() {
        Path script = repositoryRoot().resolve("bin/pg-local");
        try {
            Process p =
                    new ProcessBuilder(script.toString(), "start")
                            .redirectError(ProcessBuilder.Redirect.INHERIT)
                            .start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(script + " start failed (see stderr above)");
            }
            String[] lines = out.split("\n");
            return lines[lines.length - 1].trim();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting PostgreSQL", e);
        }
    }
}
