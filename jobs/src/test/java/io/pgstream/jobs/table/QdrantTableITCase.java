package io.pgstream.jobs.table;

import static io.pgstream.jobs.table.VectorTables.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.jobs.sink.qdrant.QdrantPayloads;
import io.pgstream.jobs.sink.qdrant.QdrantPointIds;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code 'connector' = 'qdrant'} tables in Flink SQL on the mini cluster against the in-process
 * Qdrant gRPC server: an upsert changelog leaves one point per final row (id derived from the key
 * like the YAML sink's, columns in the payload), the version column guards against older writes,
 * VECTOR_SEARCH returns the nearest rows with their cosine score, and bad declarations fail
 * planning with messages naming the problem.
 */
class QdrantTableITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private TestingQdrantServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestingQdrantServer.start("secret");
    }

    @AfterEach
    void stop() {
        assertThat(server.violations()).isEmpty();
        server.close();
    }

    private void declare(VectorTables v, String name, String columns, String extra) {
        v.sql(
                "CREATE TABLE "
                        + name
                        + " ("
                        + columns
                        + ") WITH ('connector' = 'qdrant', 'url' = '"
                        + server.url()
                        + "', 'api-key' = 'secret', 'collection' = '"
                        + name
                        + "'"
                        + extra
                        + ")");
    }

    /** The stored points as key → "title version", read from their payload. */
    private Map<String, String> titles(String collection) {
        Map<String, String> out = new TreeMap<>();
        server.points(collection)
                .forEach(
                        (pointId, p) -> {
                            String id = p.payload().get(QdrantPayloads.ID).getStringValue();
                            assertThat(pointId)
                                    .isEqualTo(
                                            QdrantPointIds.pointId(collection, id, 0).toString());
                            var columns =
                                    p.payload()
                                            .get(QdrantPayloads.METADATA)
                                            .getStructValue()
                                            .getFieldsMap();
                            out.put(
                                    id,
                                    columns.get("title").getStringValue()
                                            + " "
                                            + columns.get("version").getIntegerValue());
                        });
        return out;
    }

    @Test
    void anUpsertChangelogLeavesOnePointPerFinalRow() throws Exception {
        VectorTables v = new VectorTables();
        declare(v, "sqlsink_q_docs", VectorTables.COLUMNS, ", 'dimension' = '3'");
        v.write(
                "sqlsink_q_docs",
                row(RowKind.INSERT, 1, "a", 1, 1, 0, 0),
                row(RowKind.INSERT, 2, "b", 1, 0, 1, 0),
                row(RowKind.UPDATE_BEFORE, 1, "a", 1, 1, 0, 0),
                row(RowKind.UPDATE_AFTER, 1, "a2", 2, 1, 1, 0),
                row(RowKind.DELETE, 2, "b", 1, 0, 1, 0),
                row(RowKind.INSERT, 3, "c", 3, 0, 0, 1));

        assertThat(titles("sqlsink_q_docs")).isEqualTo(Map.of("1", "a2 2", "3", "c 3"));
        assertThat(
                        server.points("sqlsink_q_docs")
                                .get(QdrantPointIds.pointId("sqlsink_q_docs", "1", 0).toString())
                                .vector())
                .containsExactly(1, 1, 0);
    }

    @Test
    void anOlderVersionNeverReplacesOrDeletesANewerPoint() throws Exception {
        VectorTables v = new VectorTables();
        declare(
                v,
                "sqlsink_q_guard",
                VectorTables.COLUMNS,
                ", 'dimension' = '3', 'version-column' = 'version'");
        v.write("sqlsink_q_guard", row(RowKind.INSERT, 1, "new", 50, 1, 0, 0));
        v.write(
                "sqlsink_q_guard",
                row(RowKind.INSERT, 1, "old", 40, 0, 1, 0),
                row(RowKind.DELETE, 1, "old", 45, 0, 1, 0));
        assertThat(titles("sqlsink_q_guard")).isEqualTo(Map.of("1", "new 50"));

        v.write("sqlsink_q_guard", row(RowKind.INSERT, 1, "newer", 60, 0, 0, 1));
        assertThat(titles("sqlsink_q_guard")).isEqualTo(Map.of("1", "newer 60"));
    }

    @Test
    void vectorSearchReturnsTheNearestRowsFirstWithTheirScore() throws Exception {
        VectorTables v = new VectorTables();
        declare(v, "sqlsink_q_search", VectorTables.COLUMNS, ", 'dimension' = '3'");
        v.write(
                "sqlsink_q_search",
                row(RowKind.INSERT, 1, "x axis", 1, 1, 0, 0),
                row(RowKind.INSERT, 2, "y axis", 1, 0, 1, 0),
                row(RowKind.INSERT, 3, "near x", 1, 0.9f, 0.1f, 0));

        List<Row> hits = v.search("sqlsink_q_search", 2, 1, 0, 0);

        assertThat(hits).extracting(r -> r.getField(0)).containsExactly(1L, 3L);
        assertThat(hits.get(0).getField(1)).isEqualTo("x axis");
        assertThat((Double) hits.get(0).getField(2)).isCloseTo(1.0, within(1e-6));
        assertThat((Double) hits.get(1).getField(2)).isCloseTo(0.9 / Math.sqrt(0.82), within(1e-6));
        v.t.createTemporaryView(
                "q_embedding",
                v.t.sqlQuery(
                        "SELECT ARRAY[CAST(0 AS FLOAT), CAST(1 AS FLOAT), CAST(0 AS FLOAT)] AS qv"));
        try (var it =
                v.t.executeSql(
                                "SELECT id, embedding FROM q_embedding q, LATERAL TABLE(VECTOR_SEARCH("
                                        + "TABLE sqlsink_q_search, DESCRIPTOR(embedding), q.qv, 1))")
                        .collect()) {
            Row nearest = it.next();
            assertThat(nearest.getField(0)).isEqualTo(2L);
            assertThat((Float[]) nearest.getField(1)).containsExactly(0f, 1f, 0f);
        }
        assertThat(v.search("sqlsink_q_search", "MAP['async', 'true']", 2, 1, 0, 0))
                .isEqualTo(hits);
        assertThat(v.search("sqlsink_q_search", "MAP['async', 'false']", 2, 1, 0, 0))
                .isEqualTo(hits);
    }

    @Test
    void badDeclarationsFailPlanningNamingTheProblem() {
        VectorTables v = new VectorTables();
        declare(v, "sqlsink_q_nodim", VectorTables.COLUMNS, "");
        declare(v, "sqlsink_q_nokey", "id BIGINT, embedding ARRAY<FLOAT>", ", 'dimension' = '3'");
        declare(v, "sqlsink_q_typo", VectorTables.COLUMNS, ", 'dimension' = '3', 'apikey' = 'x'");
        declare(
                v,
                "sqlsink_q_badversion",
                VectorTables.COLUMNS,
                ", 'dimension' = '3', 'version-column' = 'embedding'");
        assertThat(v.planningError("sqlsink_q_nodim"))
                .contains("Missing required options are:")
                .contains("dimension");
        assertThat(v.planningError("sqlsink_q_nokey"))
                .contains(".sqlsink_q_nokey needs a PRIMARY KEY (...) NOT ENFORCED");
        assertThat(v.planningError("sqlsink_q_typo"))
                .contains("Unsupported options found for 'qdrant'")
                .contains("apikey");
        assertThat(v.planningError("sqlsink_q_badversion"))
                .contains("'version-column' = 'embedding' must name a BIGINT column");
    }
}
