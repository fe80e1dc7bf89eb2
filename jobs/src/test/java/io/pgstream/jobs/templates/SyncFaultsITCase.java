package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.connector.testutils.ThrowawayCluster;
import io.pgstream.jobs.sink.qdrant.QdrantPayloads;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Answer;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults a production sync meets, injected while rows keep arriving: PostgreSQL restarted, the
 * vector table locked for longer than a checkpoint interval, the embedding endpoint answering 429,
 * then 503, then hanging past its timeout, and Qdrant unavailable for a while. Each ends with the
 * index equal to the table and no row dead-lettered for a fault that was only transient.
 */
class SyncFaultsITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    private static final int DIMENSIONS = 8;

    private static String embedding(TestingOpenAiServer model, String... extra) {
        return SyncJobHarness.openAiEmbedding(
                model.baseUrl(),
                DIMENSIONS,
                "  max-linger: 20ms",
                "  request-timeout: 1s",
                "  max-attempts: 4",
                String.join("\n", extra));
    }

    private static void createTable(Connection c, String t, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text)");
            s.execute(
                    "INSERT INTO "
                            + t
                            + " SELECT g, 'title ' || g, 'body ' || g FROM generate_series(1, "
                            + rows
                            + ") g");
        }
    }

    /** Inserts row {@code id}; true once it is committed (a retry after a lost answer is fine). */
    private static boolean insert(PgConnectionConfig db, String t, int id) {
        try (Connection c = db.connect();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + t
                                        + " VALUES (?, 'title ' || ?, 'during the fault')"
                                        + " ON CONFLICT (id) DO NOTHING")) {
            c.setAutoCommit(true);
            ps.setInt(1, id);
            ps.setInt(2, id);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            return false; // the server is down: the same id is tried again
        }
    }

    private static Map<String, String> table(PgConnectionConfig db, String t) throws SQLException {
        return query(db, "SELECT id::text, title || E'\\n\\n' || body FROM " + t);
    }

    private static Map<String, String> pgvectorIndex(PgConnectionConfig db, String t)
            throws SQLException {
        return query(db, "SELECT id, content FROM " + t + "_vectors");
    }

    private static Map<String, String> query(PgConnectionConfig db, String sql)
            throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static long deadLetters(PgConnectionConfig db) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT to_regclass('public.pgstream_dead_letters')")) {
            rs.next();
            if (rs.getString(1) == null) {
                return 0;
            }
        }
        return query(db, "SELECT id, error FROM public.pgstream_dead_letters").size();
    }

    private interface IndexRead {
        Map<String, String> read() throws Exception;
    }

    private static void awaitIndexEqualsTable(PgConnectionConfig db, String t, IndexRead index) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(index.read()).isEqualTo(table(db, t)));
    }

    @Test
    void postgresRestartedMidStreamWithWritesGoingOn() throws Exception {
        ThrowawayCluster cluster = new ThrowawayCluster(54342, "faults");
        PgConnectionConfig db = cluster.startFresh();
        String t = "fault_restart";
        try (Connection c = db.connect()) {
            createTable(c, t, 50);
        }
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            String yaml =
                    String.join(
                            "\n",
                            "source:",
                            "  dsn: '" + db.redacted() + "'",
                            "  tables: [public." + t + "]",
                            "  slot: s_" + t,
                            "embedding:",
                            embedding(model),
                            SyncJobHarness.pgvectorSink(t),
                            "");
            JobClient job =
                    SyncJobHarness.start(JobConfigLoader.parse(yaml, t + ".yaml", System::getenv));
            try {
                awaitIndexEqualsTable(db, t, () -> pgvectorIndex(db, t));
                int next = 1000;
                for (; next < 1020; next++) {
                    assertThat(insert(db, t, next)).isTrue();
                }
                cluster.pgLocal("stop"); // pg_ctl stop -m fast: every connection is cut
                assertThat(insert(db, t, next)).as("the server is down").isFalse();
                cluster.pgLocal("start");
                for (; next < 1040; next++) {
                    int id = next;
                    await().atMost(Duration.ofMinutes(1)).until(() -> insert(db, t, id));
                }
                try (Connection c = db.connect();
                        Statement s = c.createStatement()) {
                    s.execute("UPDATE " + t + " SET body = 'after the restart' WHERE id <= 10");
                    s.execute("DELETE FROM " + t + " WHERE id BETWEEN 20 AND 25");
                }
                awaitIndexEqualsTable(db, t, () -> pgvectorIndex(db, t));
                assertThat(deadLetters(db)).as("nothing dead-lettered").isZero();
            } finally {
                job.cancel().get();
                cluster.pgLocal("destroy");
            }
        }
    }

    @Test
    void aVectorTableLockedForLongerThanACheckpointIntervalDelaysWritesAndLosesNone()
            throws Exception {
        PgConnectionConfig db = PG.config();
        String t = "fault_lock";
        try (Connection c = db.connect()) {
            createTable(c, t, 50);
        }
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            JobClient job =
                    SyncJobHarness.start(
                            SyncJobHarness.config(
                                    PG, t, embedding(model), SyncJobHarness.pgvectorSink(t)));
            try {
                awaitIndexEqualsTable(db, t, () -> pgvectorIndex(db, t));
                try (Connection lock = db.connect();
                        Statement s = lock.createStatement()) {
                    lock.setAutoCommit(false);
                    s.execute("LOCK TABLE " + t + "_vectors IN ACCESS EXCLUSIVE MODE");
                    for (int id = 2000; id < 2030; id++) {
                        assertThat(insert(db, t, id)).isTrue();
                    }
                    // Held across several checkpoint intervals (300 ms): the writer waits.
                    long lockedAt = System.nanoTime();
                    await().atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(200))
                            .until(
                                    () ->
                                            Duration.ofNanos(System.nanoTime() - lockedAt)
                                                                    .toMillis()
                                                            > 3_000
                                                    && waitingOnLock(db, t + "_vectors"));
                    lock.commit();
                }
                awaitIndexEqualsTable(db, t, () -> pgvectorIndex(db, t));
                assertThat(deadLetters(db)).as("nothing dead-lettered").isZero();
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Whether some session waits for a lock on {@code table}: the writer is blocked, not idle. */
    private static boolean waitingOnLock(PgConnectionConfig db, String table) throws SQLException {
        return !query(
                        db,
                        "SELECT pid::text, mode FROM pg_locks WHERE NOT granted AND relation = '"
                                + table
                                + "'::regclass")
                .isEmpty();
    }

    @Test
    void anEndpointAnswering429Then503ThenHangingLosesNothingAndDeadLettersNothing()
            throws Exception {
        PgConnectionConfig db = PG.config();
        String t = "fault_endpoint";
        try (Connection c = db.connect()) {
            createTable(c, t, 30);
        }
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            AtomicReference<Answer> fault = new AtomicReference<>();
            AtomicInteger faulted = new AtomicInteger();
            model.respondWith(
                    request -> {
                        Answer a = fault.get();
                        if (a != null) {
                            faulted.incrementAndGet();
                            return a;
                        }
                        return model.vectors(request);
                    });
            JobClient job =
                    SyncJobHarness.start(
                            SyncJobHarness.config(
                                    PG,
                                    t,
                                    embedding(model, "  retry-after-max: 1s"),
                                    SyncJobHarness.pgvectorSink(t)));
            try {
                awaitIndexEqualsTable(db, t, () -> pgvectorIndex(db, t));
                Answer[] phases = {
                    Answer.error(429, "rate_limit_exceeded", "slow down").withRetryAfter("1"),
                    Answer.error(503, "server_error", "overloaded"),
                    Answer.hang()
                };
                int id = 3000;
                for (Answer phase : phases) {
                    int before = faulted.get();
                    fault.set(phase);
                    for (int i = 0; i < 10; i++, id++) {
                        assertThat(insert(db, t, id)).isTrue();
                    }
                    // Sustained: each fault lasts 1.5 s (the delay is the fault's length, not a
                    // wait for the job) and is met by several calls.
                    await().pollDelay(Duration.ofMillis(1500))
                            .atMost(Duration.ofMinutes(1))
                            .until(() -> faulted.get() >= before + 3);
                }
                fault.set(null);
                awaitIndexEqualsTable(db, t, () -> pgvectorIndex(db, t));
                assertThat(deadLetters(db)).as("nothing dead-lettered").isZero();
            } finally {
                fault.set(null);
                job.cancel().get();
            }
        }
    }

    @Test
    void qdrantUnavailableForAWhileLosesNothing() throws Exception {
        PgConnectionConfig db = PG.config();
        String t = "fault_qdrant";
        try (Connection c = db.connect()) {
            createTable(c, t, 30);
        }
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS);
                TestingQdrantServer qdrant = TestingQdrantServer.start(null)) {
            String sink =
                    String.join(
                            "\n",
                            "sink:",
                            "  type: qdrant",
                            "  url: " + qdrant.url(),
                            "  collection: " + t);
            IndexRead points =
                    () -> {
                        Map<String, String> byId = new HashMap<>();
                        for (TestingQdrantServer.StoredPoint p : qdrant.points(t).values()) {
                            byId.put(
                                    p.payload().get(QdrantPayloads.ID).getStringValue(),
                                    p.payload().get(QdrantPayloads.CONTENT).getStringValue());
                        }
                        return byId;
                    };
            JobClient job =
                    SyncJobHarness.start(SyncJobHarness.config(PG, t, embedding(model), sink));
            try {
                awaitIndexEqualsTable(db, t, points);
                // A server restarting: calls refused for a while; the writer retries in place.
                qdrant.failNextCalls(6);
                for (int id = 4000; id < 4030; id++) {
                    assertThat(insert(db, t, id)).isTrue();
                }
                awaitIndexEqualsTable(db, t, points);
                assertThat(qdrant.remainingFailures())
                        .as("the writer met the whole outage and came back")
                        .isZero();
                assertThat(qdrant.violations()).isEmpty();
                assertThat(deadLetters(db)).as("nothing dead-lettered").isZero();
            } finally {
                job.cancel().get();
            }
        }
    }
}
