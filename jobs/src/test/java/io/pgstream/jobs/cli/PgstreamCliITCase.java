package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.testutils.PostgresExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The command line end to end through {@link PgstreamCli#run}, against the real PostgreSQL. */
class PgstreamCliITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final String PASSWORD = "Cli-Secret-0815";

    private static String suffix;
    private static String dsn;

    @BeforeAll
    static void createTables() throws Exception {
        String db = PG.config().database();
        suffix = db.substring(db.lastIndexOf('_') + 1);
        dsn = dsn(PG.config());
        PG.execute(
                "CREATE TABLE docs (id int PRIMARY KEY, body text)",
                "CREATE TABLE \"Mixed\" (id int PRIMARY KEY)",
                "CREATE ROLE cli_" + suffix + " LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
    }

    @AfterAll
    static void dropRole() throws Exception {
        PG.execute("DROP ROLE cli_" + suffix);
    }

    /** A libpq URI for a config, password included when the test server's DSN has one. */
    private static String dsn(PgConnectionConfig c) {
        String password = c.jdbcProperties().getProperty("password");
        return "postgresql://"
                + encode(c.user())
                + (password == null ? "" : ":" + encode(password))
                + "@"
                + c.host()
                + ":"
                + c.port()
                + "/"
                + encode(c.database());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void setupStatusTeardownRoundTrip() {
        String slot = "cli_" + suffix;
        String[] target = {"--dsn", dsn, "--slot", slot, "--publication", "cli_pub"};

        CliRun setup =
                CliRun.of(
                        concat(
                                new String[] {"setup"},
                                target,
                                "--table",
                                "docs",
                                "--table",
                                "\"Mixed\"",
                                "--json"));
        assertThat(setup.err()).isEmpty();
        assertThat(setup.exitCode()).isZero();
        assertThat(setup.out().strip()).doesNotContain("\n").startsWith("{").endsWith("}");
        assertThat(setup.out()).contains("\"exists\":true");

        CliRun status = CliRun.of(concat(new String[] {"status"}, target, "--json"));
        assertThat(status.exitCode()).isZero();
        assertThat(status.out().strip())
                .doesNotContain("\n")
                .contains("\"slot\":\"" + slot + "\"")
                .contains("\"publication\":\"cli_pub\"")
                .contains("\"plugin\":\"pgoutput\"")
                .contains("\"active\":false")
                .containsPattern("\"confirmed_flush_lsn\":\"[0-9A-F]+/[0-9A-F]+\"")
                .contains("\"tables\":[\"public.\\\"Mixed\\\"\",\"public.docs\"]");

        CliRun text = CliRun.of(concat(new String[] {"status"}, target));
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("plugin           pgoutput", "public.docs");

        CliRun teardown = CliRun.of(concat(new String[] {"teardown"}, target));
        assertThat(teardown.exitCode()).isZero();
        assertThat(teardown.out())
                .contains("dropped slot " + slot)
                .contains("dropped publication cli_pub");

        CliRun after = CliRun.of(concat(new String[] {"status"}, target, "--json"));
        assertThat(after.out()).contains("\"exists\":false", "\"publication_exists\":false");
        assertThat(CliRun.of(concat(new String[] {"teardown"}, target)).out())
                .contains("no slot " + slot + " to drop");
    }

    @Test
    void wrongPasswordIsOneLineWithoutThePassword() {
        String wrong = "Wrong-" + PASSWORD;
        String badDsn =
                "postgresql://cli_"
                        + suffix
                        + ":"
                        + wrong
                        + "@"
                        + PG.config().host()
                        + ":"
                        + PG.config().port()
                        + "/"
                        + PG.config().database();

        CliRun r = CliRun.of("status", "--dsn", badDsn);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith(
                        "pgstream: error: cannot connect to postgresql://cli_" + suffix + ":***@")
                .contains("password authentication failed")
                .doesNotContain(wrong)
                .doesNotContain(PASSWORD)
                .doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void unknownTableExitsWith2NamingTheTable() throws Exception {
        String slot = "cli_unknown_" + suffix;

        CliRun r =
                CliRun.of(
                        "setup",
                        "--dsn",
                        dsn,
                        "--slot",
                        slot,
                        "--table",
                        "docs",
                        "--table",
                        "public.no_such_table");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err())
                .startsWith("pgstream: error: unknown table public.no_such_table in database");
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                                        + slot
                                        + "'"))
                .isEqualTo(0L);
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun r = CliRun.of("setup", "--dsn", dsn, "--table", "public.no_such_table", "--verbose");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().findFirst()).get().asString().startsWith("pgstream: error: ");
        assertThat(r.err()).contains("PgStreamSetupException", "\tat ");
    }

    private static String[] concat(String[] first, String[] second, String... rest) {
        String[] all = new String[first.length + second.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        System.arraycopy(rest, 0, all, first.length + second.length, rest.length);
        return all;
    }
}
