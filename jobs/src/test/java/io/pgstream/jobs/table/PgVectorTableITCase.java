package io.pgstream.jobs.table;

import static io.pgstream.jobs.table.VectorTables.messages;
import static io.pgstream.jobs.table.VectorTables.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
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
        assertThat(planningError(v, "sqlsink_pg_novec"))
                .contains("needs exactly one ARRAY<FLOAT> column (the embedding), found none");
        assertThat(planningError(v, "sqlsink_pg_twovec"))
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
        assertThat(planningError(v, "sqlsink_pg_existing"))
                .contains(
                        "pgvector table public.sqlsink_pg_existing stores vectors of 4 dimensions"
                                + " but 'dimension' is 3");
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
        assertThat(planningError(v, "sqlsink_pg_typo"))
                .contains("Unsupported options found for 'pgvector'")
                .contains("sink.batchsize");
        assertThat(planningError(v, "sqlsink_pg_notable"))
                .contains("Missing required options are:")
                .contains("table-name");
        assertThat(planningError(v, "sqlsink_pg_missing"))
                .contains(
                        "pgvector table public.sqlsink_pg_missing does not exist: set 'dimension'");
    }

    private static String planningError(VectorTables v, String table) {
        try {
            v.t.explainSql("SELECT * FROM " + table);
        } catch (RuntimeException e) {
            return messages(e);
        }
        throw new AssertionError("planning " + table + " did not fail");
    }
}
