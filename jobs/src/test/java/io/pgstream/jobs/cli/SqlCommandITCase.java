package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgstream sql -f}: a script's query prints its changelog; errors are one line. */
class SqlCommandITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static String connection() {
        return "'hostname' = '"
                + PG.config().host()
                + "', 'port' = '"
                + PG.config().port()
                + "', 'database-name' = '"
                + PG.config().database()
                + "', 'username' = '"
                + PG.config().user()
                + "'";
    }

    @Test
    void scriptPrintsTheQueryChangelog(@TempDir Path dir) throws Exception {
        PG.execute(
                "CREATE TABLE sqlcmd_docs (id int PRIMARY KEY, category text)",
                "INSERT INTO sqlcmd_docs VALUES (1, 'a'), (2, 'b'), (3, 'a')");
        Path script = dir.resolve("q.sql");
        Files.writeString(
                script,
                "-- count per category, read once\n"
                        + "CREATE TABLE docs (id INT, category STRING) WITH ('connector' ="
                        + " 'pgstream', "
                        + connection()
                        + ", 'table-name' = 'sqlcmd_docs', 'slot.name' = 'sqlcmd_slot',"
                        + " 'scan.startup.mode' = 'snapshot');\n"
                        + "SELECT category, count(*) AS n FROM docs GROUP BY category;\n");
        CliRun r = CliRun.of("sql", "-f", script.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        // The changelog of a continuous aggregate: a is inserted, then updated.
        assertThat(r.out().lines()).contains("+I[b, 1]", "+U[a, 2]");
        assertThat(r.out().lines()).allMatch(l -> l.matches("[+-][IUD]\\[.*\\]"));
    }

    @Test
    void aPlanningErrorIsOneLine(@TempDir Path dir) throws Exception {
        PG.execute("CREATE TABLE sqlcmd_bad (id int PRIMARY KEY, price numeric(10,2))");
        Path script = dir.resolve("bad.sql");
        Files.writeString(
                script,
                "CREATE TABLE t (id INT, price INT) WITH ('connector' = 'pgstream', "
                        + connection()
                        + ", 'table-name' = 'sqlcmd_bad', 'slot.name' = 'sqlcmd_bad',"
                        + " 'scan.startup.mode' = 'snapshot');\n"
                        + "SELECT * FROM t;");
        CliRun r = CliRun.of("sql", "-f", script.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("pgstream: error: ")
                .contains("numeric(10,2) cannot be read as Flink type INT");
    }

    @Test
    void anUnsetVariableIsOneLineNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("env.sql");
        Files.writeString(
                script,
                "-- needs the environment\n"
                        + "CREATE TABLE t (id INT) WITH (\n"
                        + "  'connector' = 'pgstream', 'url' = '${PGSTREAM_SQL_TEST_UNSET}');\n"
                        + "SELECT * FROM t;\n");
        CliRun r = CliRun.of("sql", "-f", script.toString());
        assertThat(r.exitCode()).isEqualTo(ErrorReporter.OTHER_ERROR);
        assertThat(r.err().strip())
                .isEqualTo(
                        "pgstream: error: " + script + ":3: ${PGSTREAM_SQL_TEST_UNSET} is not set");
    }

    @Test
    void anExpandedValueIsMaskedInErrors(@TempDir Path dir) throws Exception {
        // HOME is set wherever tests run; a planning error quotes the identifier it expanded to.
        String home = System.getenv("HOME");
        assumeTrue(home != null && home.strip().length() >= 3);
        Path script = dir.resolve("masked.sql");
        Files.writeString(script, "SELECT * FROM `${HOME}`;\n");
        CliRun r = CliRun.of("sql", "-f", script.toString());
        assertThat(r.exitCode()).isEqualTo(ErrorReporter.OTHER_ERROR);
        assertThat(r.err()).startsWith("pgstream: error: ").contains("***").doesNotContain(home);
    }

    @Test
    void anUnwritableCheckpointDirIsOneLineNamingTheOption(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "");
        Path script = Files.writeString(dir.resolve("q.sql"), "SELECT 1;\n");
        CliRun r =
                CliRun.of(
                        "sql",
                        "-f",
                        script.toString(),
                        "--checkpoint-dir",
                        file.resolve("sub").toString());
        assertThat(r.exitCode()).isEqualTo(ErrorReporter.OTHER_ERROR);
        assertThat(r.err().strip())
                .startsWith("pgstream: error: --checkpoint-dir: cannot create ")
                .endsWith("; pass --checkpoint-dir to a folder pgstream can write");
    }
}
