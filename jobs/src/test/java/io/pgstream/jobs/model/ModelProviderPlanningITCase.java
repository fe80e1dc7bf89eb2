package io.pgstream.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.jobs.testutils.TestingOpenAiServer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The openai-compatible provider in ML_PREDICT: rows batched into few requests, and wrong {@code
 * CREATE MODEL} declarations failing the statement when it is planned, naming the key or type.
 */
class ModelProviderPlanningITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension();

    private static final String TEXTS =
            "CREATE TEMPORARY VIEW texts AS SELECT * FROM (VALUES ('a'), ('b'), ('c'), ('d'),"
                    + " ('e'), ('f'), ('g'), ('h')) AS t(text)";

    private static String planFailure(String model) {
        return planFailure(model, TEXTS);
    }

    private static String planFailure(String model, String view) {
        TableEnvironment env = ModelSql.tableEnv();
        env.executeSql(view);
        env.executeSql(model);
        Throwable thrown =
                org.assertj.core.api.Assertions.catchThrowable(
                        () ->
                                env.explainSql(
                                        "SELECT * FROM ML_PREDICT(TABLE texts, MODEL m,"
                                                + " DESCRIPTOR(text))"));
        assertThat(thrown).as("planning fails").isNotNull();
        return ExceptionUtils.stringifyException(thrown);
    }

    /**
     * 40 rows, more than ML_PREDICT's default of 10 in flight: with its {@code
     * max-concurrent-operations} raised (as docs/sql.md says), they wait together and share one
     * request.
     */
    @Test
    void rowsThatArriveTogetherShareOneRequest() throws Exception {
        try (TestingOpenAiServer server = TestingOpenAiServer.start(3)) {
            TableEnvironment env = ModelSql.tableEnv();
            env.executeSql(
                    "CREATE TEMPORARY VIEW many AS SELECT CAST(n AS STRING) AS text FROM (VALUES "
                            + IntStream.rangeClosed(1, 40)
                                    .mapToObj(i -> "(" + i + ")")
                                    .collect(Collectors.joining(", "))
                            + ") AS t(n)");
            env.executeSql(
                    ModelSql.openAiModel("m", server.baseUrl(), 3, "'max-linger' = '200 ms'"));
            Set<String> embedded = new HashSet<>();
            try (CloseableIterator<Row> it =
                    env.executeSql(
                                    "SELECT text, embedding FROM ML_PREDICT(TABLE many, MODEL m,"
                                            + " DESCRIPTOR(text),"
                                            + " MAP['max-concurrent-operations', '64'])")
                            .collect()) {
                while (it.hasNext()) {
                    Row r = it.next();
                    assertThat((Float[]) r.getField(1)).hasSize(3);
                    embedded.add((String) r.getField(0));
                }
            }
            assertThat(embedded).hasSize(40);
            assertThat(server.requests()).as("40 rows, one request").hasSize(1);
            assertThat(server.requests().get(0).inputs()).hasSize(40);
        }
    }

    @Test
    void anUnknownOptionIsNamed() {
        assertThat(
                        planFailure(
                                ModelSql.openAiModel(
                                        "m", "http://127.0.0.1:1/v1", 3, "'max-retry' = '2'")))
                .contains("max-retry")
                .contains("max-retries");
    }

    @Test
    void aMissingDimensionIsNamed() {
        assertThat(
                        planFailure(
                                "CREATE MODEL m INPUT (text STRING) OUTPUT (embedding"
                                        + " ARRAY<FLOAT>) WITH ('provider' = 'openai-compatible',"
                                        + " 'endpoint' = 'http://127.0.0.1:1/v1', 'model' = 'x')"))
                .contains("dimension");
    }

    @Test
    void aWrongOutputTypeIsNamed() {
        for (String output : List.of("embedding ARRAY<DOUBLE>", "embedding STRING")) {
            assertThat(
                            planFailure(
                                    "CREATE MODEL m INPUT (text STRING) OUTPUT ("
                                            + output
                                            + ") WITH ('provider' = 'minilm')"))
                    .contains("OUTPUT must be one ARRAY<FLOAT> column");
        }
    }

    @Test
    void aWrongInputTypeIsNamed() {
        assertThat(
                        planFailure(
                                "CREATE MODEL m INPUT (text INT) OUTPUT (embedding ARRAY<FLOAT>)"
                                        + " WITH ('provider' = 'minilm')",
                                "CREATE TEMPORARY VIEW texts AS SELECT * FROM (VALUES (1), (2))"
                                        + " AS t(text)"))
                .contains("INPUT must be one STRING column");
    }

    @Test
    void anotherTaskIsRefused() {
        assertThat(
                        planFailure(
                                "CREATE MODEL m INPUT (text STRING) OUTPUT (embedding"
                                        + " ARRAY<FLOAT>) WITH ('provider' = 'minilm', 'task' ="
                                        + " 'classification')"))
                .contains("'task' = 'classification' is not supported by provider 'minilm'");
    }

    @Test
    void aKeyAndAKeyVariableExcludeEachOther() {
        assertThat(
                        planFailure(
                                ModelSql.openAiModel(
                                        "m",
                                        "http://127.0.0.1:1/v1",
                                        3,
                                        "'api-key' = 'sk-secret-value'",
                                        "'api-key-env' = 'OPENAI_API_KEY'")))
                .contains("'api-key' and 'api-key-env' exclude each other");
    }
}
