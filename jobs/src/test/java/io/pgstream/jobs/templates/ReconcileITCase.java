package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.cli.CliRun;
import io.pgstream.jobs.embedding.ContentHash;
import io.pgstream.jobs.sink.IndexIdentityMismatchException;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.qdrant.QdrantApplier;
import io.pgstream.jobs.sink.qdrant.QdrantConnection;
import io.pgstream.jobs.sink.qdrant.QdrantPayloads;
import io.pgstream.jobs.sink.qdrant.QdrantSinkConfig;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgstream reconcile} against real PostgreSQL, pgvector and the in-process Qdrant: a table
 * is synced, drift of every kind is made by hand while no sync runs, and reconcile must count it
 * exactly (exit 3), repair it (exit 0), and then find none, with the index equal to the table. One
 * test repairs while {@code sync} runs and rows keep changing.
 */
class ReconcileITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int DIMENSIONS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestingOpenAiServer model;

    @TempDir Path dir;

    @BeforeAll
    static void startModel() throws Exception {
        model = TestingOpenAiServer.start(DIMENSIONS);
    }

    @AfterAll
    static void stopModel() throws Exception {
        model.close();
    }

    private static String embedding() {
        return SyncJobHarness.openAiEmbedding(model.baseUrl(), DIMENSIONS, "  max-linger: 20ms");
    }

    private record Run(int exitCode, JsonNode json, String err) {}

    private Run reconcile(String name, String sink, String... extra) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, SyncJobHarness.yaml(PG, name, List.of(name), embedding(), sink));
        String[] args = new String[3 + extra.length];
        args[0] = "reconcile";
        args[1] = "--config";
        args[2] = file.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        CliRun run = CliRun.of(args);
        assertThat(run.out().lines().count())
                .as("one JSON object; stderr: " + run.err())
                .isEqualTo(1);
        return new Run(run.exitCode(), JSON.readTree(run.out()), run.err());
    }

    private static void assertCounts(
            Run run, int exit, long rows, long vectors, long missing, long orphaned, long stale) {
        assertThat(run.exitCode()).as(run.json() + " " + run.err()).isEqualTo(exit);
        JsonNode j = run.json();
        assertThat(j.get("rows").asLong()).as("rows").isEqualTo(rows);
        assertThat(j.get("vectors").asLong()).as("vectors").isEqualTo(vectors);
        assertThat(j.get("missing").asLong()).as("missing").isEqualTo(missing);
        assertThat(j.get("orphaned").asLong()).as("orphaned").isEqualTo(orphaned);
        assertThat(j.get("stale").asLong()).as("stale").isEqualTo(stale);
    }

    private static void createTable(String t, int rows) throws SQLException {
        PG.execute(
                "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text, category text)",
                "INSERT INTO "
                        + t
                        + " SELECT g, 'title ' || g, 'body of document ' || g, 'c' || (g % 3)"
                        + " FROM generate_series(1, "
                        + rows
                        + ") g");
    }

    private static JobConfig config(String name, String sink) {
        return SyncJobHarness.config(PG, name, embedding(), sink);
    }

    private static void awaitIndexEqualsTable(String t) {
        SyncJobHarness.awaitIndexEqualsTable(PG, t, Duration.ofMinutes(3));
    }

    private static long currentLsn() throws SQLException {
        return ((Number) PG.queryValue("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint"))
                .longValue();
    }

    @Test
    void pgvectorDriftIsCountedRepairedAndThenGone() throws Exception {
        String t = "rc_pgv";
        String sink = SyncJobHarness.pgvectorSink(t);
        createTable(t, 40);
        JobClient job = SyncJobHarness.start(config(t, sink));
        try {
            awaitIndexEqualsTable(t);
        } finally {
            job.cancel().get();
        }
        assertCounts(reconcile(t, sink), 0, 40, 40, 0, 0, 0);

        String v = t + "_vectors";
        PG.execute(
                // missing: two rows lose their vectors
                "DELETE FROM " + v + " WHERE id IN ('1', '2')",
                // orphaned: vectors of keys the table does not have (one not even an int)
                "INSERT INTO "
                        + v
                        + " SELECT source_table, k, chunk, embedding, content, metadata,"
                        + " content_hash, lsn FROM "
                        + v
                        + ", unnest(ARRAY['9999', 'not-a-key']) k WHERE id = '5'",
                // stale: the row changed with no sync running; a hash and a content edited
                "UPDATE " + t + " SET body = 'changed while no sync runs' WHERE id = 3",
                "UPDATE " + v + " SET content_hash = 'tampered' WHERE id = '4'",
                "UPDATE " + v + " SET content = 'edited by hand' WHERE id = '6'");

        Run found = reconcile(t, sink, "--page-size", "7");
        assertCounts(found, 3, 40, 40, 2, 2, 3);
        assertThat(found.json().get("repaired").asBoolean()).isFalse();
        assertThat(found.json().get("tables").get(0).get("table").asText())
                .isEqualTo("public." + t);
        assertThat(found.err()).contains("pgstream: reconcile public." + t);

        Run repaired = reconcile(t, sink, "--repair", "--page-size", "7");
        assertCounts(repaired, 0, 40, 40, 2, 2, 3);
        assertThat(repaired.json().get("repaired").asBoolean()).isTrue();

        assertCounts(reconcile(t, sink), 0, 40, 40, 0, 0, 0);
        assertThat(SyncJobHarness.index(PG, t)).isEqualTo(SyncJobHarness.table(PG, t));
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM "
                                        + v
                                        + " WHERE content_hash <> encode(sha256(convert_to("
                                        + "'openai:text-embedding-testing', 'UTF8') || '\\x00'"
                                        + "::bytea || convert_to(content, 'UTF8')), 'hex')"))
                .isEqualTo(0L);
    }

    @Test
    void qdrantDriftIsCountedRepairedAndThenGone() throws Exception {
        String t = "rc_qd";
        createTable(t, 30);
        try (TestingQdrantServer qdrant = TestingQdrantServer.start(null)) {
            String sink =
                    String.join(
                            "\n",
                            "sink:",
                            "  type: qdrant",
                            "  url: " + qdrant.url(),
                            "  collection: " + t);
            JobClient job = SyncJobHarness.start(config(t, sink));
            try {
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(300))
                        .untilAsserted(
                                () ->
                                        assertThat(collection(qdrant, t))
                                                .isEqualTo(SyncJobHarness.table(PG, t)));
            } finally {
                job.cancel().get();
            }
            assertCounts(reconcile(t, sink), 0, 30, 30, 0, 0, 0);

            String source = "public." + t;
            long lsn = currentLsn();
            try (QdrantConnection c =
                    new QdrantConnection(QdrantSinkConfig.of(qdrant.url(), t, DIMENSIONS))) {
                QdrantApplier applier = new QdrantApplier(c);
                applier.apply(
                        List.of(
                                VectorWrite.delete(source, "1", new Lsn(lsn), null),
                                VectorWrite.delete(source, "2", new Lsn(lsn), null),
                                upsert(source, "9999", "a row that never was", lsn),
                                upsert(source, "4", "title 4\n\nsomething else", lsn)));
            }
            PG.execute("UPDATE " + t + " SET title = 'changed while no sync runs' WHERE id = 3");

            assertCounts(reconcile(t, sink, "--page-size", "4"), 3, 30, 29, 2, 1, 2);
            Run repaired = reconcile(t, sink, "--repair", "--page-size", "4");
            assertCounts(repaired, 0, 30, 29, 2, 1, 2);
            assertThat(repaired.json().get("repaired").asBoolean()).isTrue();
            assertCounts(reconcile(t, sink), 0, 30, 30, 0, 0, 0);
            assertThat(collection(qdrant, t)).isEqualTo(SyncJobHarness.table(PG, t));
            assertThat(qdrant.violations()).isEmpty();
            assertThat(qdrant.calls()).contains("scroll");
        }
    }

    private static VectorWrite upsert(String source, String id, String text, long lsn) {
        return VectorWrite.upsert(
                source,
                id,
                List.of(new VectorWrite.Chunk(0, text, new float[DIMENSIONS])),
                ContentHash.of("openai:text-embedding-testing", text),
                "{}",
                new Lsn(lsn),
                null);
    }

    /** id → content of chunk 0 of every point. */
    private static Map<String, String> collection(TestingQdrantServer qdrant, String t) {
        Map<String, String> points = new HashMap<>();
        if (qdrant.hasCollection(t)) {
            qdrant.points(t)
                    .values()
                    .forEach(
                            p ->
                                    points.put(
                                            p.payload().get(QdrantPayloads.ID).getStringValue(),
                                            p.payload()
                                                    .get(QdrantPayloads.CONTENT)
                                                    .getStringValue()));
        }
        return points;
    }

    /**
     * A repair while {@code sync} runs and rows keep changing: the repair's writes carry the WAL
     * position read before each page, so the stream's later writes win; when the stream has caught
     * up, the index equals the table and a new check finds no drift.
     */
    @Test
    void aRepairWhileSyncRunsConverges() throws Exception {
        String t = "rc_live";
        String sink = SyncJobHarness.pgvectorSink(t);
        createTable(t, 200);
        JobClient job = SyncJobHarness.start(config(t, sink));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger changes = new AtomicInteger();
        CompletableFuture<Void> writer = null;
        try {
            awaitIndexEqualsTable(t);
            String v = t + "_vectors";
            // Drift the stream will never fix: rows 150..159 are never changed below.
            PG.execute(
                    "DELETE FROM " + v + " WHERE id IN ('150', '151', '152', '153', '154')",
                    "UPDATE " + v + " SET content_hash = 'tampered' WHERE id IN ('155', '156')",
                    "INSERT INTO "
                            + v
                            + " SELECT source_table, '99999', chunk, embedding, content, metadata,"
                            + " content_hash, lsn FROM "
                            + v
                            + " WHERE id = '157'");
            long seed = System.nanoTime();
            System.out.println("ReconcileITCase seed = " + seed);
            Random random = new Random(seed);
            writer =
                    CompletableFuture.runAsync(
                            () -> {
                                try (Connection c = PG.connect();
                                        Statement s = c.createStatement()) {
                                    for (int i = 0; !stop.get() || i < 50; i++) {
                                        int id =
                                                random.nextBoolean()
                                                        ? 1 + random.nextInt(100)
                                                        : 1000 + random.nextInt(100);
                                        switch (random.nextInt(4)) {
                                            case 0 ->
                                                    s.execute(
                                                            "DELETE FROM "
                                                                    + t
                                                                    + " WHERE id = "
                                                                    + id);
                                            default ->
                                                    s.execute(
                                                            "INSERT INTO "
                                                                    + t
                                                                    + " VALUES ("
                                                                    + id
                                                                    + ", 'title', 'edit "
                                                                    + i
                                                                    + "', 'c1') ON CONFLICT (id)"
                                                                    + " DO UPDATE SET body ="
                                                                    + " EXCLUDED.body");
                                        }
                                        changes.incrementAndGet();
                                    }
                                } catch (SQLException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            // Keys stay in 1..100 and 1000..1099, so the table does not outgrow the walk.
            await().atMost(Duration.ofMinutes(1)).until(() -> changes.get() >= 50);
            Run repaired = reconcile(t, sink, "--repair", "--page-size", "25");
            assertThat(repaired.exitCode()).as(repaired.json() + repaired.err()).isZero();
            assertThat(repaired.json().get("repaired").asBoolean()).isTrue();
            stop.set(true);
            writer.get();

            awaitIndexEqualsTable(t);
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> {
                                Run after = reconcile(t, sink, "--no-progress");
                                assertThat(after.exitCode()).as(after.json().toString()).isZero();
                                assertThat(after.json().get("missing").asLong()).isZero();
                                assertThat(after.json().get("orphaned").asLong()).isZero();
                                assertThat(after.json().get("stale").asLong()).isZero();
                            });
        } finally {
            stop.set(true);
            if (writer != null) {
                writer.handle((ok, e) -> null).get();
            }
            job.cancel().get();
        }
    }

    /**
     * Without {@code --repair} against an index of another model, reconcile would count every row
     * as stale: it refuses as {@code sync} does, exit 2 and the same line, and records nothing.
     */
    @Test
    void anIndexOfAnotherModelIsRefusedAsSyncRefusesIt() throws Exception {
        String t = "rc_model";
        String sink = SyncJobHarness.pgvectorSink(t);
        createTable(t, 5);
        VectorStores.prepare(config(t, sink)); // records text-embedding-testing
        String recorded = identityOf(t);
        Path other = dir.resolve(t + "-other.yaml");
        Files.writeString(
                other,
                SyncJobHarness.yaml(PG, t, List.of(t), embedding(), sink)
                        .replace("model-name: text-embedding-testing", "model-name: other-model"));

        CliRun reconcile = CliRun.of("reconcile", "--config", other.toString(), "--no-progress");

        assertThat(reconcile.exitCode()).as(reconcile.err()).isEqualTo(2);
        assertThat(reconcile.out()).isEmpty();
        assertThat(reconcile.err().strip())
                .startsWith(
                        "pgstream: error: the index public.rc_model_vectors was built with model"
                                + " openai:text-embedding-testing")
                .contains("openai:other-model", "pgstream reindex");
        assertThat(reconcile.err().strip().lines()).hasSize(1);
        // sync's refusal: the check it makes before anything starts
        assertThatThrownBy(() -> VectorStores.prepare(JobConfigLoader.load(other)))
                .isInstanceOf(IndexIdentityMismatchException.class)
                .satisfies(
                        e ->
                                assertThat(reconcile.err().strip())
                                        .isEqualTo("pgstream: error: " + e.getMessage()));
        assertThat(identityOf(t)).isEqualTo(recorded);
    }

    private static String identityOf(String t) throws SQLException {
        return String.valueOf(
                PG.queryValue(
                        "SELECT obj_description('public."
                                + t
                                + "_vectors'::regclass, 'pg_class')"));
    }
}
