package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job-file mistakes that only the server can reveal end {@code pgstream sync} before its job
 * starts, with one line naming the key to fix and exit code 1 (a job-file fix, like every other
 * config error; exit code 2 is for the server): a text column the table does not have.
 */
class SyncStartupChecksITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @TempDir Path dir;

    @BeforeAll
    static void createTable() throws Exception {
        PG.execute("CREATE TABLE res_tpl (id int PRIMARY KEY, title text, body text)");
    }

    /** A job file for {@code public.res_tpl} on its own slot, with {@code embedding} lines. */
    private Path jobFile(String slot, String embedding, String checkpointDir) throws Exception {
        return CliJobFile.write(
                dir,
                PG,
                "res_tpl",
                slot,
                "  " + embedding,
                "  type: pgvector\n  table: public." + slot + "_vectors",
                checkpointDir);
    }

    private Path jobFile(String slot, String embedding) throws Exception {
        return jobFile(slot, embedding, dir.resolve("checkpoints").toString());
    }

    private static CliRun sync(Path config) {
        return CliRun.of("sync", "--config", config.toString(), "--no-progress");
    }

    private static void assertOneLineError(CliRun r, int exitCode, String message) {
        assertThat(r.exitCode()).isEqualTo(exitCode);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err().strip()).isEqualTo("pgstream: error: " + message);
    }

    @Test
    void aTemplateColumnTheTableLacksStopsTheStart() throws Exception {
        CliRun r = sync(jobFile("res_tpl_template", "template: \"{title}\\n\\n{bdy}\""));

        assertOneLineError(
                r,
                1,
                "embedding.template names column 'bdy' which table public.res_tpl does not have"
                        + " (columns: id, title, body)");
        assertThat(PG.queryValue("SELECT to_regclass('public.res_tpl_template_vectors')"))
                .as("no index created for a job that cannot run")
                .isNull();
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_replication_slots"
                                        + " WHERE slot_name = 'res_tpl_template'"))
                .as("no slot left behind to retain WAL for a job that cannot run")
                .isEqualTo(0L);
    }

    @Test
    void aListedColumnTheTableLacksStopsTheStart() throws Exception {
        CliRun r = sync(jobFile("res_tpl_columns", "columns: [title, summary, tags]"));

        assertOneLineError(
                r,
                1,
                "embedding.columns names columns 'summary', 'tags' which table public.res_tpl"
                        + " does not have (columns: id, title, body)");
    }

    @Test
    void aCheckpointDirUnderARegularFileSaysWhatFailedAndWhichKeyToChange() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        Path wanted = file.resolve("checkpoints");

        CliRun r = sync(jobFile("res_cp_file", "columns: [title, body]", wanted.toString()));

        assertOneLineError(
                r,
                1,
                "checkpoint.dir: cannot create "
                        + wanted
                        + ": "
                        + file
                        + " is a file, not a directory; set checkpoint.dir in the job file to a"
                        + " folder pgstream can write");
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_replication_slots"
                                        + " WHERE slot_name = 'res_cp_file'"))
                .as("checked before anything is set up on the server")
                .isEqualTo(0L);
    }

    @Test
    void aCheckpointDirThatIsAFileSaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("checkpoints-file"), "x");

        CliRun r = sync(jobFile("res_cp_same", "columns: [title, body]", file.toString()));

        assertOneLineError(
                r,
                1,
                "checkpoint.dir: "
                        + file
                        + " exists and is not a directory; set checkpoint.dir in the job file to"
                        + " a folder pgstream can write");
    }

    @Test
    void aReadOnlyCheckpointParentSaysPermissionDenied() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // root ignores permissions: nothing to test there.
            assumeFalse(Files.isWritable(readOnly), "permissions do not apply to this user");
            Path wanted = readOnly.resolve("checkpoints");

            CliRun r = sync(jobFile("res_cp_ro", "columns: [title, body]", wanted.toString()));

            assertOneLineError(
                    r,
                    1,
                    "checkpoint.dir: cannot create "
                            + wanted
                            + ": permission denied on "
                            + wanted
                            + "; set checkpoint.dir in the job file to a folder pgstream can"
                            + " write");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
