package io.pgstream.connector.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.PgStreamSetupException.Reason;
import io.pgstream.connector.testutils.PostgresExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server-setting errors, on a real server with those settings: a second throwaway cluster from
 * {@code bin/pg-local} on its own port, restarted with {@code wal_level = replica}, then with
 * {@code max_replication_slots = 1} and that slot taken. The shared test server is never touched.
 */
class ServerSettingsITCase {

    private static final String PORT = "54341";
    private static final Map<String, String> ENV =
            Map.of(
                    "PGSTREAM_PG_PORT",
                    PORT,
                    "PGSTREAM_PG_DIR",
                    "/var/tmp/pgstream/pg-" + PORT + "-settings-test");
    private static PgConnectionConfig server;

    private static String pgLocal(String command) throws IOException, InterruptedException {
        Path script = PostgresExtension.repositoryRoot().resolve("bin/pg-local");
        ProcessBuilder pb =
                new ProcessBuilder(script.toString(), command)
                        .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(ENV);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("bin/pg-local " + command).isZero();
        return out;
    }

    private static void restartWith(String... settings) throws Exception {
        try (Connection c = server.connect();
                Statement s = c.createStatement()) {
            for (String setting : settings) {
                s.execute("ALTER SYSTEM SET " + setting);
            }
        }
        pgLocal("stop");
        pgLocal("start");
    }

    @BeforeAll
    static void startThrowawayCluster() throws Exception {
        pgLocal("destroy");
        String dsn = pgLocal("start");
        server = PgConnectionConfig.parse(dsn.lines().reduce((a, b) -> b).orElseThrow());
        try (Connection c = server.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE docs (id int PRIMARY KEY)");
        }
    }

    @AfterAll
    static void destroyThrowawayCluster() throws Exception {
        pgLocal("destroy");
    }

    @Test
    void walLevelAndSlotLimitAreReportedWithTheirFixAndNothingIsCreated() throws Exception {
        SlotManager manager = new SlotManager(server);
        ReplicationSpec spec = new ReplicationSpec("s1", "p1", List.of(TableId.parse("docs")));

        restartWith("wal_level = replica");
        assertThatThrownBy(() -> manager.setup(spec))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.WAL_LEVEL))
                .hasMessageContaining("'replica'")
                .hasMessageContaining("wal_level = logical");
        assertThat(manager.status("s1", "p1").publicationExists()).isFalse();

        restartWith("wal_level = logical", "max_replication_slots = 1");
        try (Connection c = server.connect();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('taken', 'pgoutput')");
        }
        assertThatThrownBy(() -> manager.setup(spec))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_FREE_SLOTS))
                .hasMessageContaining("max_replication_slots");
        assertThat(manager.status("s1", "p1").publicationExists()).as("nothing created").isFalse();
    }
}
