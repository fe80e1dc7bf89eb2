package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.SinkOptions;
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
 * {@code flink run} line names, names the job jar the build really produces, and sets its Flink
 * cluster up as {@code StandaloneClusterITCase} does (the model's jars in Flink's {@code lib/},
 * loaded parent-first with the patterns of {@code flink-conf/config.yaml}).
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
        assertThat(c.sink().type()).isEqualTo(SinkOptions.Type.PGVECTOR);
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
        String parentFirst =
                (String)
                        ((Map<String, Object>)
                                        ((Map<String, Object>)
                                                        load("flink-conf/config.yaml")
                                                                .get("classloader"))
                                                .get("parent-first-patterns"))
                                .get("additional");
        for (String flink : List.of("jobmanager", "taskmanager")) {
            Map<String, Object> service = (Map<String, Object>) services.get(flink);
            List<String> volumes = (List<String>) service.get("volumes");
            assertThat(volumes)
                    .contains("./jobs/target:/opt/pgstream/jars:ro")
                    .contains("./examples:/opt/pgstream/examples:ro")
                    // the README's cluster set-up: flink-lib inside Flink's lib/, parent-first
                    .contains("./jobs/target/flink-lib:/opt/flink/lib/pgstream:ro");
            assertThat(
                            (String)
                                    ((Map<String, Object>) service.get("environment"))
                                            .get("FLINK_PROPERTIES"))
                    .contains(
                            "classloader.parent-first-patterns.additional: " + parentFirst + "\n");
        }
        assertThat(parentFirst).isEqualTo("ai.onnxruntime.;ai.djl.");
        assertThat(text)
                .contains("flink run -d /opt/pgstream/jars/pgstream-jobs-flink.jar")
                .contains("--config /opt/pgstream/examples/job.yaml");
        assertThat(read("jobs/pom.xml"))
                .contains("<outputFile>${project.build.directory}/pgstream-jobs-flink.jar")
                .contains(
                        "<outputDirectory>${project.build.directory}/flink-lib</outputDirectory>");
        assertThat(Files.isRegularFile(ROOT.resolve("examples/job.yaml"))).isTrue();
    }

    @SuppressWarnings("unchecked")
    @Test
    void eachSqlExampleSaysHowToRunItAndTakesItsSecretsFromTheEnvironment() {
        for (String name : List.of("sync-pgvector.sql", "search.sql")) {
            String text = read("examples/sql/" + name);
            String header = text.substring(0, text.indexOf("\nCREATE"));
            assertThat(header.lines()).allMatch(l -> l.isEmpty() || l.startsWith("--"));
            assertThat(header).contains("bin/pgstream sql -f examples/sql/" + name);
            assertThat(text).contains("'url'").doesNotContain("postgresql://");
            assertThat(text).contains("'${PGSTREAM_DSN}'");
        }
    }

    private static Map<String, Object> load(String path) {
        return (Map<String, Object>)
                new Load(LoadSettings.builder().build()).loadFromString(read(path));
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
