package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static String dsn() {
        var c = PG.config();
        return "postgresql://" + c.user() + "@" + c.host() + ":" + c.port() + "/" + c.database();
    }

    /** A job file for {@code public.res_tpl} on its own slot, with {@code embedding} lines. */
    private Path jobFile(String slot, String embedding, String checkpointDir) throws Exception {
        Path config = dir.resolve(slot + ".yaml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "source:",
                        "  dsn: '" + dsn() + "'",
                        "  tables: [public.res_tpl]",
                        "  slot: " + slot,
                        "embedding:",
                        "  " + embedding,
                        "sink:",
                        "  type: pgvector",
                        "  table: public." + slot + "_vectors",
                        "checkpoint:",
                        "  dir: '" + checkpointDir + "'",
                        ""));
        return config;
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
}
