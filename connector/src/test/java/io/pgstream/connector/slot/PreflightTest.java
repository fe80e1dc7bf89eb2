package io.pgstream.connector.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.slot.PgStreamSetupException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks as pure functions: the cases a test server cannot be put into. */
class PreflightTest {

    private static final TableId DOCS = TableId.parse("docs");
    private static final ReplicationSpec SPEC = new ReplicationSpec("s", "p", List.of(DOCS));
    private static final ServerFacts.Role APP = new ServerFacts.Role("app", false, true, true);
    private static final ServerFacts.Table KEYED =
            new ServerFacts.Table(DOCS, true, 'r', 'd', true, false, true, "app", false);

    private static final ServerFacts.Table PARTITIONED =
            new ServerFacts.Table(DOCS, true, 'p', 'd', true, false, true, "app", true);

    private static ServerFacts facts(
            String walLevel,
            int used,
            int max,
            ServerFacts.Slot slot,
            ServerFacts.Publication pub,
            ServerFacts.Table... tables) {
        return new ServerFacts(walLevel, "db", APP, max, used, List.of(tables), slot, pub);
    }

    @Test
    void walLevelOtherThanLogicalSaysHowToFixIt() {
        assertThatThrownBy(() -> Preflight.checkWalLevel("replica"))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.WAL_LEVEL))
                .hasMessage(
                        "wal_level is 'replica'; set wal_level = logical in postgresql.conf (or"
                                + " run ALTER SYSTEM SET wal_level = logical) and restart"
                                + " PostgreSQL");
    }

    @Test
    void logicalWalLevelPasses() throws Exception {
        Preflight.checkWalLevel("logical");
    }

    @Test
    void noFreeSlotNamesTheSettingBeforeCreatingAnything() {
        assertThatThrownBy(() -> Preflight.plan(SPEC, facts("logical", 10, 10, null, null, KEYED)))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_FREE_SLOTS))
                .hasMessageContaining("10 of max_replication_slots = 10")
                .hasMessageContaining("raise max_replication_slots");
    }

    @Test
    void anExistingSlotNeedsNoFreeSlot() throws Exception {
        ServerFacts.Slot slot = new ServerFacts.Slot("s", true, "pgoutput", "db", false, null);
        SetupPlan plan = Preflight.plan(SPEC, facts("logical", 10, 10, slot, null, KEYED));
        assertThat(plan).isEqualTo(new SetupPlan(true, List.of(), false));
    }

    @Test
    void physicalSlotIsTheWrongKind() {
        ServerFacts.Slot slot = new ServerFacts.Slot("s", false, null, null, false, null);
        assertThatThrownBy(() -> Preflight.plan(SPEC, facts("logical", 1, 10, slot, null, KEYED)))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PLUGIN))
                .hasMessageContaining("is a physical slot");
    }

    @Test
    void slotOfAnotherDatabaseIsRefused() {
        ServerFacts.Slot slot = new ServerFacts.Slot("s", true, "pgoutput", "other", false, null);
        assertThatThrownBy(() -> Preflight.plan(SPEC, facts("logical", 1, 10, slot, null, KEYED)))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SLOT_IN_OTHER_DATABASE))
                .hasMessageContaining("belongs to database 'other', not 'db'");
    }

    @Test
    void existingPublicationLackingATableIsReportedNotAltered() {
        TableId extra = TableId.parse("extra");
        ServerFacts.Table published =
                new ServerFacts.Table(extra, true, 'r', 'f', false, false, true, "app", true);
        ServerFacts.Publication pub =
                new ServerFacts.Publication("p", "app", true, false, true, true, false);
        ReplicationSpec spec = new ReplicationSpec("s", "p", List.of(DOCS, extra));
        assertThatThrownBy(
                        () ->
                                Preflight.plan(
                                        spec, facts("logical", 0, 10, null, pub, KEYED, published)))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.PUBLICATION_MISMATCH))
                .hasMessageContaining("does not publish public.docs")
                .hasMessageContaining("ALTER PUBLICATION \"p\" ADD TABLE \"public\".\"docs\"");
    }

    @Test
    void publicationPgstreamCreatedGetsTheTablesItLacks() throws Exception {
        TableId extra = TableId.parse("extra");
        ServerFacts.Table published =
                new ServerFacts.Table(extra, true, 'r', 'f', false, false, true, "app", true);
        ServerFacts.Publication pub =
                new ServerFacts.Publication("p", "app", true, false, true, true, true);
        ReplicationSpec spec = new ReplicationSpec("s", "p", List.of(DOCS, extra));
        SetupPlan plan = Preflight.plan(spec, facts("logical", 0, 10, null, pub, KEYED, published));
        assertThat(plan.createPublication()).isFalse();
        assertThat(plan.tablesToAdd()).containsExactly(DOCS);
    }

    @Test
    void publishViaPartitionRootMattersOnlyForPartitionedTables() throws Exception {
        ServerFacts.Table published =
                new ServerFacts.Table(DOCS, true, 'r', 'd', true, false, true, "app", true);
        ServerFacts.Publication pub =
                new ServerFacts.Publication("p", "app", true, false, true, false, false);
        SetupPlan plan = Preflight.plan(SPEC, facts("logical", 0, 10, null, pub, published));
        assertThat(plan.createPublication()).isFalse();
        assertThat(plan.createSlot()).isTrue();
    }

    @Test
    void publicationWithOtherOptionsIsReportedNotAltered() {
        ServerFacts.Publication pub =
                new ServerFacts.Publication("p", "app", true, false, true, false, false);
        assertThatThrownBy(
                        () -> Preflight.plan(SPEC, facts("logical", 0, 10, null, pub, PARTITIONED)))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.PUBLICATION_MISMATCH))
                .hasMessageContaining("publish_via_partition_root = false, not true")
                .hasMessageContaining(
                        "ALTER PUBLICATION \"p\" SET (publish = 'insert, update, delete,"
                                + " truncate', publish_via_partition_root = true)");
    }

    @Test
    void roleWithoutCreateOnTheDatabaseCannotCreateThePublication() {
        ServerFacts facts =
                new ServerFacts(
                        "logical",
                        "db",
                        new ServerFacts.Role("app", false, true, false),
                        10,
                        0,
                        List.of(KEYED),
                        null,
                        null);
        assertThatThrownBy(() -> Preflight.plan(SPEC, facts))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_TABLE_OWNER))
                .hasMessageContaining("GRANT CREATE ON DATABASE \"db\" TO \"app\"");
    }

    @Test
    void replicaIdentityIndexThatIsGoneIsNoIdentity() {
        ServerFacts.Table gone =
                new ServerFacts.Table(DOCS, true, 'r', 'i', true, false, true, "app", false);
        assertThatThrownBy(() -> Preflight.plan(SPEC, facts("logical", 0, 10, null, null, gone)))
                .isInstanceOfSatisfying(
                        PgStreamSetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_REPLICA_IDENTITY))
                .hasMessageContaining("ALTER TABLE \"public\".\"docs\" REPLICA IDENTITY FULL");
    }
}
