package io.pgstream.connector.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.PgStreamSetupException.Reason;
import io.pgstream.connector.source.SlotPreparer;
import io.pgstream.connector.testutils.PostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/** Setup, status and teardown against the project's real PostgreSQL, as superuser and not. */
class SlotManagerITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final TableId DOCS = TableId.parse("docs");
    private static final TableId NOTES = TableId.parse("notes");
    private static final TableId MIXED = TableId.parse("\"my.schema\".\"Mixed\"");
    private static final String PASSWORD = "pw-Secret-4711";

    /** Slot and role names are shared by the whole server: make ours unique to this run. */
    private static String suffix;

    private static SlotManager admin;

    @BeforeAll
    static void createTablesAndRoles() throws Exception {
        String db = PG.config().database();
        suffix = db.substring(db.lastIndexOf('_') + 1);
        admin = new SlotManager(PG.config());
        PG.execute(
                "CREATE TABLE docs (id int PRIMARY KEY, body text)",
                "CREATE TABLE notes (id int PRIMARY KEY, body text)",
                "CREATE TABLE victim (id int)",
                "CREATE TABLE nokey (id int, body text)",
                "CREATE SCHEMA \"my.schema\"",
                "CREATE TABLE \"my.schema\".\"Mixed\" (id int PRIMARY KEY)",
                "CREATE ROLE " + role("norepl") + " LOGIN PASSWORD '" + PASSWORD + "'",
                "CREATE ROLE " + role("repl") + " LOGIN REPLICATION PASSWORD '" + PASSWORD + "'",
                "CREATE ROLE " + role("owner") + " LOGIN REPLICATION PASSWORD '" + PASSWORD + "'",
                "CREATE TABLE owned (id int PRIMARY KEY)",
                "ALTER TABLE owned OWNER TO " + role("owner"),
                "GRANT CREATE ON DATABASE \"" + db + "\" TO " + role("owner"));
    }

    @AfterAll
    static void dropRoles() throws Exception {
        for (String r : new String[] {"norepl", "repl", "owner"}) {
            PG.execute("DROP OWNED BY " + role(r), "DROP ROLE " + role(r));
        }
    }

    private static String role(String base) {
        return base + "_" + suffix;
    }

    private static String name(String base) {
        return base + "_" + suffix;
    }

    private static SlotManager as(String role) {
        return new SlotManager(PG.config().withCredentials(role(role), PASSWORD));
    }

    private static long count(String sql) throws Exception {
        return ((Number) PG.queryValue(sql)).longValue();
    }

    private static boolean slotExists(String slot) throws Exception {
        return count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
                == 1;
    }

    private static boolean publicationExists(String publication) throws Exception {
        return count(
                        "SELECT count(*) FROM pg_publication WHERE pubname = "
                                + Identifiers.literal(publication))
                == 1;
    }

    private static Consumer<PgStreamSetupException> reason(Reason expected) {
        return e -> assertThat(e.reason()).isEqualTo(expected);
    }

    @Test
    void setupCreatesPublicationAndSlotAndIsIdempotent() throws Exception {
        String slot = name("idem");
        ReplicationSpec spec = new ReplicationSpec(slot, "pub_idem", List.of(DOCS, MIXED));

        SlotStatus first = admin.setup(spec);
        SlotStatus second = admin.setup(spec);

        assertThat(first.exists()).isTrue();
        assertThat(first.plugin()).isEqualTo("pgoutput");
        assertThat(first.publicationTables()).containsExactlyInAnyOrder(DOCS, MIXED);
        assertThat(second.confirmedFlushLsn()).isEqualTo(first.confirmedFlushLsn());
        assertThat(
                        count(
                                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                                        + slot
                                        + "'"))
                .isEqualTo(1);
        assertThat(
                        PG.queryValue(
                                "SELECT pubviaroot FROM pg_publication WHERE pubname = 'pub_idem'"))
                .isEqualTo(true);
        admin.teardown(slot, "pub_idem", false);
    }

    @Test
    void anExistingPublicationIsUsedAsItIsAndATableItLacksIsReported() throws Exception {
        String slot = name("grow");
        PG.execute(
                "CREATE PUBLICATION pub_grow FOR TABLE notes"
                        + " WITH (publish_via_partition_root = true)");

        assertThatThrownBy(() -> admin.setup(new ReplicationSpec(slot, "pub_grow", List.of(DOCS))))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.PUBLICATION_MISMATCH))
                .hasMessageContaining("does not publish public.docs")
                .hasMessageContaining("ALTER PUBLICATION \"pub_grow\" ADD TABLE");
        assertThat(admin.status(slot, "pub_grow").publicationTables()).containsExactly(NOTES);
        assertThat(admin.status(slot, "pub_grow").exists()).as("no slot created").isFalse();

        SlotStatus status = admin.setup(new ReplicationSpec(slot, "pub_grow", List.of(NOTES)));
        assertThat(status.publicationTables()).containsExactly(NOTES);
        admin.teardown(slot, "pub_grow", false);
    }

    @Test
    void statusReportsTheSlotsProgressAndThePublicationsTables() throws Exception {
        String slot = name("stat");
        admin.setup(new ReplicationSpec(slot, "pub_stat", List.of(DOCS, NOTES)));

        SlotStatus status = admin.status(slot, "pub_stat");

        assertThat(status.exists()).isTrue();
        assertThat(status.active()).isFalse();
        assertThat(status.activePid()).isNull();
        assertThat(status.confirmedFlushLsn())
                .isNotNull()
                .isEqualTo(
                        PG.queryValue(
                                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                                        + " WHERE slot_name = '"
                                        + slot
                                        + "'"));
        assertThat(status.restartLsn()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(status.retainedWalBytes()).isNotNull().isGreaterThanOrEqualTo(0L);
        // Unconsumed WAL shows up as lag (and as retained WAL, which starts no later).
        PG.execute(
                "SET synchronous_commit = on; INSERT INTO docs SELECT g FROM generate_series(1000, 1999) g");
        SlotStatus later = admin.status(slot, "pub_stat");
        assertThat(later.lagBytes()).isGreaterThan(10_000L);
        assertThat(later.retainedWalBytes()).isGreaterThanOrEqualTo(later.lagBytes());
        assertThat(status.publicationExists()).isTrue();
        assertThat(status.publicationTables()).containsExactly(DOCS, NOTES);

        admin.teardown(slot, "pub_stat", false);
        SlotStatus gone = admin.status(slot, "pub_stat");
        assertThat(gone.exists()).isFalse();
        assertThat(gone.confirmedFlushLsn()).isNull();
        assertThat(gone.publicationExists()).isFalse();
        assertThat(gone.publicationTables()).isEmpty();
    }

    @Test
    void teardownDropsSlotAndPublicationAndIsIdempotent() throws Exception {
        String slot = name("down");
        admin.setup(new ReplicationSpec(slot, "pub_down", List.of(DOCS)));

        TeardownResult first = admin.teardown(slot, "pub_down", false);
        TeardownResult second = admin.teardown(slot, "pub_down", false);

        assertThat(first).isEqualTo(new TeardownResult(true, true, null));
        assertThat(second).isEqualTo(new TeardownResult(false, false, null));
        assertThat(slotExists(slot)).isFalse();
        assertThat(publicationExists("pub_down")).isFalse();
    }

    @Test
    void unknownTableIsReportedByNameAndInjectedSqlNeverRuns() throws Exception {
        String slot = name("inj");
        TableId injected = TableId.parse("x\"; DROP TABLE victim; --");
        TableId quotedInjection = new TableId("public", "victim\"; DROP TABLE victim; --");

        assertThatThrownBy(
                        () ->
                                admin.setup(
                                        new ReplicationSpec(
                                                slot,
                                                "pub_inj",
                                                List.of(DOCS, injected, quotedInjection))))
                .isInstanceOfSatisfying(PgStreamSetupException.class, reason(Reason.UNKNOWN_TABLE))
                .hasMessageContaining("unknown tables " + injected + ", " + quotedInjection)
                .hasMessageContaining("x\"\"; drop table victim; --");

        assertThat(PG.queryValue("SELECT to_regclass('public.victim') IS NOT NULL"))
                .isEqualTo(true);
        assertThat(slotExists(slot)).isFalse();
        assertThat(publicationExists("pub_inj")).isFalse();
    }

    @Test
    void publicationNamesAreQuotedInEveryStatement() throws Exception {
        String slot = name("qpub");
        String publication = "p\"; DROP TABLE victim; --";

        SlotStatus status = admin.setup(new ReplicationSpec(slot, publication, List.of(DOCS)));
        assertThat(status.publicationTables()).containsExactly(DOCS);
        assertThat(publicationExists(publication)).isTrue();

        assertThat(admin.teardown(slot, publication, false).publicationDropped()).isTrue();
        assertThat(publicationExists(publication)).isFalse();
        assertThat(PG.queryValue("SELECT to_regclass('public.victim') IS NOT NULL"))
                .isEqualTo(true);
    }

    @Test
    void tableWithoutKeyOrReplicaIdentityIsRefusedAndNothingIsCreated() throws Exception {
        String slot = name("nokey");

        assertThatThrownBy(
                        () ->
                                admin.setup(
                                        new ReplicationSpec(
                                                slot,
                                                "pub_nokey",
                                                List.of(DOCS, TableId.parse("nokey")))))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class, reason(Reason.NO_REPLICA_IDENTITY))
                .hasMessageContaining("public.nokey (no primary key and REPLICA IDENTITY DEFAULT)")
                .hasMessageContaining("ALTER TABLE \"public\".\"nokey\" REPLICA IDENTITY FULL")
                .hasMessageNotContaining("docs");

        assertThat(slotExists(slot)).isFalse();
        assertThat(publicationExists("pub_nokey")).isFalse();
    }

    @Test
    void theSuggestedReplicaIdentityFixMakesSetupPass() throws Exception {
        String slot = name("fixed");
        PG.execute("CREATE TABLE fixed (id int, body text)");
        ReplicationSpec spec =
                new ReplicationSpec(slot, "pub_fixed", List.of(TableId.parse("fixed")));
        assertThatThrownBy(() -> admin.setup(spec))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class, reason(Reason.NO_REPLICA_IDENTITY));

        PG.execute("ALTER TABLE \"public\".\"fixed\" REPLICA IDENTITY FULL");

        assertThat(admin.setup(spec).exists()).isTrue();
        admin.teardown(slot, "pub_fixed", false);
    }

    @Test
    void roleWithoutReplicationPrivilegeIsRefused() throws Exception {
        String slot = name("norepl");

        assertThatThrownBy(
                        () ->
                                as("norepl")
                                        .setup(
                                                new ReplicationSpec(
                                                        slot, "pub_norepl", List.of(DOCS))))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class, reason(Reason.NO_REPLICATION_PRIVILEGE))
                .hasMessageContaining("ALTER ROLE \"" + role("norepl") + "\" REPLICATION")
                .hasMessageNotContaining(PASSWORD);

        assertThat(slotExists(slot)).isFalse();
        assertThat(publicationExists("pub_norepl")).isFalse();
    }

    @Test
    void replicationRoleThatDoesNotOwnTheTableIsRefused() throws Exception {
        String slot = name("notown");

        assertThatThrownBy(
                        () ->
                                as("repl")
                                        .setup(
                                                new ReplicationSpec(
                                                        slot, "pub_notown", List.of(DOCS))))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class, reason(Reason.NOT_TABLE_OWNER))
                .hasMessageContaining(
                        "role '"
                                + role("repl")
                                + "' does not own public.docs (owner '"
                                + PG.config().user()
                                + "')")
                .hasMessageContaining(
                        "CREATE PUBLICATION \"pub_notown\" FOR TABLE \"public\".\"docs\"");

        assertThat(slotExists(slot)).isFalse();
        assertThat(publicationExists("pub_notown")).isFalse();
    }

    @Test
    void replicationRoleThatOwnsItsTablesNeedsNoSuperuser() throws Exception {
        String slot = name("own");
        SlotManager owner = as("owner");

        SlotStatus status =
                owner.setup(new ReplicationSpec(slot, "pub_own", List.of(TableId.parse("owned"))));
        assertThat(status.exists()).isTrue();
        assertThat(status.publicationTables()).containsExactly(TableId.parse("owned"));

        assertThat(owner.teardown(slot, "pub_own", false))
                .isEqualTo(new TeardownResult(true, true, null));
    }

    @Test
    void activeSlotIsKeptWithoutForceAndTerminatedWithIt() throws Exception {
        String slot = name("busy");
        admin.setup(new ReplicationSpec(slot, "pub_busy", List.of(DOCS)));
        Connection holder = replicationConnection();
        PGReplicationStream stream =
                holder.unwrap(PGConnection.class)
                        .getReplicationAPI()
                        .replicationStream()
                        .logical()
                        .withSlotName(slot)
                        .withSlotOption("proto_version", 1)
                        .withSlotOption("publication_names", "pub_busy")
                        .start();
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> admin.status(slot, "pub_busy").active());
            Integer pid = admin.status(slot, "pub_busy").activePid();

            assertThatThrownBy(() -> admin.teardown(slot, "pub_busy", false))
                    .isInstanceOfSatisfying(
                            PgStreamSetupException.class, reason(Reason.SLOT_ACTIVE))
                    .hasMessageContaining("in use by PID " + pid)
                    .hasMessageContaining("--force");
            assertThat(slotExists(slot)).isTrue();
            assertThat(publicationExists("pub_busy")).isTrue();

            assertThat(admin.teardown(slot, "pub_busy", true))
                    .isEqualTo(new TeardownResult(true, true, pid));
            assertThat(slotExists(slot)).isFalse();
            assertThat(publicationExists("pub_busy")).isFalse();
        } finally {
            closeQuietly(stream, holder);
        }
    }

    @Test
    void slotWithAnotherPluginIsRefusedAndKept() throws Exception {
        String slot = name("td");
        PG.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");

        assertThatThrownBy(() -> admin.setup(new ReplicationSpec(slot, "pub_td", List.of(DOCS))))
                .isInstanceOfSatisfying(PgStreamSetupException.class, reason(Reason.WRONG_PLUGIN))
                .hasMessageContaining("uses output plugin 'test_decoding'")
                .hasMessageContaining("pg_drop_replication_slot('" + slot + "')");
        assertThat(publicationExists("pub_td")).isFalse();

        assertThatThrownBy(() -> admin.teardown(slot, "pub_td", true))
                .isInstanceOfSatisfying(PgStreamSetupException.class, reason(Reason.WRONG_PLUGIN));
        assertThat(slotExists(slot)).isTrue();
        PG.execute("SELECT pg_drop_replication_slot('" + slot + "')");
    }

    @Test
    void prepareForServesAsTheSourcesSlotPreparer() throws Exception {
        String slot = name("prep");
        SlotPreparer preparer = SlotManager::prepareFor;

        preparer.prepare(PG.config(), slot, "pub_prep", List.of("docs", "\"my.schema\".\"Mixed\""));
        preparer.prepare(PG.config(), slot, "pub_prep", List.of("docs", "\"my.schema\".\"Mixed\""));

        SlotStatus status = admin.status(slot, "pub_prep");
        assertThat(status.exists()).isTrue();
        assertThat(status.publicationTables()).containsExactlyInAnyOrder(DOCS, MIXED);
        admin.teardown(slot, "pub_prep", false);
    }

    @Test
    void failedLoginIsAConnectionProblemWithoutThePassword() {
        String wrong = "Wrong-" + PASSWORD;
        PgConnectionConfig bad = PG.config().withCredentials(role("repl"), wrong);

        assertThatThrownBy(() -> new SlotManager(bad).status(name("any"), "pub_any"))
                .isInstanceOfSatisfying(PgStreamSetupException.class, reason(Reason.CONNECTION))
                .hasMessageContaining("cannot connect to " + bad.redacted())
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining(wrong)
                .hasMessageNotContaining(PASSWORD);
    }

    private static Connection replicationConnection() throws Exception {
        Properties props = PG.config().jdbcProperties();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        return DriverManager.getConnection(PG.config().jdbcUrl(), props);
    }

    /** The walsender was terminated under the stream, so closing it may fail; that is expected. */
    private static void closeQuietly(PGReplicationStream stream, Connection holder) {
        try {
            stream.close();
        } catch (Exception expected) {
            // connection already gone
        }
        try {
            holder.close();
        } catch (Exception expected) {
            // connection already gone
        }
    }
}
