package io.pgstream.connector.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.PgStreamSetupException.Reason;
import io.pgstream.connector.testutils.ThrowawayCluster;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server-setting errors, on a real server with those settings: a second throwaway cluster from
 * {@code bin/pg-local} on its own port, restarted with {@code wal_level = replica}, then with
 * {@code max_replication_slots = 1} and that slot taken. The shared test server is never touched.
 */
class ServerSettingsITCase {

    private static final ThrowawayCluster CLUSTER = new ThrowawayCluster(54341, "settings-test");
    private static PgConnectionConfig server;

    private static void restartWith(String... settings) throws Exception {
        try (Connection c = server.connect();
                Statement s = c.createStatement()) {
            for (String setting : settings) {
                s.execute("ALTER SYSTEM SET " + setting);
            }
        }
        CLUSTER.pgLocal("stop");
        CLUSTER.pgLocal("start");
    }

    @BeforeAll
    static void startThrowawayCluster() throws Exception {
        server = CLUSTER.startFresh();
        try (Connection c = server.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE docs (id int PRIMARY KEY)");
        }
    }

    @AfterAll
    static void destroyThrowawayCluster() throws Exception {
        CLUSTER.pgLocal("destroy");
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
