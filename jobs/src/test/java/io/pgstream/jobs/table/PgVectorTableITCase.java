package io.pgstream.jobs.table;

import static io.pgstream.jobs.table.VectorTables.messages;
import static io.pgstream.jobs.table.VectorTables.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pgstream.connector.slot.PgStreamSetupException;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.ClosedPort;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code 'connector' = 'pgvector'} tables in Flink SQL on the mini cluster against the real
 * PostgreSQL: an upsert changelog leaves the table equal to its final rows, the version column
 * guards against older writes, VECTOR_SEARCH returns the nearest rows with their cosine score, and
 * bad declarations fail planning with messages naming the problem.
 */
class PgVectorTableITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private String declare(VectorTables v, String name, String columns, String extra) {
        v.sql(
                "CREATE TABLE "
                        + name
                        + " ("
                        + columns
                        + ") WITH ('connector' = 'pgvector', 'url' = '"
                        + PG.config().jdbcUrl()
                        + "', 'username' = '"
                        + PG.config().user()
                        + "', 'table-name' = 'public."
                        + name
                        + "'"
                        + extra
                        + ")");
        return name;
    }

    @Test
    void anUpsertChangelogLeavesTheTableEqualToItsFinalRows() throws Exception {
        PG.execute("DROP TABLE IF EXISTS sqlsink_pg_docs");
        VectorTables v = new VectorTables();
        declare(v, "sqlsink_pg_docs", VectorTables.COLUMNS, ", 'dimension' = '3'");
        v.write(
                "sqlsink_pg_docs",
                row(RowKind.INSERT, 1, "a", 1, 1, 0, 0),
                row(RowKind.INSERT, 2, "b", 1, 0, 1, 0),
                row(RowKind.UPDATE_BEFORE, 1, "a", 1, 1, 0, 0),
                row(RowKind.UPDATE_AFTER, 1, "a2", 2, 1, 1, 0),
                row(RowKind.DELETE, 2, "b", 1, 0, 1, 0),
                row(RowKind.INSERT, 3, "c", 3, 0, 0, 1));

        assertThat(
                        PG.queryMap(
                                "SELECT id::text, title || ' ' || embedding::text || ' ' || version"
                                        + " FROM sqlsink_pg_docs"))
                .isEqualTo(Map.of("1", "a2 [1,1,0] 2", "3", "c [0,0,1] 3"));
        assertThat(
                        PG.queryValue(
                                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                                        + " WHERE attrelid = 'sqlsink_pg_docs'::regclass"
                                        + " AND attname = 'embedding'"))
                .isEqualTo("vector(3)");
    }

    @Test
    void anOlderVersionNeverReplacesOrDeletesANewerRow() throws Exception {
        PG.execute("DROP TABLE IF EXISTS sqlsink_pg_guard");
        VectorTables v = new VectorTables();
        declare(
                v,
                "sqlsink_pg_guard",
                VectorTables.COLUMNS,
                ", 'dimension' = '3', 'version-column' = 'version'");
        v.write("sqlsink_pg_guard", row(RowKind.INSERT, 1, "new", 50, 1, 0, 0));
        v.write(
                "sqlsink_pg_guard",
                row(RowKind.INSERT, 1, "old", 40, 0, 1, 0),
                row(RowKind.DELETE, 1, "old", 45, 0, 1, 0));
        assertThat(PG.queryMap("SELECT id::text, title || ' ' || version FROM sqlsink_pg_guard"))
                .isEqualTo(Map.of("1", "new 50"));

        v.write("sqlsink_pg_guard", row(RowKind.INSERT, 1, "newer", 60, 0, 0, 1));
        assertThat(PG.queryMap("SELECT id::text, title || ' ' || version FROM sqlsink_pg_guard"))
                .isEqualTo(Map.of("1", "newer 60"));
    }

    @Test
    void thePgstreamSourcesLsnMetadataIsAVersionColumn() throws Exception {
        PG.execute(
                "DROP TABLE IF EXISTS sqlsink_pg_src, sqlsink_pg_lsn",
                "CREATE TABLE sqlsink_pg_src (id bigint PRIMARY KEY, title text,"
                        + " embedding vector(3))",
                "INSERT INTO sqlsink_pg_src VALUES (1, 'one', '[1,0,0]'), (2, 'two', '[0,1,0]')");
        VectorTables v = new VectorTables();
        v.sql(
                "CREATE TABLE src (id BIGINT, title STRING, embedding ARRAY<FLOAT>,"
                        + " lsn STRING METADATA FROM 'lsn' VIRTUAL, PRIMARY KEY (id) NOT ENFORCED)"
                        + " WITH ('connector' = 'pgstream', 'url' = '"
                        + PG.config().jdbcUrl()
                        + "', 'username' = '"
                        + PG.config().user()
                        + "', 'table-name' = 'sqlsink_pg_src', 'slot.name' = 'sqlsink_pg_src',"
                        + " 'scan.startup.mode' = 'snapshot')");
        String columns =
                "id BIGINT, title STRING, embedding ARRAY<FLOAT>, lsn STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED";
        declare(v, "sqlsink_pg_lsn", columns, ", 'dimension' = '3', 'version-column' = 'lsn'");
        try {
            v.t.executeSql("INSERT INTO sqlsink_pg_lsn SELECT id, title, embedding, lsn FROM src")
                    .await();
        } finally {
            PG.execute(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                            + " WHERE slot_name = 'sqlsink_pg_src'",
                    "DROP PUBLICATION IF EXISTS sqlsink_pg_src_pub");
        }
        assertThat(PG.queryMap("SELECT id::text, title FROM sqlsink_pg_lsn"))
                .isEqualTo(Map.of("1", "one", "2", "two"));
        assertThat(
                        PG.queryValue(
                                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                                        + " WHERE attrelid = 'sqlsink_pg_lsn'::regclass"
                                        + " AND attname = 'lsn'"))
                .isEqualTo("pg_lsn");

        String insert =
                "INSERT INTO sqlsink_pg_lsn VALUES (CAST(1 AS BIGINT), '%s',"
                        + " ARRAY[CAST(0 AS FLOAT), CAST(0 AS FLOAT), CAST(1 AS FLOAT)], '%s')";
        v.t.executeSql(String.format(insert, "stale", "0/1")).await();
        assertThat(PG.queryValue("SELECT title FROM sqlsink_pg_lsn WHERE id = 1")).isEqualTo("one");
        v.t.executeSql(String.format(insert, "fresh", "FFFFFFFF/0")).await();
        assertThat(PG.queryValue("SELECT title || ' ' || lsn FROM sqlsink_pg_lsn WHERE id = 1"))
                .isEqualTo("fresh FFFFFFFF/0");
    }

    @Test
    void vectorSearchReturnsTheNearestRowsFirstWithTheirScore() throws Exception {
        PG.execute("DROP TABLE IF EXISTS sqlsink_pg_search");
        VectorTables v = new VectorTables();
        declare(v, "sqlsink_pg_search", VectorTables.COLUMNS, ", 'dimension' = '3'");
        v.write(
                "sqlsink_pg_search",
                row(RowKind.INSERT, 1, "x axis", 1, 1, 0, 0),
                row(RowKind.INSERT, 2, "y axis", 1, 0, 1, 0),
                row(RowKind.INSERT, 3, "near x", 1, 0.9f, 0.1f, 0));

        List<Row> hits = v.search("sqlsink_pg_search", 2, 1, 0, 0);

        assertThat(hits).extracting(r -> r.getField(0)).containsExactly(1L, 3L);
        assertThat(hits.get(0).getField(1)).isEqualTo("x axis");
        assertThat((Double) hits.get(0).getField(2)).isCloseTo(1.0, within(1e-6));
        assertThat((Double) hits.get(1).getField(2)).isCloseTo(0.9 / Math.sqrt(0.82), within(1e-6));
        assertThat(v.search("sqlsink_pg_search", "MAP['async', 'true']", 2, 1, 0, 0))
                .isEqualTo(hits);
        assertThat(v.search("sqlsink_pg_search", "MAP['async', 'false']", 2, 1, 0, 0))
                .isEqualTo(hits);
    }

    @Test
    void everyColumnTypeIsStoredTypedAndReadBackByVectorSearch() throws Exception {
        PG.execute("DROP TABLE IF EXISTS sqlsink_pg_types");
        VectorTables v = new VectorTables();
        v.t.getConfig().set("table.local-time-zone", "UTC");
        declare(
                v,
                "sqlsink_pg_types",
                "k INT, s STRING, b BOOLEAN, sm SMALLINT, f FLOAT, d DOUBLE, amount DECIMAL(10, 2),"
                        + " dt DATE, ts TIMESTAMP(3), tsl TIMESTAMP_LTZ(3), bin BYTES,"
                        + " embedding ARRAY<FLOAT>, PRIMARY KEY (k) NOT ENFORCED",
                ", 'dimension' = '2', 'sink.hnsw' = 'false'");
        v.t.executeSql(
                        "INSERT INTO sqlsink_pg_types VALUES (7, 'it''s', TRUE, CAST(3 AS SMALLINT),"
                                + " CAST(1.5 AS FLOAT), 2.25, CAST(12.34 AS DECIMAL(10, 2)),"
                                + " DATE '2024-02-29', TIMESTAMP '2024-02-29 10:11:12.345',"
                                + " TO_TIMESTAMP_LTZ(1709201472345, 3), X'DEADBEEF',"
                                + " ARRAY[CAST(1 AS FLOAT), CAST(0 AS FLOAT)])")
                .await();

        assertThat(
                        PG.queryValue(
                                "SELECT concat_ws(' ', s, b, sm, f, d, amount, dt, ts,"
                                        + " tsl AT TIME ZONE 'UTC', encode(bin, 'hex'), embedding)"
                                        + " FROM sqlsink_pg_types WHERE k = 7"))
                .isEqualTo(
                        "it's t 3 1.5 2.25 12.34 2024-02-29 2024-02-29 10:11:12.345"
                                + " 2024-02-29 10:11:12.345 deadbeef [1,0]");
        v.t.createTemporaryView(
                "types_query",
                v.t.sqlQuery("SELECT ARRAY[CAST(1 AS FLOAT), CAST(0 AS FLOAT)] AS qv"));
        List<Row> hits = new java.util.ArrayList<>();
        try (var it =
                v.t.executeSql(
                                "SELECT k, s, b, sm, f, d, amount, dt, ts, tsl, bin, embedding, score"
                                        + " FROM types_query q, LATERAL TABLE(VECTOR_SEARCH(TABLE"
                                        + " sqlsink_pg_types, DESCRIPTOR(embedding), q.qv, 1))")
                        .collect()) {
            it.forEachRemaining(hits::add);
        }
        assertThat(hits).hasSize(1);
        Row r = hits.get(0);
        assertThat(r.getField(0)).isEqualTo(7);
        assertThat(r.getField(1)).isEqualTo("it's");
        assertThat(r.getField(2)).isEqualTo(true);
        assertThat(r.getField(3)).isEqualTo((short) 3);
        assertThat(r.getField(4)).isEqualTo(1.5f);
        assertThat(r.getField(5)).isEqualTo(2.25);
        assertThat(r.getField(6)).isEqualTo(new java.math.BigDecimal("12.34"));
        assertThat(r.getField(7)).isEqualTo(java.time.LocalDate.of(2024, 2, 29));
        assertThat(r.getField(8))
                .isEqualTo(java.time.LocalDateTime.of(2024, 2, 29, 10, 11, 12, 345_000_000));
        assertThat(r.getField(9)).isEqualTo(java.time.Instant.ofEpochMilli(1709201472345L));
        assertThat((byte[]) r.getField(10))
                .containsExactly((byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef);
        assertThat((Float[]) r.getField(11)).containsExactly(1f, 0f);
        assertThat((Double) r.getField(12)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void aTableWithoutPrimaryKeyFailsPlanning() {
        VectorTables v = new VectorTables();
        declare(
                v,
                "sqlsink_pg_nokey",
                "id BIGINT, title STRING, embedding ARRAY<FLOAT>",
                ", 'dimension' = '3'");
        assertThatThrownBy(
                        () ->
                                v.t.explainSql(
                                        "INSERT INTO sqlsink_pg_nokey VALUES (CAST(1 AS BIGINT),"
                                                + " 'x', ARRAY[CAST(1 AS FLOAT)])"))
                .satisfies(
                        e ->
                                assertThat(messages(e))
                                        .contains(
                                                "Vector table default_catalog.default_database"
                                                        + ".sqlsink_pg_nokey needs a PRIMARY KEY"));
    }

    @Test
    void aTableNeedsExactlyOneFloatArray() {
        VectorTables v = new VectorTables();
        declare(
                v,
                "sqlsink_pg_novec",
                "id BIGINT, title STRING, PRIMARY KEY (id) NOT ENFORCED",
                ", 'dimension' = '3'");
        declare(
                v,
                "sqlsink_pg_twovec",
                "id BIGINT, a ARRAY<FLOAT>, b ARRAY<FLOAT>, PRIMARY KEY (id) NOT ENFORCED",
                ", 'dimension' = '3'");
        assertThat(v.planningError("sqlsink_pg_novec"))
                .contains("needs exactly one ARRAY<FLOAT> column (the embedding), found none");
        assertThat(v.planningError("sqlsink_pg_twovec"))
                .contains("needs exactly one ARRAY<FLOAT> column (the embedding), found a, b");
    }

    @Test
    void aDimensionOtherThanTheExistingTablesFailsPlanning() throws Exception {
        PG.execute(
                "DROP TABLE IF EXISTS sqlsink_pg_existing",
                "CREATE TABLE sqlsink_pg_existing (id bigint PRIMARY KEY, title text,"
                        + " embedding vector(4), version bigint)");
        VectorTables v = new VectorTables();
        declare(v, "sqlsink_pg_existing", VectorTables.COLUMNS, ", 'dimension' = '3'");
        assertThat(v.planningError("sqlsink_pg_existing"))
                .contains(
                        "pgvector table public.sqlsink_pg_existing stores vectors of 4 dimensions"
                                + " but 'dimension' is 3");
    }

    @Test
    void anUnreachableServerFailsPlanningAsASetupProblemWithoutThePassword() throws Exception {
        VectorTables v = new VectorTables();
        v.sql(
                "CREATE TABLE sqlsink_pg_down ("
                        + VectorTables.COLUMNS
                        + ") WITH ('connector' = 'pgvector', 'url' = 'postgresql://app@127.0.0.1:"
                        + ClosedPort.find()
                        + "/app', 'password' = 'hunter2', 'table-name' = 'public.t',"
                        + " 'dimension' = '3')");
        assertThatThrownBy(() -> v.t.explainSql("SELECT * FROM sqlsink_pg_down"))
                .satisfies(
                        e -> {
                            assertThat(messages(e))
                                    .contains("Cannot connect the pgvector table public.t")
                                    .doesNotContain("hunter2");
                            assertThat(e).hasRootCauseInstanceOf(java.net.ConnectException.class);
                            assertThat(
                                            ExceptionUtils.findThrowable(
                                                    e, PgStreamSetupException.class))
                                    .isPresent();
                        });
    }

    @Test
    void anExistingTableMustHaveTheDeclaredColumnsAndAUniqueKey() throws Exception {
        PG.execute(
                "DROP TABLE IF EXISTS sqlsink_pg_fewer, sqlsink_pg_nounique",
                "CREATE TABLE sqlsink_pg_fewer (id bigint PRIMARY KEY, embedding vector(3))",
                "CREATE TABLE sqlsink_pg_nounique (id bigint, title text, embedding vector(3),"
                        + " version bigint)");
        VectorTables v = new VectorTables();
        declare(v, "sqlsink_pg_fewer", VectorTables.COLUMNS, "");
        declare(v, "sqlsink_pg_nounique", VectorTables.COLUMNS, "");
        assertThat(v.planningError("sqlsink_pg_fewer"))
                .contains("PostgreSQL table public.sqlsink_pg_fewer has no column title, version");
        assertThat(v.planningError("sqlsink_pg_nounique"))
                .contains(
                        "PostgreSQL table public.sqlsink_pg_nounique has no primary key or unique"
                                + " index on (id)");
    }

    @Test
    void unknownAndMissingOptionsFailPlanningNamingTheKey() {
        VectorTables v = new VectorTables();
        declare(v, "sqlsink_pg_typo", VectorTables.COLUMNS, ", 'sink.batchsize' = '10'");
        v.sql(
                "CREATE TABLE sqlsink_pg_notable ("
                        + VectorTables.COLUMNS
                        + ") WITH ('connector' = 'pgvector', 'url' = '"
                        + PG.config().jdbcUrl()
                        + "')");
        declare(v, "sqlsink_pg_missing", VectorTables.COLUMNS, "");
        assertThat(v.planningError("sqlsink_pg_typo"))
                .contains("Unsupported options found for 'pgvector'")
                .contains("sink.batchsize");
        assertThat(v.planningError("sqlsink_pg_notable"))
                .contains("Missing required options are:")
                .contains("table-name");
        assertThat(v.planningError("sqlsink_pg_missing"))
                .contains(
                        "pgvector table public.sqlsink_pg_missing does not exist: set 'dimension'");
    }
}
