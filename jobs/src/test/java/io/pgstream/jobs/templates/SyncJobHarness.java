package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Runs the sync job the way {@code pgstream sync} builds it ({@link VectorStores#prepare}, then
 * {@link SyncJob#build}) on the test's MiniCluster, from a job file written for one source table
 * {@code public.<name>} in the test's database. For ITCases of the whole job.
 */
final class SyncJobHarness {

    private SyncJobHarness() {}

    /** A MiniCluster with room for the job at parallelism 2 (one task manager, 4 slots). */
    static MiniClusterExtension miniCluster() {
        return MiniClusters.withSlots(4);
    }

    /**
     * The job file for table {@code public.<name>} with its own slot.
     *
     * @param embedding the {@code embedding:} section, indented lines without the header
     * @param sink the {@code sink:} section, header included
     */
    static JobConfig config(PostgresExtension pg, String name, String embedding, String sink) {
        return config(pg, name, List.of(name), embedding, sink);
    }

    /**
     * The job file for several tables of {@code public}, with the slot named after {@code name}.
     */
    static JobConfig config(
            PostgresExtension pg, String name, List<String> tables, String embedding, String sink) {
        return JobConfigLoader.parse(
                yaml(pg, name, tables, embedding, sink), name + ".yaml", System::getenv);
    }

    /** The text of the job file {@link #config} reads, for commands that take a file. */
    static String yaml(
            PostgresExtension pg, String name, List<String> tables, String embedding, String sink) {
        return String.join(
                "\n",
                "source:",
                "  dsn: '" + pg.config().redacted() + "'",
                "  tables: ["
                        + tables.stream().map(t -> "public." + t).collect(Collectors.joining(", "))
                        + "]",
                "  slot: s_" + pg.config().database() + "_" + name,
                "  chunk-size: 500",
                "embedding:",
                embedding,
                sink,
                "parallelism: 2",
                "");
    }

    /** A pgvector sink writing {@code public.<name>_vectors}. */
    static String pgvectorSink(String name) {
        return String.join(
                "\n",
                "sink:",
                "  type: pgvector",
                "  table: public." + name + "_vectors",
                "  batch-size: 200");
    }

    /**
     * The {@code embedding:} lines for a fake OpenAI endpoint ({@code TestingOpenAiServer}) at
     * {@code baseUrl}, with the {@code {title}\n\n{body}} template every harness table renders.
     *
     * @param extra further indented lines, such as {@code " max-linger: 20ms"}
     */
    static String openAiEmbedding(String baseUrl, int dimensions, String... extra) {
        List<String> lines =
                new ArrayList<>(
                        List.of(
                                "  model: openai",
                                "  base-url: " + baseUrl,
                                "  model-name: text-embedding-testing",
                                "  dimensions: " + dimensions,
                                "  template: \"{title}\\n\\n{body}\""));
        lines.addAll(List.of(extra));
        return String.join("\n", lines);
    }

    /** Prepares the index and starts the job, checkpointing every 300 ms. */
    static JobClient start(JobConfig config) throws Exception {
        return start(config, new Configuration());
    }

    /** As {@link #start(JobConfig)}, restoring from {@code savepoint}. */
    static JobClient startFromSavepoint(JobConfig config, String savepoint) throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        return start(config, conf);
    }

    private static JobClient start(JobConfig config, Configuration conf) throws Exception {
        VectorStores.prepare(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(300);
        SyncJob.build(env, config);
        return env.executeAsync("sync " + config.source().slot());
    }

    /** id → the text a row of {@code public.<name>(id, title, body)} is embedded as. */
    static Map<String, String> table(PostgresExtension pg, String name) throws SQLException {
        return pg.queryMap(
                "SELECT id::text, coalesce(title, '') || E'\\n\\n' || coalesce(body, '') FROM "
                        + name);
    }

    /** id → the content stored in {@code public.<name>_vectors} (chunk 0; chunking is off). */
    static Map<String, String> index(PostgresExtension pg, String name) throws SQLException {
        return pg.queryMap("SELECT id, content FROM " + name + "_vectors");
    }

    /** Waits, polling every 300 ms, until {@link #index} equals {@link #table} for {@code name}. */
    static void awaitIndexEqualsTable(PostgresExtension pg, String name, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(index(pg, name)).isEqualTo(table(pg, name)));
    }
}
