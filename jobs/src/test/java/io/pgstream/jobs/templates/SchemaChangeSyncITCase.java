package io.pgstream.jobs.templates;

import static io.pgstream.jobs.templates.SyncJobHarness.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ALTER TABLE} on a source table while the sync job streams it (the job file's template is
 * {@code {title}\n\n{body}}): an added column appears in the metadata of rows written after it; a
 * dropped one leaves it, also when the next write of the row only refreshes metadata; a column's
 * new type is what its values decode as; a renamed template column turns the rows written after it
 * into dead letters naming the column and the table, never into an embedding of the text without
 * it, and the job goes on.
 */
class SchemaChangeSyncITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int DIMENSIONS = 8;
    private static final String T = "docs_altered";

    @Test
    void columnsAddedDroppedRetypedAndATemplateColumnRenamedMidStream() throws Exception {
        PG.execute(
                "CREATE TABLE "
                        + T
                        + " (id int PRIMARY KEY, title text, body text, n int,"
                        + " old_col text)",
                "INSERT INTO "
                        + T
                        + " SELECT g, 'title ' || g, 'body ' || g, g, 'old ' || g"
                        + " FROM generate_series(1, 4) g");
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            model.respondWith(model::vectors);
            JobClient job = SyncJobHarness.start(config(model.baseUrl()));
            try {
                awaiting().until(() -> index(PG, T).size() == 4);
                assertThat(metadata(1)).isEqualTo(Map.of("id", "1", "n", "1", "old_col", "old 1"));

                PG.execute(
                        "ALTER TABLE " + T + " ADD COLUMN extra text",
                        "UPDATE " + T + " SET extra = 'added', body = 'body one' WHERE id = 1");
                awaiting()
                        .untilAsserted(
                                () ->
                                        assertThat(metadata(1))
                                                .containsEntry("extra", "added")
                                                .containsKey("old_col"));

                // the text of row 2 is unchanged: a metadata refresh, which must not keep old_col
                PG.execute(
                        "ALTER TABLE " + T + " DROP COLUMN old_col",
                        "UPDATE " + T + " SET n = 20 WHERE id = 2");
                awaiting()
                        .untilAsserted(
                                () ->
                                        assertThat(metadata(2))
                                                .isEqualTo(
                                                        Map.of("id", "2", "n", "20", "extra", "")));
                assertThat(types(2)).containsEntry("n", "number");

                PG.execute(
                        "ALTER TABLE " + T + " ALTER COLUMN n TYPE text USING 'n=' || n",
                        "UPDATE " + T + " SET extra = 'retyped' WHERE id = 3");
                awaiting().untilAsserted(() -> assertThat(metadata(3)).containsEntry("n", "n=3"));
                assertThat(types(3)).containsEntry("n", "string").containsEntry("id", "number");

                PG.execute(
                        "ALTER TABLE " + T + " RENAME COLUMN body TO content",
                        "UPDATE " + T + " SET title = 'renamed' WHERE id = 4");
                awaiting().until(() -> letters().containsKey("4"));
                assertThat(letters().get("4"))
                        .contains("column body", "public." + T, "dropped or renamed");
                PG.execute("INSERT INTO " + T + " (id, title, content) VALUES (5, 'five', 'x')");
                awaiting().untilAsserted(() -> assertThat(letters()).containsKeys("4", "5"));
                assertThat(index(PG, T)).containsEntry("4", "title 4\n\nbody 4");
                assertThat(model.requests()).noneMatch(r -> r.mentions("renamed"));
                assertThat(model.requests()).noneMatch(r -> r.mentions("five"));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static ConditionFactory awaiting() {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300));
    }

    private static JobConfig config(String baseUrl) {
        String embedding =
                SyncJobHarness.openAiEmbedding(
                        baseUrl, DIMENSIONS, "  batch-size: 8", "  max-linger: 50ms");
        return SyncJobHarness.config(PG, T, embedding, SyncJobHarness.pgvectorSink(T));
    }

    /** The stored metadata of row {@code id}, key → text of its value (null as ""). */
    private static Map<String, String> metadata(int id) throws SQLException {
        return PG.queryMap(
                "SELECT e.key, coalesce(e.value #>> '{}', '') FROM "
                        + T
                        + "_vectors v, jsonb_each(v.metadata) e WHERE v.id = '"
                        + id
                        + "' AND v.chunk = 0");
    }

    /** The JSON types of row {@code id}'s stored metadata values. */
    private static Map<String, String> types(int id) throws SQLException {
        return PG.queryMap(
                "SELECT e.key, jsonb_typeof(e.value) FROM "
                        + T
                        + "_vectors v, jsonb_each(v.metadata) e WHERE v.id = '"
                        + id
                        + "' AND v.chunk = 0");
    }

    /** id → error of the dead letters of the table. */
    private static Map<String, String> letters() throws SQLException {
        if (PG.queryValue("SELECT to_regclass('public.pgstream_dead_letters')") == null) {
            return Map.of();
        }
        return PG.queryMap(
                "SELECT id, error FROM public.pgstream_dead_letters WHERE source_table = 'public."
                        + T
                        + "'");
    }
}
