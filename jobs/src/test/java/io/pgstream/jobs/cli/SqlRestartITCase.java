package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.CliProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgstream sql --checkpoint-dir} as users run it: an {@code INSERT} killed with SIGKILL
 * resumes, when the same script runs again, from its newest completed checkpoint, so it goes on
 * with the changes made while it was down instead of reading the table again.
 */
class SqlRestartITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @TempDir Path dir;

    /** The highest completed checkpoint under {@code root}, in any INSERT's or job's folder. */
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

    /** Waits for {@code text} on the process's stdout; fails at once when the process exits. */
    private static void awaitPrinted(Process process, Path out, Path err, String text) {
        await().atMost(Duration.ofMinutes(2))
                .until(
                        () -> {
                            if (!process.isAlive()) {
                                throw new IllegalStateException(
                                        "sql exited: " + CliProcess.tail(err, 30));
                            }
                            return Files.readString(out).contains(text);
                        });
    }

    @Test
    void aKilledInsertResumesFromItsCheckpoint() throws Exception {
        PG.execute(
                "CREATE TABLE restart_docs (id int PRIMARY KEY, v text NOT NULL)",
                "ALTER TABLE restart_docs REPLICA IDENTITY FULL",
                "INSERT INTO restart_docs VALUES (1, 'snapshot-one'), (2, 'snapshot-two')");
        Path script = dir.resolve("copy.sql");
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "-- copies restart_docs to stdout, forever",
                        "CREATE TABLE docs (id INT, v STRING, PRIMARY KEY (id) NOT ENFORCED)"
                                + " WITH ('connector' = 'pgstream', 'url' = '${PGSTREAM_DSN}',",
                        "  'table-name' = 'restart_docs', 'slot.name' = 'sql_restart');",
                        "CREATE TABLE printed (id INT, v STRING) WITH ('connector' = 'print');",
                        "-- the job to resume",
                        "INSERT INTO printed SELECT id, v FROM docs;",
                        ""));
        Path checkpoints = dir.resolve("checkpoints");
        Map<String, String> env =
                Map.of(
                        "PGSTREAM_DSN",
                        "postgresql://"
                                + PG.config().user()
                                + "@"
                                + PG.config().host()
                                + ":"
                                + PG.config().port()
                                + "/"
                                + PG.config().database());
        String[] args = {
            "sql", "-f", script.toString(), "--checkpoint-dir", checkpoints.toString()
        };

        Path out1 = dir.resolve("out1.txt");
        Path err1 = dir.resolve("err1.txt");
        Process first = CliProcess.start(dir, out1, err1, env, "512m", args);
        try {
            awaitPrinted(first, out1, err1, "+I[2, snapshot-two]");
            assertThat(Files.readString(err1)).contains("pgstream: no checkpoint in ");
            PG.execute("INSERT INTO restart_docs VALUES (3, 'streamed-three')");
            awaitPrinted(first, out1, err1, "+I[3, streamed-three]");
            long seen = completedCheckpoints(checkpoints.toFile());
            // A checkpoint completed after row 3 was printed holds the source past it.
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> completedCheckpoints(checkpoints.toFile()) > seen + 1);
        } finally {
            first.destroyForcibly(); // SIGKILL: no final checkpoint
            first.waitFor();
        }
        PG.execute(
                "INSERT INTO restart_docs VALUES (4, 'while-down')",
                "UPDATE restart_docs SET v = 'edited-one' WHERE id = 1");

        Path out2 = dir.resolve("out2.txt");
        Path err2 = dir.resolve("err2.txt");
        Process second = CliProcess.start(dir, out2, err2, env, "512m", args);
        try {
            awaitPrinted(second, out2, err2, "+U[1, edited-one]");
            assertThat(Files.readString(err2))
                    .contains("pgstream: resuming from checkpoint " + checkpoints.toAbsolutePath());
            String printed = Files.readString(out2);
            assertThat(printed).contains("+I[4, while-down]");
            // Resumed, not started over: neither the snapshot nor row 3 is read again.
            assertThat(printed).doesNotContain("snapshot-two").doesNotContain("streamed-three");
        } finally {
            second.destroyForcibly();
            second.waitFor();
        }
    }
}
