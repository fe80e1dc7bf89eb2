package io.pgstream.jobs.templates;

import static io.pgstream.jobs.templates.SyncJobHarness.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.qdrant.QdrantPayloads;
import io.pgstream.jobs.testutils.TestingQdrantServer;
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
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync job end to end on a MiniCluster, real PostgreSQL + pgvector and the real local model:
 * the index equals the table after inserts, updates (text and non-text), key changes, deletes and
 * truncates, including a random workload that starts while the snapshot is still running.
 */
class SyncJobITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final String EMBEDDING =
            String.join("\n", "  template: \"{title}\\n\\n{body}\"", "  max-linger: 20ms");

    private static JobConfig config(String name) {
        return config(name, SyncJobHarness.pgvectorSink(name));
    }

    private static JobConfig config(String name, String sink) {
        return SyncJobHarness.config(PG, name, EMBEDDING, sink);
    }

    private static Map<String, String> table(String name) throws SQLException {
        return SyncJobHarness.table(PG, name);
    }

    private static Map<String, String> index(String name) throws SQLException {
        return SyncJobHarness.index(PG, name);
    }

    private static void awaitIndexEqualsTable(String name) {
        SyncJobHarness.awaitIndexEqualsTable(PG, name, Duration.ofMinutes(3));
    }

    @Test
    void everyExchangeOfTheJobFlushesWithinTheJobFilesBufferTimeout() throws Exception {
        String t = "fr_buffer_timeout";
        PG.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text)");
        JobConfig defaults = config(t);
        JobConfig slow =
                new JobConfig(
                        defaults.source(),
                        defaults.embedding(),
                        defaults.sink(),
                        defaults.checkpoint(),
                        defaults.parallelism(),
                        defaults.deadLetterTable(),
                        defaults.restart(),
                        Duration.ofMillis(250));
        assertThat(bufferTimeouts(defaults)).containsOnly(5L);
        assertThat(bufferTimeouts(slow)).containsOnly(250L);
    }

    private static List<Long> bufferTimeouts(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SyncJob.build(env, config);
        return env.getStreamGraph().getStreamNodes().stream()
                .map(StreamNode::getBufferTimeout)
                .toList();
    }

    @Test
    void everyKindOfChangeReachesTheIndex() throws Exception {
        String t = "docs_kinds";
        PG.execute(
                "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text, category text)",
                "INSERT INTO "
                        + t
                        + " SELECT g, 'title ' || g, 'body of document ' || g, 'c' || (g % 3)"
                        + " FROM generate_series(1, 50) g");
        JobClient job = start(config(t));
        try {
            awaitIndexEqualsTable(t);
            PG.execute(
                    "INSERT INTO " + t + " VALUES (100, 'new title', 'new body', 'c1')",
                    "UPDATE " + t + " SET body = 'rewritten body' WHERE id = 2",
                    "DELETE FROM " + t + " WHERE id = 3",
                    "UPDATE " + t + " SET id = 104 WHERE id = 4");
            awaitIndexEqualsTable(t);

            // A change that leaves the text alone refreshes metadata, not the vector.
            String before = vectorOf(t, "5");
            PG.execute("UPDATE " + t + " SET category = 'moved' WHERE id = 5");
            await().atMost(Duration.ofMinutes(1))
                    .until(
                            () ->
                                    "moved"
                                            .equals(
                                                    PG.queryValue(
                                                            "SELECT metadata->>'category' FROM "
                                                                    + t
                                                                    + "_vectors WHERE id = '5'")));
            assertThat(vectorOf(t, "5")).isEqualTo(before);

            PG.execute(
                    "TRUNCATE " + t,
                    "INSERT INTO " + t + " VALUES (7, 'after truncate', 'only row', 'c0')");
            awaitIndexEqualsTable(t);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The job file gains a table; the job restarts from a savepoint taken before: the new table's
     * existing rows are backfilled, its changes streamed, and the old table is not read again.
     */
    @Test
    void aTableAddedToTheJobFileIsBackfilledOnRestore(@TempDir Path savepoints) throws Exception {
        for (String t : List.of("grow_a", "grow_b")) {
            int first = t.endsWith("a") ? 1 : 1001;
            PG.execute(
                    "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text)",
                    "INSERT INTO "
                            + t
                            + " SELECT g, 'title ' || g, 'body ' || g FROM generate_series("
                            + first
                            + ", "
                            + (first + 59)
                            + ") g");
        }
        String sink = SyncJobHarness.pgvectorSink("grow");
        JobClient first =
                start(SyncJobHarness.config(PG, "grow", List.of("grow_a"), EMBEDDING, sink));
        await().atMost(Duration.ofMinutes(3))
                .untilAsserted(() -> assertThat(index("grow")).isEqualTo(table("grow_a")));
        String savepoint =
                first.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
        PG.execute("UPDATE grow_b SET body = 'changed while stopped' WHERE id = 1001");
        // Rows of grow_a that no change touches keep the LSN of the first job's snapshot.
        Object snapshotLsn = PG.queryValue("SELECT max(lsn) FROM grow_vectors WHERE id = '5'");

        JobClient second =
                SyncJobHarness.startFromSavepoint(
                        SyncJobHarness.config(
                                PG, "grow", List.of("grow_a", "grow_b"), EMBEDDING, sink),
                        savepoint);
        try {
            Map<String, String> both = new HashMap<>(table("grow_a"));
            both.putAll(table("grow_b"));
            await().atMost(Duration.ofMinutes(3))
                    .untilAsserted(() -> assertThat(index("grow")).isEqualTo(both));
            PG.execute("INSERT INTO grow_b VALUES (2000, 'streamed', 'after the backfill')");
            both.put("2000", "streamed\n\nafter the backfill");
            await().atMost(Duration.ofMinutes(2))
                    .untilAsserted(() -> assertThat(index("grow")).isEqualTo(both));
            assertThat(PG.queryValue("SELECT max(lsn) FROM grow_vectors WHERE id = '5'"))
                    .as("grow_a was not read again")
                    .isEqualTo(snapshotLsn);
        } finally {
            second.cancel().get();
        }
    }

    @Test
    void aRandomWorkloadStartedDuringTheSnapshotEndsWithTheIndexEqualToTheTable() throws Exception {
        String t = "docs_random";
        PG.execute(
                "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text, category text)",
                "INSERT INTO "
                        + t
                        + " SELECT g, 'title ' || g, 'body ' || md5(g::text), 'c' || (g % 5)"
                        + " FROM generate_series(1, 3000) g");
        JobClient job = start(config(t));
        try {
            long seed = System.nanoTime();
            System.out.println("SyncJobITCase workload seed = " + seed);
            CompletableFuture<Void> workload =
                    CompletableFuture.runAsync(() -> workload(t, new Random(seed), 400));
            workload.get();
            awaitIndexEqualsTable(t);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void theSameJobKeepsAQdrantCollectionEqualToTheTable() throws Exception {
        String t = "docs_qdrant";
        PG.execute(
                "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text, category text)",
                "INSERT INTO "
                        + t
                        + " SELECT g, 'title ' || g, 'body of document ' || g, 'c' || (g % 3)"
                        + " FROM generate_series(1, 40) g");
        try (TestingQdrantServer qdrant = TestingQdrantServer.start(null)) {
            JobConfig config =
                    config(
                            t,
                            String.join(
                                    "\n",
                                    "sink:",
                                    "  type: qdrant",
                                    "  url: " + qdrant.url(),
                                    "  collection: " + t));
            JobClient job = start(config);
            try {
                awaitCollectionEqualsTable(qdrant, t);
                PG.execute(
                        "UPDATE " + t + " SET title = 'changed' WHERE id = 1",
                        "DELETE FROM " + t + " WHERE id = 2",
                        "INSERT INTO " + t + " VALUES (99, 'late', 'arrival', 'c1')");
                awaitCollectionEqualsTable(qdrant, t);
                assertThat(qdrant.violations()).isEmpty();
                assertThat(qdrant.vectorSize(t)).isEqualTo(384);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static void awaitCollectionEqualsTable(TestingQdrantServer qdrant, String t) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(
                        () -> {
                            Map<String, String> collection = new HashMap<>();
                            if (qdrant.hasCollection(t)) {
                                qdrant.points(t)
                                        .values()
                                        .forEach(
                                                p ->
                                                        collection.put(
                                                                p.payload()
                                                                        .get(QdrantPayloads.ID)
                                                                        .getStringValue(),
                                                                p.payload()
                                                                        .get(QdrantPayloads.CONTENT)
                                                                        .getStringValue()));
                            }
                            assertThat(collection).isEqualTo(table(t));
                        });
    }

    private static void workload(String t, Random random, int operations) {
        try (Connection c = PG.connect();
                Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = on");
            int nextId = 100_000;
            for (int i = 0; i < operations; i++) {
                int id = 1 + random.nextInt(3000);
                switch (random.nextInt(6)) {
                    case 0 ->
                            s.execute(
                                    "INSERT INTO "
                                            + t
                                            + " VALUES ("
                                            + nextId++
                                            + ", 'fresh "
                                            + i
                                            + "', 'inserted during the run', 'c9')");
                    case 1 ->
                            s.execute(
                                    "UPDATE "
                                            + t
                                            + " SET title = 'edited "
                                            + i
                                            + "' WHERE id = "
                                            + id);
                    case 2 ->
                            s.execute(
                                    "UPDATE "
                                            + t
                                            + " SET category = 'x"
                                            + i
                                            + "' WHERE id = "
                                            + id);
                    case 3 -> s.execute("DELETE FROM " + t + " WHERE id = " + id);
                    case 4 ->
                            s.execute(
                                    "UPDATE " + t + " SET id = " + nextId++ + " WHERE id = " + id);
                    default -> s.execute("UPDATE " + t + " SET body = NULL WHERE id = " + id);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String vectorOf(String t, String id) throws SQLException {
        return (String)
                PG.queryValue(
                        "SELECT embedding::text FROM " + t + "_vectors WHERE id = '" + id + "'");
    }
}
