package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.qdrant.QdrantPayloads;
import io.pgstream.jobs.testutils.CliProcess;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgstream sync} as users run it, in its own JVM: killed with SIGKILL in the middle of a
 * stream of changes, then started again with the same command. It must resume from its newest
 * checkpoint and end with the index equal to the table: nothing lost (changes made while it was
 * down included), no row indexed twice.
 */
class SyncProcessITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @TempDir Path dir;

    private Process start(Path config, Path log) throws Exception {
        return CliProcess.startLogged(
                dir, log, "768m", "sync", "--config", config.toString(), "--no-progress");
    }

    private static Map<String, String> query(String sql) throws SQLException {
        return PG.queryMap(sql);
    }

    private static void awaitIndexEqualsTable(Process process, Path log) {
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                // The sync process creates the vector table when it starts.
                .ignoreExceptionsInstanceOf(SQLException.class)
                .failFast("sync exited: " + CliProcess.tail(log, 30), () -> !process.isAlive())
                .untilAsserted(
                        () ->
                                assertThat(query("SELECT id, content FROM docs_vectors"))
                                        .isEqualTo(
                                                query(
                                                        "SELECT id::text, title || E'\\n\\n' ||"
                                                                + " body FROM docs")));
    }

    /**
     * The highest completed checkpoint number (Flink keeps only the newest few and deletes the rest
     * while we look, so a vanished folder is skipped, not an error).
     */
    private static long completedCheckpoints(Path checkpoints) {
        long newest = 0;
        File[] jobs = checkpoints.toFile().listFiles();
        for (File job : jobs == null ? new File[0] : jobs) {
            File[] chks = job.listFiles();
            for (File chk : chks == null ? new File[0] : chks) {
                String name = chk.getName();
                if (name.startsWith("chk-") && new File(chk, "_metadata").isFile()) {
                    newest = Math.max(newest, Long.parseLong(name.substring(4)));
                }
            }
        }
        return newest;
    }

    private static void changes(Random random, int from, int count) throws SQLException {
        try (Connection c = PG.connect();
                Statement s = c.createStatement()) {
            for (int i = from; i < from + count; i++) {
                int id = 1 + random.nextInt(400);
                switch (random.nextInt(4)) {
                    case 0 ->
                            s.execute(
                                    "INSERT INTO docs VALUES ("
                                            + (10_000 + i)
                                            + ", 'new "
                                            + i
                                            + "', 'inserted')");
                    case 1 -> s.execute("UPDATE docs SET body = 'edit " + i + "' WHERE id = " + id);
                    case 2 -> s.execute("DELETE FROM docs WHERE id = " + id);
                    default ->
                            s.execute(
                                    "UPDATE docs SET title = 'retitled "
                                            + i
                                            + "' WHERE id = "
                                            + id);
                }
            }
        }
    }

    @Test
    void aSigkilledSyncResumesFromItsCheckpointAndEndsWithTheIndexEqualToTheTable()
            throws Exception {
        PG.execute(
                "CREATE TABLE docs (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL)",
                "INSERT INTO docs SELECT g, 'title ' || g, 'body ' || g"
                        + " FROM generate_series(1, 400) g");
        Path checkpoints = dir.resolve("checkpoints");
        Path config =
                CliJobFile.write(
                        dir.resolve("job.yaml"),
                        String.join(
                                "\n",
                                CliJobFile.source(
                                        PG, "public.docs", "s_" + PG.config().database() + "_sync"),
                                "embedding:",
                                "  template: \"{title}\\n\\n{body}\"",
                                "  max-linger: 20ms",
                                "sink:",
                                "  type: pgvector",
                                "  table: public.docs_vectors",
                                "checkpoint:",
                                "  interval: 500ms",
                                "  dir: '" + checkpoints + "'",
                                ""));
        Path log = dir.resolve("sync.log");
        long seed = System.nanoTime();
        System.out.println("SyncProcessITCase seed = " + seed);
        Random random = new Random(seed);

        Process first = start(config, log);
        try {
            awaitIndexEqualsTable(first, log);
            changes(random, 0, 150);
            long before = completedCheckpoints(checkpoints);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> completedCheckpoints(checkpoints) > before);
            changes(random, 150, 150);
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
            first.waitFor();
        }
        changes(random, 300, 100); // while nothing runs: the slot keeps them

        Process second = start(config, log);
        try {
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> Files.readString(log).contains("resuming from checkpoint"));
            awaitIndexEqualsTable(second, log);
            assertThat(PG.queryValue("SELECT count(*) FROM docs_vectors"))
                    .as("one vector per row: nothing indexed twice")
                    .isEqualTo(PG.queryValue("SELECT count(*) FROM docs"));
        } finally {
            second.destroyForcibly();
            second.waitFor();
        }
    }

    @Test
    void aSyncKilledWhileEagerWritesReachPgvectorEndsWithOneVectorPerRow() throws Exception {
        String t = "fr_kill_pgvector";
        killDuringEagerWrites(
                t,
                String.join("\n", "sink:", "  type: pgvector", "  table: public." + t + "_vectors"),
                () -> query("SELECT id, content FROM " + t + "_vectors"),
                () ->
                        ((Number) PG.queryValue("SELECT count(*) FROM " + t + "_vectors"))
                                .longValue());
    }

    @Test
    void aSyncKilledWhileEagerWritesReachQdrantEndsWithOnePointPerRow() throws Exception {
        String t = "fr_kill_qdrant";
        try (TestingQdrantServer qdrant = TestingQdrantServer.start(null)) {
            killDuringEagerWrites(
                    t,
                    String.join(
                            "\n",
                            "sink:",
                            "  type: qdrant",
                            "  url: " + qdrant.url(),
                            "  collection: " + t),
                    () -> {
                        Map<String, String> byId = new HashMap<>();
                        if (qdrant.hasCollection(t)) {
                            for (TestingQdrantServer.StoredPoint p : qdrant.points(t).values()) {
                                String id = p.payload().get(QdrantPayloads.ID).getStringValue();
                                String content =
                                        p.payload().get(QdrantPayloads.CONTENT).getStringValue();
                                assertThat(byId.put(id, content))
                                        .as("one point per row (row %s)", id)
                                        .isNull();
                            }
                        }
                        return byId;
                    },
                    () -> qdrant.hasCollection(t) ? (long) qdrant.points(t).size() : 0L);
            assertThat(qdrant.violations()).isEmpty();
        }
    }

    /** What a test reads from the index: row id to stored text, or how many entries it holds. */
    private interface IndexRead<T> {
        T read() throws Exception;
    }

    /**
     * Starts {@code pgstream sync} with eager writes (the default {@code sink.max-linger}) and a
     * checkpoint interval far longer than a write, inserts a burst of rows, kills the process with
     * SIGKILL once some but not all of them are indexed (so writes ahead of the last checkpoint are
     * in flight), changes rows while it is down, then runs the same command again: the index must
     * equal the table with exactly one entry per row, though the restart replays writes the store
     * already holds.
     */
    private void killDuringEagerWrites(
            String t, String sink, IndexRead<Map<String, String>> index, IndexRead<Long> indexSize)
            throws Exception {
        int burst = 600;
        PG.execute(
                "CREATE TABLE "
                        + t
                        + " (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL)",
                "INSERT INTO " + t + " VALUES (0, 'warm', 'up')");
        Path checkpoints = dir.resolve(t + "-checkpoints");
        Path config = dir.resolve(t + ".yaml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "source:",
                        "  dsn: '" + PG.config().redacted() + "'",
                        "  tables: [public." + t + "]",
                        "  slot: s_" + PG.config().database() + "_" + t,
                        "embedding:",
                        "  template: \"{title}\\n\\n{body}\"",
                        sink,
                        "checkpoint:",
                        "  interval: 2s",
                        "  dir: '" + checkpoints + "'",
                        ""));
        Path log = dir.resolve(t + ".log");
        String tableSql = "SELECT id::text, title || E'\\n\\n' || body FROM " + t;
        Process first = start(config, log);
        long atKill;
        try {
            await().atMost(Duration.ofMinutes(3))
                    .ignoreExceptions()
                    .failFast("sync exited: " + log, () -> !first.isAlive())
                    .until(() -> indexSize.read() == 1 && completedCheckpoints(checkpoints) > 0);
            try (Connection c = PG.connect();
                    Statement st = c.createStatement()) {
                for (int from = 1; from <= burst; from += 100) { // 6 transactions
                    st.execute(
                            "INSERT INTO "
                                    + t
                                    + " SELECT g, 'title ' || g, 'body ' || g FROM generate_series("
                                    + from
                                    + ", "
                                    + (from + 99)
                                    + ") g");
                }
            }
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(20))
                    .failFast("sync exited: " + log, () -> !first.isAlive())
                    .until(() -> indexSize.read() > 1 + burst / 20);
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
            first.waitFor();
            atKill = indexSize.read();
        }
        assertThat(atKill)
                .as("the kill landed while writes were in flight")
                .isGreaterThan(1)
                .isLessThan(burst + 1);
        PG.execute(
                "UPDATE " + t + " SET body = 'edited while down' WHERE id % 7 = 0",
                "DELETE FROM " + t + " WHERE id % 11 = 0");

        Process second = start(config, log);
        try {
            await().atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(SQLException.class)
                    .failFast("sync exited: " + CliProcess.tail(log, 30), () -> !second.isAlive())
                    .untilAsserted(() -> assertThat(index.read()).isEqualTo(query(tableSql)));
            assertThat(Files.readString(log)).contains("resuming from checkpoint");
            assertThat(indexSize.read())
                    .as("one entry per row: nothing indexed twice")
                    .isEqualTo(((Number) PG.queryValue("SELECT count(*) FROM " + t)).longValue());
        } finally {
            second.destroyForcibly();
            second.waitFor();
        }
    }
}
