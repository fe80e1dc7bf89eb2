package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.embedding.TextChunker;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Request;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits next to TOASTed texts: a body of random, incompressible text over 8 kB is stored out of
 * line, so an update that does not touch it reaches the job as "unchanged TOAST" without the value.
 * The index must still hold the row's whole new text (title and body), for edits of the short
 * column, of the long one and of neither (which costs no embedding), across a restore, and with
 * chunking.
 */
class ToastedTextSyncITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int DIMENSIONS = 8;
    private static final int CHUNK_CHARS = 3000;

    /** A new random body for an UPDATE or INSERT of one row. */
    private static final String LONG_BODY = longBody("0");

    /**
     * A body of ~12.8 kB of md5 hex: pglz cannot shrink it, so it is stored out of line. {@code
     * salt} names an outer column so that each row of a multi-row insert gets its own body.
     */
    private static String longBody(String salt) {
        return "(SELECT string_agg(md5(random()::text || "
                + salt
                + " || x), '') FROM generate_series(1, 400) x)";
    }

    @Test
    void editsOfTheShortColumnTheLongOneAndNeitherKeepTheWholeText(@TempDir Path savepoints)
            throws Exception {
        String t = "toast_edits";
        createTable(t, 20);
        assertThat(PG.queryValue("SELECT min(pg_column_size(body)) FROM " + t))
                .as("bodies are stored uncompressed (out of line)")
                .satisfies(size -> assertThat(((Number) size).intValue()).isGreaterThan(8000));
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            JobConfig config = config(t, model.baseUrl(), false);
            JobClient job = SyncJobHarness.start(config);
            awaitIndexEqualsTable(t);

            PG.execute(
                    "UPDATE " + t + " SET title = 'short edit' WHERE id = 1",
                    "UPDATE " + t + " SET body = " + LONG_BODY + " WHERE id = 2",
                    "UPDATE " + t + " SET title = 'both', body = 'now short' WHERE id = 4");
            awaitIndexEqualsTable(t);

            // Neither text column: metadata refreshed, the text not sent to the model again.
            String text3 = table(t).get("3");
            int before = model.requests().size();
            PG.execute("UPDATE " + t + " SET category = 'moved' WHERE id = 3");
            await().atMost(Duration.ofMinutes(1))
                    .until(
                            () ->
                                    "moved"
                                            .equals(
                                                    PG.queryValue(
                                                            "SELECT metadata->>'category' FROM "
                                                                    + t
                                                                    + "_vectors WHERE id = '3'")));
            assertThat(inputsSince(model, before)).doesNotContain(text3);
            assertThat(index(t)).isEqualTo(table(t));

            // Across a restore: nothing of the row's text lives only in the stopped job.
            String savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();
            PG.execute("UPDATE " + t + " SET title = 'edited while stopped' WHERE id = 5");
            JobClient restored = SyncJobHarness.startFromSavepoint(config, savepoint);
            try {
                PG.execute("UPDATE " + t + " SET title = 'edited after the restore' WHERE id = 6");
                awaitIndexEqualsTable(t);
            } finally {
                restored.cancel().get();
            }
        }
    }

    @Test
    void chunkedTextsAreRechunkedFromTheWholeNewText() throws Exception {
        String t = "toast_chunks";
        createTable(t, 8);
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            JobClient job = SyncJobHarness.start(config(t, model.baseUrl(), true));
            try {
                awaitChunksEqualTable(t);
                PG.execute(
                        "UPDATE " + t + " SET title = 'retitled' WHERE id = 1",
                        "UPDATE " + t + " SET category = 'moved' WHERE id = 2",
                        "UPDATE " + t + " SET body = 'short' WHERE id = 3");
                awaitChunksEqualTable(t);
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * Random edits of every column kind, with a restore in between, end with each vector's content
     * exactly the template over the row's current values.
     */
    @Test
    void aRandomWorkloadOfToastedRowsWithARestoreEndsEqualToTheTable(@TempDir Path savepoints)
            throws Exception {
        String t = "toast_random";
        createTable(t, 60);
        long seed = System.nanoTime();
        System.out.println("ToastedTextSyncITCase workload seed = " + seed);
        Random random = new Random(seed);
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            JobConfig config = config(t, model.baseUrl(), false);
            JobClient job = SyncJobHarness.start(config);
            workload(t, random, 80);
            String savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();
            workload(t, random, 40);
            JobClient restored = SyncJobHarness.startFromSavepoint(config, savepoint);
            try {
                workload(t, random, 80);
                awaitIndexEqualsTable(t);
            } finally {
                restored.cancel().get();
            }
        }
    }

    private static void workload(String t, Random random, int operations) throws SQLException {
        for (int i = 0; i < operations; i++) {
            int id = 1 + random.nextInt(70);
            String sql =
                    switch (random.nextInt(6)) {
                        case 0 -> "UPDATE " + t + " SET title = 'title " + i + "' WHERE id = " + id;
                        case 1 -> "UPDATE " + t + " SET body = " + LONG_BODY + " WHERE id = " + id;
                        case 2 -> "UPDATE " + t + " SET category = 'c" + i + "' WHERE id = " + id;
                        case 3 ->
                                "UPDATE "
                                        + t
                                        + " SET title = 't"
                                        + i
                                        + "', category = 'k' WHERE id = "
                                        + id;
                        case 4 -> "DELETE FROM " + t + " WHERE id = " + id;
                        default ->
                                "INSERT INTO "
                                        + t
                                        + " VALUES ("
                                        + id
                                        + ", 'inserted "
                                        + i
                                        + "', "
                                        + LONG_BODY
                                        + ", 'c') ON CONFLICT (id) DO UPDATE SET title ="
                                        + " EXCLUDED.title";
                    };
            PG.execute(sql);
        }
    }

    private static void createTable(String t, int rows) throws SQLException {
        PG.execute(
                "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text, category text)",
                "INSERT INTO "
                        + t
                        + " SELECT g, 'title ' || g, "
                        + longBody("g")
                        + ", 'c' FROM generate_series(1, "
                        + rows
                        + ") g");
    }

    private static JobConfig config(String name, String baseUrl, boolean chunked) {
        String embedding =
                SyncJobHarness.openAiEmbedding(
                        baseUrl,
                        DIMENSIONS,
                        "  max-linger: 20ms",
                        chunked ? "  chunking: {max-chars: " + CHUNK_CHARS + "}" : "");
        return SyncJobHarness.config(PG, name, embedding, SyncJobHarness.pgvectorSink(name));
    }

    private static List<String> inputsSince(TestingOpenAiServer model, int from) {
        List<Request> requests = model.requests();
        return requests.subList(from, requests.size()).stream()
                .flatMap(r -> r.inputs().stream())
                .toList();
    }

    private static Map<String, String> table(String t) throws SQLException {
        return SyncJobHarness.table(PG, t);
    }

    private static Map<String, String> index(String t) throws SQLException {
        return SyncJobHarness.index(PG, t);
    }

    private static void awaitIndexEqualsTable(String t) {
        SyncJobHarness.awaitIndexEqualsTable(PG, t, Duration.ofMinutes(2));
    }

    /** Each row's chunks, in order, are the chunker's split of the row's current text. */
    private static void awaitChunksEqualTable(String t) {
        TextChunker chunker = TextChunker.characters(CHUNK_CHARS, CHUNK_CHARS / 8);
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(
                        () -> {
                            Map<String, String> expected = new HashMap<>();
                            table(t).forEach(
                                            (id, text) ->
                                                    expected.put(
                                                            id,
                                                            String.join("|", chunker.split(text))));
                            assertThat(
                                            PG.queryMap(
                                                    "SELECT id, string_agg(content, '|' ORDER BY"
                                                            + " chunk) FROM "
                                                            + t
                                                            + "_vectors GROUP BY id"))
                                    .isEqualTo(expected);
                        });
    }
}
