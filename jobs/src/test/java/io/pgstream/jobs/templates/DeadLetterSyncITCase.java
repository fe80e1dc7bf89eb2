package io.pgstream.jobs.templates;

import static io.pgstream.jobs.templates.SyncJobHarness.index;
import static io.pgstream.jobs.templates.SyncJobHarness.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Answer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Request;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Responder;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sync job end to end with {@code embedding.model: openai} pointed at a local fake endpoint
 * that refuses one row for good (HTTP 400) and fails the first request for another (HTTP 500): the
 * refused row lands in the dead-letter table with its key, table and the endpoint's error, and not
 * in the index; the rows batched with it, the row that failed transiently and a row inserted later
 * are all indexed; the job never fails over.
 */
class DeadLetterSyncITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    /** The job file's default {@code dead-letter-table}. */
    private static final String DEAD_LETTERS = "public.pgstream_dead_letters";

    private static final String POISON = "POISON";
    private static final String FLAKY = "FLAKY";
    private static final int DIMENSIONS = 8;

    @Test
    void aRefusedRowIsDeadLetteredWhileTheRestIsIndexedAndTheJobGoesOn(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        String t = "docs_dead";
        String source = "public." + t;
        PG.execute(
                "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text)",
                "INSERT INTO "
                        + t
                        + " SELECT g, 'title ' || g, 'body of document ' || g"
                        + " FROM generate_series(1, 40) g",
                "UPDATE " + t + " SET body = '" + FLAKY + ": fails once' WHERE id = 7",
                "UPDATE " + t + " SET body = '" + POISON + ": refused for good' WHERE id = 13");
        AtomicBoolean flakyFailed = new AtomicBoolean();
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            model.respondWith(failOnceAndRefusePoison(model, flakyFailed));
            JobClient job = SyncJobHarness.start(config(t, model.baseUrl()));
            try {
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(300))
                        .failFast(() -> assertNeverFailed(cluster, job))
                        .until(() -> deadLetters(source, "error").containsKey("13"));
                PG.execute("INSERT INTO " + t + " VALUES (41, 'after', 'the dead letter')");

                Map<String, String> expected = new HashMap<>(table(PG, t));
                assertThat(expected.remove("13")).contains(POISON);
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(300))
                        .failFast(() -> assertNeverFailed(cluster, job))
                        .untilAsserted(() -> assertThat(index(PG, t)).isEqualTo(expected));

                Map<String, String> errors = deadLetters(source, "error");
                assertThat(errors).containsOnlyKeys("13");
                assertThat(errors.get("13"))
                        .contains("HTTP 400")
                        .contains("maximum context length");
                assertThat(deadLetters(source, "text")).containsEntry("13", table(PG, t).get("13"));
                assertThat(index(PG, t)).containsKeys("7", "41").doesNotContainKey("13");

                assertThat(flakyFailed).isTrue();
                assertIsolatedAndRetried(model.requests());
                assertNeverFailed(cluster, job);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Neither the 400 nor the 500 failed the job, not even a task that Flink then restarted. */
    private static void assertNeverFailed(MiniCluster cluster, JobClient job) throws Exception {
        ErrorInfo failure = cluster.getExecutionGraph(job.getJobID()).get().getFailureInfo();
        assertThat(failure == null ? null : failure.getExceptionAsString())
                .as("the job's failure")
                .isNull();
    }

    /** HTTP 500 for the first request with {@link #FLAKY}, 400 for any with {@link #POISON}. */
    private static Responder failOnceAndRefusePoison(
            TestingOpenAiServer model, AtomicBoolean flakyFailed) {
        return request -> {
            if (request.mentions(FLAKY) && flakyFailed.compareAndSet(false, true)) {
                return Answer.error(500, "server_error", "try again later");
            }
            if (request.mentions(POISON)) {
                return Answer.error(
                        400,
                        "invalid_request_error",
                        "This model's maximum context length is 8192 tokens");
            }
            return model.vectors(request);
        };
    }

    /**
     * The refused row was first sent with other rows, then alone (so the batch was split rather
     * than dropped), and the batch that failed with HTTP 500 was sent again unchanged (a retry, not
     * the split, is what saved the flaky row).
     */
    private static void assertIsolatedAndRetried(List<Request> requests) {
        assertThat(requests)
                .anyMatch(r -> r.mentions(POISON) && r.inputs().size() > 1)
                .anyMatch(r -> r.mentions(POISON) && r.inputs().size() == 1);
        List<Request> flaky = requests.stream().filter(r -> r.mentions(FLAKY)).toList();
        assertThat(flaky).hasSizeGreaterThanOrEqualTo(2);
        assertThat(flaky.get(1).inputs()).isEqualTo(flaky.get(0).inputs());
    }

    private static JobConfig config(String name, String baseUrl) {
        String embedding =
                SyncJobHarness.openAiEmbedding(
                        baseUrl,
                        DIMENSIONS,
                        "  batch-size: 32",
                        "  max-linger: 200ms",
                        "  max-attempts: 3",
                        "  request-timeout: 10s");
        return SyncJobHarness.config(PG, name, embedding, SyncJobHarness.pgvectorSink(name));
    }

    /** id → {@code column} of the dead letters of {@code source}; empty before the table exists. */
    private static Map<String, String> deadLetters(String source, String column)
            throws SQLException {
        if (PG.queryValue("SELECT to_regclass('" + DEAD_LETTERS + "')") == null) {
            return Map.of();
        }
        return PG.queryMap(
                "SELECT id, "
                        + column
                        + " FROM "
                        + DEAD_LETTERS
                        + " WHERE source_table = '"
                        + source
                        + "'");
    }
}
