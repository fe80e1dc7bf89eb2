package io.pgstream.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.TestingEmbeddingModel;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingUpsertSinkFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The changelog pipeline of {@code docs/sql.md} end to end: a {@code 'connector' = 'pgstream'}
 * table, {@code TO_CHANGELOG} → {@code ML_PREDICT} with the openai-compatible provider (against the
 * fake endpoint, which records every request) → {@code FROM_CHANGELOG} → an upsert sink.
 */
class ModelChangelogITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int DIMENSION = 4;

    /**
     * In {@code upsert} mode the planner's last-row-per-key step drops the update of an undeclared
     * column; in {@code all} mode it reaches the model and re-embeds the same text.
     */
    @ParameterizedTest
    @ValueSource(strings = {"upsert", "all"})
    void insertsUpdatesAndDeletesReachAnUpsertSinkAndDeletesCallNoModel(String mode)
            throws Exception {
        int rows = 30;
        String table = "cl_docs_" + mode;
        String sinkName = "cl_vectors_" + mode;
        PG.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, body text NOT NULL, views int)",
                "ALTER TABLE " + table + " REPLICA IDENTITY FULL",
                "INSERT INTO "
                        + table
                        + " SELECT g, 'text ' || g, 0 FROM generate_series(1, "
                        + rows
                        + ") g");
        try (TestingOpenAiServer server = TestingOpenAiServer.start(DIMENSION)) {
            TableEnvironment env = ModelSql.tableEnv();
            env.executeSql(
                    ModelSql.docsTable(PG, "docs", table, table + "_slot")
                            .replace("'upsert'", "'" + mode + "'"));
            env.executeSql(
                    ModelSql.openAiModel(
                            "embedder", server.baseUrl(), DIMENSION, "'max-linger' = '20 ms'"));
            env.executeSql(
                    "CREATE TABLE doc_vectors (id INT, body STRING, embedding ARRAY<FLOAT>,"
                            + " PRIMARY KEY (id) NOT ENFORCED) WITH ("
                            + " 'connector' = 'pgstream-testing-upsert', 'name' = '"
                            + sinkName
                            + "')");
            for (String statement : ModelSql.changelogPipeline("docs", "embedder", "doc_vectors")) {
                env.executeSql(statement);
            }
            JobClient job =
                    env.executeSql(ModelSql.changelogInsert("doc_vectors"))
                            .getJobClient()
                            .orElseThrow();
            try {
                Map<Integer, String> expected = new TreeMap<>();
                for (int id = 1; id <= rows; id++) {
                    expected.put(id, "text " + id);
                }
                awaitSink(sinkName, expected);
                assertThat(server.requests())
                        .as("rows that arrive together share a request")
                        .hasSizeLessThan(rows);

                // An update that leaves the text as it is, then one transaction of each kind.
                PG.execute("UPDATE " + table + " SET views = views + 1 WHERE id = 3");
                PG.execute(
                        "BEGIN; UPDATE "
                                + table
                                + " SET body = 'changed 1' WHERE id = 1; DELETE FROM "
                                + table
                                + " WHERE id = 2; INSERT INTO "
                                + table
                                + " VALUES (31, 'text 31', 0); COMMIT");
                expected.put(1, "changed 1");
                expected.remove(2);
                expected.put(31, "text 31");
                awaitSink(sinkName, expected);

                List<String> embedded = new ArrayList<>();
                server.requests().forEach(r -> embedded.addAll(r.inputs()));
                assertThat(embedded.subList(rows, embedded.size()))
                        .as("after the snapshot: the delete calls no model")
                        .containsExactlyElementsOf(
                                mode.equals("upsert")
                                        ? List.of("changed 1", "text 31")
                                        : List.of("text 3", "changed 1", "text 31"));
                assertThat(TestingUpsertSinkFactory.log(sinkName))
                        .filteredOn(r -> r.getKind() == RowKind.DELETE)
                        .extracting(r -> r.getField(0))
                        .containsExactly(2);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Waits until the sink holds exactly {@code expected} (id → text), each with its vector. */
    private static void awaitSink(String sinkName, Map<Integer, String> expected) {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            Map<Integer, String> texts = new TreeMap<>();
                            for (Row r : TestingUpsertSinkFactory.table(sinkName).values()) {
                                String body = (String) r.getField(1);
                                texts.put((Integer) r.getField(0), body);
                                assertThat((Float[]) r.getField(2))
                                        .containsExactly(
                                                boxed(
                                                        TestingEmbeddingModel.vectorOf(
                                                                body, DIMENSION)));
                            }
                            assertThat(texts).isEqualTo(expected);
                        });
    }

    private static Float[] boxed(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
