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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The changelog pipeline of {@code docs/sql.md} end to end: a {@code 'connector' = 'pgstream'}
 * table, {@code TO_CHANGELOG} → {@code ML_PREDICT} with the openai-compatible provider (against the
 * fake endpoint, which records every request) → {@code FROM_CHANGELOG} → an upsert sink.
 */
class ModelChangelogITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int DIMENSION = 4;

    @Test
    void insertsUpdatesAndDeletesReachAnUpsertSinkAndDeletesCallNoModel() throws Exception {
        int rows = 30;
        PG.execute(
                "CREATE TABLE cl_docs (id int PRIMARY KEY, body text NOT NULL, views int)",
                "ALTER TABLE cl_docs REPLICA IDENTITY FULL",
                "INSERT INTO cl_docs SELECT g, 'text ' || g, 0 FROM generate_series(1, "
                        + rows
                        + ") g");
        try (TestingOpenAiServer server = TestingOpenAiServer.start(DIMENSION)) {
            TableEnvironment env = ModelSql.tableEnv();
            env.executeSql(ModelSql.docsTable(PG, "docs", "cl_docs", "cl_docs_slot"));
            env.executeSql(
                    ModelSql.openAiModel(
                            "embedder", server.baseUrl(), DIMENSION, "'max-linger' = '20 ms'"));
            env.executeSql(
                    "CREATE TABLE doc_vectors (id INT, body STRING, embedding ARRAY<FLOAT>,"
                            + " PRIMARY KEY (id) NOT ENFORCED) WITH ("
                            + " 'connector' = 'pgstream-testing-upsert', 'name' = 'cl_vectors')");
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
                awaitSink(expected);
                assertThat(server.requests())
                        .as("rows that arrive together share a request")
                        .hasSizeLessThan(rows);

                // An update that leaves the text as it is, then one transaction of each kind.
                PG.execute("UPDATE cl_docs SET views = views + 1 WHERE id = 3");
                PG.execute(
                        "BEGIN; UPDATE cl_docs SET body = 'changed 1' WHERE id = 1;"
                                + " DELETE FROM cl_docs WHERE id = 2;"
                                + " INSERT INTO cl_docs VALUES (31, 'text 31', 0); COMMIT");
                expected.put(1, "changed 1");
                expected.remove(2);
                expected.put(31, "text 31");
                awaitSink(expected);

                List<String> embedded = new ArrayList<>();
                server.requests().forEach(r -> embedded.addAll(r.inputs()));
                assertThat(embedded.subList(rows, embedded.size()))
                        .as(
                                "after the snapshot: the changed and the new text only; the delete and"
                                        + " the update of another column call no model")
                        .containsExactly("changed 1", "text 31");
                assertThat(TestingUpsertSinkFactory.log("cl_vectors"))
                        .filteredOn(r -> r.getKind() == RowKind.DELETE)
                        .extracting(r -> r.getField(0))
                        .containsExactly(2);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Waits until the sink holds exactly {@code expected} (id → text), each with its vector. */
    private static void awaitSink(Map<Integer, String> expected) {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            Map<Integer, String> texts = new TreeMap<>();
                            for (Row r : TestingUpsertSinkFactory.table("cl_vectors").values()) {
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
