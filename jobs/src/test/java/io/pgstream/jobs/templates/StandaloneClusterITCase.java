package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.cli.CliJobFile;
import io.pgstream.jobs.embedding.LocalMiniLmEmbeddingModel;
import io.pgstream.jobs.testutils.StandaloneFlinkCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flink run} of the shaded jobs jar on a real, multi-process Flink cluster (JobManager,
 * TaskManager and client in JVMs of their own, Flink's jars only on their classpath, configuration
 * from {@code flink-conf/}), set up the way the README tells users to: the jars of {@code
 * jobs/target/flink-lib} in the cluster's {@code lib/}.
 *
 * <p>The sync job, with the local ONNX model and pgvector, indexes the table and then its changes;
 * after a cancel, the same jar submitted again runs in a new user-code classloader in the same
 * TaskManager JVM, where the model's native libraries are already loaded: it must index changes
 * too, without a single task failure. Three submit, run and cancel cycles: after each cancel the
 * TaskManager log shows the job's ONNX session closed, so resubmitted jobs do not pile up native
 * memory.
 */
class StandaloneClusterITCase {

    private static final Path ROOT = PostgresExtension.repositoryRoot();
    private static final Path JOB_JAR = ROOT.resolve("jobs/target/pgstream-jobs-flink.jar");
    private static final int CYCLES = 3;

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @RegisterExtension
    static final StandaloneFlinkCluster FLINK =
            StandaloneFlinkCluster.builder()
                    .lib(ROOT.resolve("jobs/target/flink-lib"))
                    .set("execution.checkpointing.interval", "500ms")
                    .set("taskmanager.memory.process.size", "1g")
                    .set("taskmanager.memory.managed.size", "64m")
                    .build();

    @TempDir Path dir;

    @Test
    void theClusterRunsWithTheRepositoryConfiguration() throws Exception {
        // config.yaml is read, not just present: values from flink-conf/ that the test keeps.
        assertThat(FLINK.get("/overview").path("slots-total").asInt())
                .as("taskmanager.numberOfTaskSlots of flink-conf/config.yaml")
                .isEqualTo(2);
        Map<String, String> config = FLINK.jobManagerConfig();
        assertThat(config.get("classloader.parent-first-patterns.additional"))
                .contains("ai.onnxruntime.")
                .contains("ai.djl.");
        assertThat(config).containsEntry("state.backend.type", "hashmap");
    }

    @Test
    void theShadedJarRunsAgainAndAgainInTheSameTaskManagerAndFreesItsModelSession()
            throws Exception {
        PG.execute(
                "CREATE TABLE docs (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL)",
                "INSERT INTO docs SELECT g, 'title ' || g, 'body of document ' || g"
                        + " FROM generate_series(1, 5) g");
        Path job =
                CliJobFile.write(
                        dir.resolve("job.yaml"),
                        String.join(
                                "\n",
                                CliJobFile.source(
                                        PG,
                                        "public.docs",
                                        "s_" + PG.config().database() + "_cluster"),
                                "embedding:",
                                "  model: local",
                                "  template: \"{title}\\n\\n{body}\"",
                                "  max-linger: 20ms",
                                "sink:",
                                "  type: pgvector",
                                "  table: public.docs_vectors",
                                "checkpoint:",
                                "  interval: 500ms",
                                "  dir: '" + FLINK.checkpointDir() + "'",
                                ""));
        List<String> taskManagers = FLINK.taskManagerIds();
        assertThat(taskManagers).hasSize(1);

        String previous = null;
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            String jobId =
                    FLINK.submit(JOB_JAR, SyncJob.class.getName(), "--config", job.toString());
            assertThat(jobId).isNotEqualTo(previous);
            awaitIndexEqualsTable(jobId);
            if (cycle == 1) {
                assertThat(PG.queryValue("SELECT min(vector_dims(embedding)) FROM docs_vectors"))
                        .isEqualTo(LocalMiniLmEmbeddingModel.DIMENSIONS);
            }
            PG.execute(
                    "INSERT INTO docs VALUES ("
                            + (5 + cycle)
                            + ", 'cycle "
                            + cycle
                            + "', 'inserted while job "
                            + cycle
                            + " runs')");
            awaitIndexEqualsTable(jobId);
            assertThat(FLINK.taskFailures(jobId)).isEmpty();
            assertThat(FLINK.taskManagerIds())
                    .as("job %d ran in the same TaskManager JVM as the first", cycle)
                    .isEqualTo(taskManagers);
            FLINK.cancel(jobId);
            awaitSessionsReleased(cycle);
            previous = jobId;
        }
    }

    /**
     * After the cancel of job {@code cycle}, the TaskManager log shows as many ONNX sessions closed
     * as opened, one per job so far, and never two open at once: no job left its session behind.
     */
    private static void awaitSessionsReleased(int cycle) {
        await("the local model's sessions of " + cycle + " jobs closed in the TaskManager")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(
                        () -> {
                            int open = 0;
                            int opened = 0;
                            int closed = 0;
                            for (String line : FLINK.taskManagerLog()) {
                                if (line.contains("Local model session opened (")) {
                                    opened++;
                                    open++;
                                    assertThat(open).as("sessions open at once").isOne();
                                } else if (line.contains("Local model session closed (")) {
                                    closed++;
                                    open--;
                                }
                            }
                            assertThat(opened).as("sessions opened").isEqualTo(cycle);
                            assertThat(closed).as("sessions closed").isEqualTo(cycle);
                        });
    }

    /** Waits for the index to equal the table; fails at once when a task of the job fails. */
    private static void awaitIndexEqualsTable(String jobId) {
        await("docs_vectors equal to docs (job " + jobId + ")")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(300))
                // The job creates the vector table when it starts.
                .ignoreExceptionsInstanceOf(SQLException.class)
                .failFast(
                        "a task of job " + jobId + " failed",
                        () -> {
                            List<String> failures = FLINK.taskFailures(jobId);
                            if (!failures.isEmpty()) {
                                throw new AssertionError(
                                        "job " + jobId + " has failed tasks:\n" + failures.get(0));
                            }
                        })
                .untilAsserted(
                        () ->
                                assertThat(query("SELECT id, content FROM docs_vectors"))
                                        .isEqualTo(
                                                query(
                                                        "SELECT id::text, title || E'\\n\\n' ||"
                                                                + " body FROM docs")));
    }

    private static Map<String, String> query(String sql) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = PG.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
