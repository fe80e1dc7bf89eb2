package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The files users copy from: {@code examples/job.yaml} loads as a job, and {@code
 * docker-compose.yml} parses, runs PostgreSQL with logical replication, mounts the folders its
 * {@code flink run} line names, and names the job jar the build really produces.
 */
class ExampleFilesTest {

    private static final Path ROOT = PostgresExtension.repositoryRoot();

    @Test
    void theExampleJobFileLoads() {
        JobConfig c =
                JobConfigLoader.parse(
                        read("examples/job.yaml"),
                        "examples/job.yaml",
                        Map.of("PGSTREAM_DSN", "postgresql://app@db:5432/app")::get);
        assertThat(c.source().tables()).containsExactly("public.documents");
        assertThat(c.sink().type()).isEqualTo(JobConfig.SinkType.PGVECTOR);
    }

    @Test
    @SuppressWarnings("unchecked")
    void dockerComposeIsConsistentWithTheBuild() {
        String text = read("docker-compose.yml");
        Map<String, Object> compose =
                (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsKeys("postgres", "qdrant", "jobmanager", "taskmanager");
        List<String> pgCommand =
                (List<String>) ((Map<String, Object>) services.get("postgres")).get("command");
        assertThat(pgCommand).contains("wal_level=logical");
        for (String flink : List.of("jobmanager", "taskmanager")) {
            List<String> volumes =
                    (List<String>) ((Map<String, Object>) services.get(flink)).get("volumes");
            assertThat(volumes)
                    .contains("./jobs/target:/opt/pgstream/jars:ro")
                    .contains("./examples:/opt/pgstream/examples:ro");
        }
        assertThat(text)
                .contains("flink run /opt/pgstream/jars/pgstream-jobs-flink.jar")
                .contains("--config /opt/pgstream/examples/job.yaml");
        assertThat(read("jobs/pom.xml"))
                .contains("<outputFile>${project.build.directory}/pgstream-jobs-flink.jar");
        assertThat(Files.isRegularFile(ROOT.resolve("examples/job.yaml"))).isTrue();
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
