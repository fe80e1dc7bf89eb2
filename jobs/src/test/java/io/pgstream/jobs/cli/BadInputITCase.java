package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's "When something is wrong" table, made for real: each mistake must end with the row's
 * message as the only line on stderr, the row's exit code, nothing on stdout and no slot left
 * behind. A row without a case here (or in the test named for it) fails {@link
 * #everyRowOfTheTableIsChecked}, so the table cannot promise what nothing checks.
 */
class BadInputITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final String PASSWORD = "Bad-Input-Secret-7";

    private static final String ENDPOINT_CHECKS =
            "jobs/src/test/java/io/pgstream/jobs/cli/SyncEndpointChecksITCase.java";

    /** Rows checked by another test, which must assert the row's message text. */
    private static final Map<String, String> CHECKED_ELSEWHERE =
            Map.of(
                    "wal_level is not logical",
                            "connector/src/test/java/io/pgstream/connector/slot/PreflightTest.java",
                    "the slot is used by another job",
                            "jobs/src/test/java/io/pgstream/jobs/cli/SlotInUseITCase.java",
                    "a SQL column of the wrong type",
                            "jobs/src/test/java/io/pgstream/jobs/cli/SqlCommandITCase.java",
                    "an embedding endpoint that is not running", ENDPOINT_CHECKS,
                    "an embedding endpoint that never answers", ENDPOINT_CHECKS,
                    "an API key the endpoint rejects", ENDPOINT_CHECKS,
                    "a Qdrant that is not running", ENDPOINT_CHECKS,
                    "an API key Qdrant rejects", ENDPOINT_CHECKS,
                    "a Qdrant that never answers", ENDPOINT_CHECKS,
                    "a job file with another model than its index",
                            "jobs/src/test/java/io/pgstream/jobs/cli/IndexIdentityITCase.java");

    @TempDir static Path dir;

    @BeforeAll
    static void createFixtures() throws Exception {
        PG.execute("CREATE TABLE bi_docs (id int PRIMARY KEY, title text, body text)");
        PG.execute("CREATE TABLE bi_nokey (a int, b text)");
        PG.execute(
                "CREATE TABLE bi_small_vectors (source_table text, id text, chunk int,"
                        + " embedding vector(3), content text, metadata jsonb, content_hash text,"
                        + " lsn bigint, updated_at timestamptz, PRIMARY KEY (source_table, id, chunk))");
        PG.execute("DROP ROLE IF EXISTS bi_app");
        PG.execute("DROP ROLE IF EXISTS bi_plain");
        PG.execute("CREATE ROLE bi_app LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
        PG.execute("CREATE ROLE bi_plain LOGIN PASSWORD '" + PASSWORD + "'");
    }

    private static String dsn(String user, String password, String database) {
        var c = PG.config();
        String auth = password == null ? user : user + ":" + password;
        return "postgresql://" + auth + "@" + c.host() + ":" + c.port() + "/" + database;
    }

    private static String dsn() {
        return dsn(PG.config().user(), null, PG.config().database());
    }

    private static Path jobFile(String name, String... overrides) throws Exception {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("source:", "");
        lines.put("  dsn:", " '" + dsn() + "'");
        lines.put("  tables:", " [public.bi_docs]");
        lines.put("  slot:", " bi_" + name);
        lines.put("embedding:", "");
        lines.put("  columns:", " [title, body]");
        lines.put("sink:", "");
        lines.put("  type:", " pgvector");
        lines.put("  table:", " public.bi_" + name + "_vectors");
        lines.put("checkpoint:", "");
        lines.put("  dir:", " '" + dir.resolve("cp-" + name) + "'");
        StringBuilder yaml = new StringBuilder();
        lines.forEach((k, v) -> yaml.append(k).append(v).append('\n'));
        String text = yaml.toString();
        for (int i = 0; i < overrides.length; i += 2) {
            text = text.replace(overrides[i], overrides[i + 1]);
        }
        return Files.writeString(dir.resolve(name + ".yaml"), text);
    }

    private static CliRun sync(Path job) {
        return CliRun.of("sync", "--config", job.toString(), "--no-progress");
    }

    private static Arguments mistake(String row, Callable<CliRun> run) {
        return Arguments.of(row, run);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake(
                        "no DSN",
                        () -> {
                            assumeTrue(System.getenv("PGSTREAM_DSN") == null, "PGSTREAM_DSN set");
                            return CliRun.of("status");
                        }),
                mistake(
                        "a DSN that is not PostgreSQL",
                        () -> CliRun.of("status", "--dsn", "mysql://u@h/db")),
                mistake(
                        "nothing listens at the DSN's port",
                        () -> CliRun.of("status", "--dsn", "postgresql://u@127.0.0.1:1/db")),
                mistake(
                        "a wrong password",
                        () ->
                                CliRun.of(
                                        "status",
                                        "--dsn",
                                        dsn("bi_app", "wrong", PG.config().database()))),
                mistake(
                        "a database that does not exist",
                        () ->
                                CliRun.of(
                                        "status",
                                        "--dsn",
                                        dsn(PG.config().user(), null, "bi_nodb"))),
                mistake(
                        "a role without REPLICATION",
                        () ->
                                CliRun.of(
                                        "setup",
                                        "--dsn",
                                        dsn("bi_plain", PASSWORD, PG.config().database()),
                                        "--table",
                                        "public.bi_docs",
                                        "--slot",
                                        "bi_plain")),
                mistake(
                        "a role that does not own the table",
                        () ->
                                CliRun.of(
                                        "setup",
                                        "--dsn",
                                        dsn("bi_app", PASSWORD, PG.config().database()),
                                        "--table",
                                        "public.bi_docs",
                                        "--slot",
                                        "bi_owner",
                                        "--publication",
                                        "bi_owner_pub")),
                mistake(
                        "a table that does not exist",
                        () ->
                                CliRun.of(
                                        "setup",
                                        "--dsn",
                                        dsn(),
                                        "--table",
                                        "public.bi_none",
                                        "--slot",
                                        "bi_none")),
                mistake(
                        "a table without a key",
                        () ->
                                CliRun.of(
                                        "setup",
                                        "--dsn",
                                        dsn(),
                                        "--table",
                                        "public.bi_nokey",
                                        "--slot",
                                        "bi_nokey")),
                mistake(
                        "a slot name PostgreSQL refuses",
                        () ->
                                CliRun.of(
                                        "setup",
                                        "--dsn",
                                        dsn(),
                                        "--table",
                                        "public.bi_docs",
                                        "--slot",
                                        "My-Slot")),
                mistake(
                        "a table name with three parts",
                        () -> CliRun.of("tail", "--dsn", dsn(), "--table", "a.b.c")),
                mistake(
                        "an unknown startup mode",
                        () ->
                                CliRun.of(
                                        "tail",
                                        "--dsn",
                                        dsn(),
                                        "--table",
                                        "bi_docs",
                                        "--startup-mode",
                                        "sometimes")),
                mistake("an unknown command", () -> CliRun.of("frobnicate")),
                mistake("a job file that does not exist", () -> sync(dir.resolve("absent.yaml"))),
                mistake(
                        "a job file that is not YAML",
                        () -> sync(Files.writeString(dir.resolve("broken.yaml"), "source: [\n"))),
                mistake(
                        "a misspelt job-file key",
                        () -> sync(jobFile("key", "  slot:", "  slott:"))),
                mistake(
                        "a job-file value of the wrong kind",
                        () ->
                                sync(
                                        jobFile(
                                                "kind",
                                                "checkpoint:\n",
                                                "checkpoint:\n  interval: soon\n"))),
                mistake(
                        "an unknown sink type",
                        () -> sync(jobFile("sinktype", " pgvector", " milvus"))),
                mistake(
                        "an API key variable that is not set",
                        () ->
                                sync(
                                        jobFile(
                                                "apikey",
                                                "embedding:\n",
                                                "embedding:\n  model: openai\n  base-url: http://127.0.0.1:1/v1\n"
                                                        + "  model-name: m\n  dimensions: 8\n"
                                                        + "  api-key-env: BI_NO_SUCH_KEY\n"))),
                mistake(
                        "a template column the table lacks",
                        () -> sync(jobFile("template", " [title, body]", " [title, bdy]"))),
                mistake(
                        "a checkpoint.dir that is a file",
                        () ->
                                sync(
                                        jobFile(
                                                "cpfile",
                                                "'" + dir.resolve("cp-cpfile") + "'",
                                                "'"
                                                        + Files.writeString(
                                                                dir.resolve("a-file"), "x")
                                                        + "'"))),
                mistake(
                        "a vector table of another dimension",
                        () ->
                                sync(
                                        jobFile(
                                                "dim",
                                                "public.bi_dim_vectors",
                                                "public.bi_small_vectors"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeEndsWithItsRowsLineAndExitCode(String row, Callable<CliRun> make)
            throws Exception {
        Row expected = readmeRows().get(row);
        assertThat(expected).as("README row '%s'", row).isNotNull();

        CliRun r = make.call();

        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err().strip())
                .startsWith("pgstream: error: ")
                .doesNotContain(PASSWORD)
                .doesNotContain("\tat ");
        String message = r.err().strip().substring("pgstream: error: ".length());
        assertThat(expected.pattern().matcher(message).lookingAt())
                .as("'%s' begins as the README says: %s", message, expected.message())
                .isTrue();
        assertThat(r.exitCode()).isEqualTo(expected.exitCode());
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'bi\\_%'"))
                .as("no slot left behind")
                .isEqualTo(0L);
    }

    @Test
    void everyRowOfTheTableIsChecked() throws Exception {
        List<String> cased = mistakes().map(a -> (String) a.get()[0]).toList();
        Path root = projectRoot();
        for (Map.Entry<String, Row> e : readmeRows().entrySet()) {
            if (cased.contains(e.getKey())) {
                continue;
            }
            String test = CHECKED_ELSEWHERE.get(e.getKey());
            assertThat(test).as("row '%s' is checked by a test", e.getKey()).isNotNull();
            // string literals split over lines ("a" + "b") are read as one
            String source = Files.readString(root.resolve(test)).replaceAll("\"\\s*\\+\\s*\"", "");
            for (String literal : e.getValue().message().split("…")) {
                assertThat(source).as("%s asserts the row's text", test).contains(literal.strip());
            }
        }
        assertThat(readmeRows()).hasSizeGreaterThanOrEqualTo(20);
    }

    record Row(String message, Pattern pattern, int exitCode) {}

    private static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        return Files.exists(p.resolve("README.md")) && Files.exists(p.resolve("jobs"))
                ? p
                : p.getParent();
    }

    /** The table under the README's "When something is wrong": mistake, message, exit code. */
    static Map<String, Row> readmeRows() throws Exception {
        List<String> lines = Files.readAllLines(projectRoot().resolve("README.md"));
        Map<String, Row> rows = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## When something is wrong");
                continue;
            }
            if (!inSection
                    || !line.startsWith("| ")
                    || line.startsWith("| Mistake")
                    || line.startsWith("|--")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String message = cells[2].strip().replaceAll("^`|`$", "");
            List<String> parts = new ArrayList<>();
            for (String literal : message.split("…", -1)) {
                parts.add(Pattern.quote(literal));
            }
            rows.put(
                    cells[1].strip(),
                    new Row(
                            message,
                            Pattern.compile(String.join(".*", parts)),
                            Integer.parseInt(cells[3].strip())));
        }
        return rows;
    }
}
