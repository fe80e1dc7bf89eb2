package io.pgstream.connector.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.testutils.PostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The catalog questions other packages ask, answered by the real server. */
class ServerCatalogITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    /** Slot names are shared by the whole server: ours carry this class's database suffix. */
    private static String suffix;

    @BeforeAll
    static void createTables() throws Exception {
        String db = PG.config().database();
        suffix = db.substring(db.lastIndexOf('_') + 1);
        PG.execute(
                "CREATE TABLE cat_b (id int PRIMARY KEY)",
                "CREATE TABLE cat_a (id int PRIMARY KEY)",
                "CREATE TABLE cat_unpublished (id int PRIMARY KEY)",
                "CREATE PUBLICATION cat_pub FOR TABLE cat_b, cat_a",
                "CREATE SCHEMA \"cat.schema\"",
                "CREATE TABLE \"cat.schema\".\"Cat Cols\" (id int, gone text, body text, n numeric)",
                "ALTER TABLE \"cat.schema\".\"Cat Cols\" DROP COLUMN gone");
    }

    private static String slot(String base) {
        return "cat_" + base + "_" + suffix;
    }

    @Test
    void publishedTablesAreSortedAndEmptyForAMissingPublication() throws Exception {
        try (Connection c = PG.connect()) {
            assertThat(ServerCatalog.publishedTables(c, "cat_pub"))
                    .containsExactly(
                            new TableId("public", "cat_a"), new TableId("public", "cat_b"));
            assertThat(ServerCatalog.publishedTables(c, "cat_no_such_pub")).isEmpty();
        }
    }

    @Test
    void confirmedPositionAndWalsenderOfASlot() throws Exception {
        String slot = slot("idle");
        PG.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        try (Connection c = PG.connect()) {
            assertThat(ServerCatalog.confirmedFlushLsn(c, slot))
                    .isNotNull()
                    .isEqualTo(
                            PG.queryValue(
                                    "SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                                            + " WHERE slot_name = '"
                                            + slot
                                            + "'"));
            assertThat(ServerCatalog.activePid(c, slot)).isNull();
            assertThat(ServerCatalog.confirmedFlushLsn(c, slot("missing"))).isNull();
            assertThat(ServerCatalog.activePid(c, slot("missing"))).isNull();
        }
    }

    @Test
    void walInsertPositionMovesWithWrites() throws Exception {
        try (Connection c = PG.connect()) {
            Lsn before = Lsn.parse(ServerCatalog.walInsertPosition(c));
            PG.execute("INSERT INTO cat_unpublished VALUES (1)");
            Lsn after = Lsn.parse(ServerCatalog.walInsertPosition(c));
            assertThat(after).isGreaterThan(before);
        }
    }

    @Test
    void columnsAreLiveOnesInTableOrderWithTheirTypes() throws Exception {
        try (Connection c = PG.connect()) {
            assertThat(ServerCatalog.columns(c, new TableId("cat.schema", "Cat Cols")))
                    .containsExactly(
                            new ServerCatalog.Column("id", 23),
                            new ServerCatalog.Column("body", 25),
                            new ServerCatalog.Column("n", 1700));
            assertThatThrownBy(() -> ServerCatalog.columns(c, new TableId("public", "cat_none")))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("cat_none");
        }
    }

    @Test
    void emptyLogicalMessageReachesASlot() throws Exception {
        String slot = slot("messages");
        PG.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        try (Connection c = PG.connect()) {
            LogicalMessages.emitEmpty(c, "cat_beat");
        }
        // Not in a transaction, so nothing flushes it at once: decoding sees it once the WAL
        // writer has.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                (String)
                                                        PG.queryValue(
                                                                "SELECT string_agg(data, E'\\n')"
                                                                        + " FROM"
                                                                        + " pg_logical_slot_peek_changes('"
                                                                        + slot
                                                                        + "', NULL, NULL)"))
                                        .contains(
                                                "message: transactional: 0 prefix: cat_beat, sz:"
                                                        + " 0 content:"));
        try (Connection c = PG.connect()) {
            assertThatThrownBy(() -> LogicalMessages.emitEmpty(c, "x', 'y"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void requireExistingNamesAMissingSlotAndAForeignPlugin() throws Exception {
        String foreign = slot("foreign");
        PG.execute("SELECT pg_create_logical_replication_slot('" + foreign + "', 'test_decoding')");
        assertThatThrownBy(
                        () ->
                                SlotManager.requireExisting(
                                        PG.config(), slot("absent"), "cat_pub", List.of()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("'" + slot("absent") + "' does not exist")
                .hasMessageContaining("pgstream setup --slot " + slot("absent"));
        assertThatThrownBy(
                        () ->
                                SlotManager.requireExisting(
                                        PG.config(), foreign, "cat_pub", List.of()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("uses plugin test_decoding, not pgoutput");
        String own = slot("own");
        PG.execute("SELECT pg_create_logical_replication_slot('" + own + "', 'pgoutput')");
        SlotManager.requireExisting(PG.config(), own, "cat_pub", List.of());
    }
}
