package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.demo.DemoData;
import io.pgstream.jobs.testutils.CliProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/sql/*.sql} as they are in the repository, run as users run them: {@code pgstream
 * sql -f} in a JVM of its own with {@code PGSTREAM_DSN} set, against the demo's {@code
 * public.documents}. The sync keeps {@code documents_sql_vectors} equal to the table (one vector
 * per row, its content the rendered text) through inserts, updates, deletes and key changes, also
 * across a SIGKILL and a rerun that resumes from its checkpoint; the search finds the row whose
 * text was asked for first.
 */
class SqlExamplesITCase {

    private static final Path EXAMPLES = PostgresExtension.repositoryRoot().resolve("examples/sql");

    /** Never printed: the test server trusts local connections, so any password is accepted. */
    private static final String PASSWORD = "sql-examples-secret";

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @TempDir Path dir;

    private static Map<String, String> env() {
        return Map.of(
                "PGSTREAM_DSN",
                "postgresql://"
                        + PG.config().user()
                        + ":"
                        + PASSWORD
                        + "@"
                        + PG.config().host()
                        + ":"
                        + PG.config().port()
                        + "/"
                        + PG.config().database());
    }

    private Process sync(String run) throws Exception {
        return CliProcess.start(
                dir,
                dir.resolve(run + ".out"),
                dir.resolve(run + ".err"),
                env(),
                "768m",
                "sql",
                "-f",
                EXAMPLES.resolve("sync-pgvector.sql").toString(),
                "--checkpoint-dir",
                dir.resolve("checkpoints").toString());
    }

    private void awaitVectorsEqualTable(Process process, String run) {
        Path err = dir.resolve(run + ".err");
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                // The sink creates documents_sql_vectors when the job starts.
                .ignoreExceptionsInstanceOf(SQLException.class)
                .untilAsserted(
                        () -> {
                            if (!process.isAlive()) {
                                throw new IllegalStateException(
                                        "sql exited: " + CliProcess.tail(err, 30));
                            }
                            assertThat(
                                            PG.queryMap(
                                                    "SELECT id::text, content FROM"
                                                            + " documents_sql_vectors"))
                                    .isEqualTo(
                                            PG.queryMap(
                                                    "SELECT id::text, title || E'\\n\\n' ||"
                                                            + " content FROM documents"));
                        });
        try {
            assertThat(
                            PG.queryValue(
                                    "SELECT count(*) FROM documents_sql_vectors"
                                            + " WHERE vector_dims(embedding) = 384"))
                    .as("one vector per row")
                    .isEqualTo(PG.queryValue("SELECT count(*) FROM documents"));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The highest completed checkpoint under {@code root}, however deep its folder. */
    private static long completedCheckpoints(File root) {
        long newest = 0;
        File[] children = root.listFiles();
        for (File child : children == null ? new File[0] : children) {
            String name = child.getName();
            if (name.startsWith("chk-") && new File(child, "_metadata").isFile()) {
                newest = Math.max(newest, Long.parseLong(name.substring(4)));
            } else if (child.isDirectory()) {
                newest = Math.max(newest, completedCheckpoints(child));
            }
        }
        return newest;
    }

    private static String question() throws Exception {
        Matcher m =
                Pattern.compile("VALUES \\('([^']+)'\\)")
                        .matcher(Files.readString(EXAMPLES.resolve("search.sql")));
        assertThat(m.find()).as("search.sql asks one question in VALUES ('...')").isTrue();
        return m.group(1);
    }

    @Test
    void theSyncExampleKeepsTheVectorsEqualToTheTableAcrossAKillAndTheSearchFindsARow()
            throws Exception {
        try (Connection c = PG.connect()) {
            DemoData.create(c, 40);
        }
        // As the example's header says, once.
        PG.execute("ALTER TABLE public.documents REPLICA IDENTITY FULL");

        Process first = sync("first");
        try {
            awaitVectorsEqualTable(first, "first");
            PG.execute(
                    "INSERT INTO documents (id, title, content, category)"
                            + " VALUES (101, 'Fresh', 'A new row.', 'new')",
                    "UPDATE documents SET content = 'Rewritten text.' WHERE id = 1",
                    "UPDATE documents SET category = 'moved' WHERE id = 2",
                    "DELETE FROM documents WHERE id = 3",
                    "UPDATE documents SET id = 1004 WHERE id = 4");
            awaitVectorsEqualTable(first, "first");
            assertThat(PG.queryValue("SELECT count(*) FROM documents_sql_vectors WHERE id = 4"))
                    .as("the old key of a key change is gone")
                    .isEqualTo(0L);
            long seen = completedCheckpoints(dir.resolve("checkpoints").toFile());
            await().atMost(Duration.ofMinutes(1))
                    .until(
                            () ->
                                    completedCheckpoints(dir.resolve("checkpoints").toFile())
                                            > seen + 1);
        } finally {
            first.destroyForcibly(); // SIGKILL: no final checkpoint
            first.waitFor();
        }
        // While nothing runs: the slot keeps these.
        PG.execute(
                "UPDATE documents SET title = 'Retitled' WHERE id = 5",
                "DELETE FROM documents WHERE id = 6",
                "UPDATE documents SET id = 1007 WHERE id = 7",
                "INSERT INTO documents (id, title, content, category)"
                        + " VALUES (102, 'While down', 'Written during the outage.', 'new')");

        String question = question();
        Process second = sync("second");
        try {
            await().atMost(Duration.ofMinutes(2))
                    .until(
                            () ->
                                    Files.readString(dir.resolve("second.err"))
                                            .contains(
                                                    "pgstream: resuming from checkpoint "
                                                            + dir.resolve("checkpoints")));
            awaitVectorsEqualTable(second, "second");
            PG.execute(
                    "INSERT INTO documents (id, title, content, category) VALUES (103, '"
                            + question.replace("'", "''")
                            + "', '', 'faq')");
            awaitVectorsEqualTable(second, "second");

            Path out = dir.resolve("search.out");
            Path err = dir.resolve("search.err");
            Process search =
                    CliProcess.start(
                            dir,
                            out,
                            err,
                            env(),
                            "768m",
                            "sql",
                            "-f",
                            EXAMPLES.resolve("search.sql").toString());
            assertThat(search.waitFor(4, TimeUnit.MINUTES)).as("search finished").isTrue();
            assertThat(search.exitValue()).as(CliProcess.tail(err, 30)).isZero();
            List<String> hits = Files.readAllLines(out);
            assertThat(hits).as("the 5 nearest rows").hasSize(5);
            Matcher nearest =
                    Pattern.compile("\\+I\\[(\\d+), ([0-9.E-]+), .*]").matcher(hits.get(0));
            assertThat(nearest.matches()).as(hits.get(0)).isTrue();
            assertThat(nearest.group(1)).as("the row whose text was asked for").isEqualTo("103");
            assertThat(Double.parseDouble(nearest.group(2))).isGreaterThan(0.99);
            for (String run : new String[] {"first", "second", "search"}) {
                assertThat(
                                Files.readString(dir.resolve(run + ".err"))
                                        + Files.readString(dir.resolve(run + ".out")))
                        .as("%s never prints the DSN's password", run)
                        .doesNotContain(PASSWORD);
            }
        } finally {
            second.destroyForcibly();
            second.waitFor();
        }
    }
}
