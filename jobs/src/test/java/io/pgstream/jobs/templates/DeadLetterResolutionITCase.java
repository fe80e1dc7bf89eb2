package io.pgstream.jobs.templates;

import static io.pgstream.jobs.templates.SyncJobHarness.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Answer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync job deletes a row's dead letters once the stream writes that row after all: two rows are
 * refused by the fake endpoint and dead-lettered; the job is stopped with a savepoint and restored
 * (the refused mark is in keyed state); one row is then updated to a text the endpoint accepts, and
 * its letter leaves the table while its vector arrives; the other row's letter stays.
 */
class DeadLetterResolutionITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final String DEAD_LETTERS = "public.pgstream_dead_letters";
    private static final String POISON = "POISON";
    private static final int DIMENSIONS = 8;

    @Test
    void aRefusedRowWrittenLaterLosesItsLetterAcrossARestore(@TempDir Path savepoints)
            throws Exception {
        String t = "docs_resolved";
        PG.execute(
                "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text)",
                "INSERT INTO "
                        + t
                        + " SELECT g, 'title ' || g, 'body ' || g FROM generate_series(1, 10) g",
                "UPDATE " + t + " SET body = '" + POISON + " two' WHERE id = 2",
                "UPDATE " + t + " SET body = '" + POISON + " three' WHERE id = 3");
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            model.respondWith(
                    request ->
                            request.mentions(POISON)
                                    ? Answer.error(400, "invalid_request_error", "refused")
                                    : model.vectors(request));
            JobConfig config = config(t, model.baseUrl());
            JobClient first = SyncJobHarness.start(config);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> letters(t).keySet().containsAll(List.of("2", "3")));
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> index(PG, t).size() == 8);
            String savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();

            JobClient second = SyncJobHarness.startFromSavepoint(config, savepoint);
            try {
                PG.execute("UPDATE " + t + " SET body = 'accepted now' WHERE id = 2");
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(300))
                        .untilAsserted(
                                () -> {
                                    assertThat(letters(t)).doesNotContainKey("2");
                                    assertThat(index(PG, t))
                                            .containsEntry("2", "title 2\n\naccepted now");
                                });
                assertThat(letters(t)).containsOnlyKeys("3");
                assertThat(index(PG, t)).doesNotContainKey("3").hasSize(9);
            } finally {
                second.cancel().get();
            }
        }
    }

    private static JobConfig config(String name, String baseUrl) {
        String embedding =
                SyncJobHarness.openAiEmbedding(
                        baseUrl,
                        DIMENSIONS,
                        "  batch-size: 4",
                        "  max-linger: 50ms",
                        "  max-attempts: 2",
                        "  request-timeout: 10s");
        return SyncJobHarness.config(PG, name, embedding, SyncJobHarness.pgvectorSink(name));
    }

    /** id → error of the dead letters of {@code public.<name>}; empty before the table exists. */
    private static Map<String, String> letters(String name) throws SQLException {
        if (PG.queryValue("SELECT to_regclass('" + DEAD_LETTERS + "')") == null) {
            return Map.of();
        }
        return PG.queryMap(
                "SELECT id, error FROM "
                        + DEAD_LETTERS
                        + " WHERE source_table = 'public."
                        + name
                        + "'");
    }
}
