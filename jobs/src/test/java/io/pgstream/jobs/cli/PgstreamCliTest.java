package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgstream.jobs.templates.SourceOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Visibility;

/** The command line's argument handling, without a server. */
class PgstreamCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return PgstreamCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingDsnIsOneLineNamingTheEnvironmentVariable() {
        assumeTrue(System.getenv("PGSTREAM_DSN") == null, "PGSTREAM_DSN is set");

        assertThat(run("status")).isEqualTo(1);
        assertThat(err())
                .isEqualTo(
                        "pgstream: error: no DSN: pass --dsn postgresql://user@host:port/db or set"
                                + " PGSTREAM_DSN"
                                + System.lineSeparator());
    }

    @Test
    void setupRequiresATable() {
        assertThat(run("setup", "--dsn", "postgresql://u@h/db")).isEqualTo(1);
        assertThat(err()).startsWith("pgstream: error: Missing required option: '--table");
        assertThat(err().strip().lines()).hasSize(1);
    }

    @Test
    void unknownStartupModeIsAUsageError() {
        assertThat(run("tail", "--dsn", "postgresql://u@h/db", "--startup-mode", "sometimes"))
                .isEqualTo(1);
        assertThat(err())
                .startsWith(
                        "pgstream: error: invalid --startup-mode: unknown value 'sometimes';"
                                + " allowed: initial, latest, snapshot-only, lsn:X/Y");
        assertThat(run("tail", "--dsn", "postgresql://u@h/db", "--startup-mode", "lsn:nope"))
                .isEqualTo(1);
        // sync takes the same values, and refuses before it reads anything from its job file.
        err.reset();
        assertThat(run("sync", "--config", "missing.yaml", "--startup-mode", "sometimes"))
                .isEqualTo(1);
        assertThat(err()).startsWith("pgstream: error: invalid --startup-mode: unknown value");
    }

    @Test
    void aStatusIntervalMustBeAPositiveDuration() {
        assertThat(run("sync", "--config", "missing.yaml", "--status-interval", "often"))
                .isEqualTo(1);
        assertThat(err())
                .startsWith(
                        "pgstream: error: Invalid value for option '--status-interval': 'often'"
                                + " is not a duration (write it like 200ms, 5s or 1m)");
        err.reset();
        assertThat(run("sync", "--config", "missing.yaml", "--status-interval", "0ms"))
                .isEqualTo(1);
        assertThat(err()).contains("'0ms' must be longer than 0");
    }

    @Test
    void syncHelpNamesTheStatusLineFlags() {
        assertThat(run("sync", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--status-interval=<duration>", "--no-progress")
                .doesNotContain("%%");
    }

    @Test
    void malformedTableIsAUsageError() {
        assertThat(run("setup", "--dsn", "postgresql://u@h/db", "--table", "a.b.c")).isEqualTo(1);
        assertThat(err()).startsWith("pgstream: error: invalid --table: Table name 'a.b.c'");
    }

    @Test
    void unparseableDsnNeverEchoesItsPassword() {
        assertThat(run("status", "--dsn", "mysql://me:Top-Secret-1@h/db")).isEqualTo(1);
        assertThat(err()).startsWith("pgstream: error: ").doesNotContain("Top-Secret-1");
    }

    @Test
    void scrubbingHidesPasswordsButKeepsADsnWithoutOne() {
        ConnectionOptions withPassword = new ConnectionOptions();
        withPassword.dsn = "postgresql://me:Top-Secret-1@h/db";
        assertThat(
                        ErrorReporter.scrub(
                                "bad postgresql://me:Top-Secret-1@h/db and Top-Secret-1",
                                withPassword.secrets()))
                .isEqualTo("bad *** and ***");

        ConnectionOptions without = new ConnectionOptions();
        without.dsn = "postgresql://me@h/db";
        assertThat(ErrorReporter.scrub("cannot connect to postgresql://me@h/db", without.secrets()))
                .isEqualTo("cannot connect to postgresql://me@h/db");
    }

    @Test
    void invalidSlotNameSaysWhy() {
        assertThat(
                        run(
                                "setup",
                                "--dsn",
                                "postgresql://u@h/db",
                                "--slot",
                                "My-Slot",
                                "--table",
                                "t"))
                .isEqualTo(1);
        assertThat(err()).contains("Invalid replication slot name 'My-Slot'");
    }

    @Test
    void missingCommandIsAUsageError() {
        assertThat(run()).isEqualTo(1);
        assertThat(err())
                .startsWith(
                        "pgstream: error: missing command: setup, status, teardown, tail, sync, reindex, search, reconcile, dead-letters, demo or sql");
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("setup", "status", "teardown");
        out.reset();
        assertThat(run("setup", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--table", "--dsn", "default: $PGSTREAM_DSN");
    }

    @Test
    void helpNeverShowsTheDsnFromTheEnvironment() {
        CommandLine cli = new CommandLine(new PgstreamCli());
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommandSpec().findOption("--dsn") == null) {
                continue; // sql, sync, search: connections are in the script or job file
            }
            assertThat(sub.getCommandSpec().findOption("--dsn").showDefaultValue())
                    .as(sub.getCommandName())
                    .isEqualTo(Visibility.NEVER);
        }
    }

    /**
     * The slot-managing commands default to the slot a job file without {@code source.slot} reads;
     * {@code tail} has its own, so it never takes a running job's.
     */
    @Test
    void slotDefaultsAreTheJobFilesExceptForTail() {
        CommandLine cli = new CommandLine(new PgstreamCli());
        String jobSlot = SourceOptions.SLOT.defaultValue();
        for (String command : List.of("setup", "status", "teardown")) {
            CommandLine sub = cli.getSubcommands().get(command);
            assertThat(sub.getCommandSpec().findOption("--slot").defaultValue())
                    .as(command)
                    .isEqualTo(jobSlot);
            assertThat(sub.getCommandSpec().findOption("--publication").defaultValue())
                    .as(command)
                    .isEqualTo(jobSlot + "_pub");
        }
        CommandLine tail = cli.getSubcommands().get("tail");
        assertThat(tail.getCommandSpec().findOption("--slot").defaultValue())
                .isEqualTo("pgstream_tail")
                .isNotEqualTo(jobSlot);
        assertThat(tail.getCommandSpec().findOption("--publication").defaultValue())
                .isEqualTo(jobSlot + "_pub");
    }
}
