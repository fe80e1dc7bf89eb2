package io.pgstream.jobs.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code pgstream} command line ({@code bin/pgstream}): one small class per subcommand, sharing
 * {@link ConnectionOptions} and {@link SlotOptions}.
 *
 * <pre>{@code
 * pgstream setup    --dsn postgresql://app@db:5432/app --table public.docs
 * pgstream status   --json
 * pgstream teardown --force
 * }</pre>
 *
 * <p>Exit codes: 0 success, 2 the server needs fixing (the message says how), 3 {@code reconcile}
 * found drift it did not repair, 1 anything else. Errors are one line on stderr (see {@link
 * ErrorReporter}).
 */
@Command(
        name = "pgstream",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = "PostgreSQL logical replication into Apache Flink.",
        subcommands = {
            SetupCommand.class,
            StatusCommand.class,
            TeardownCommand.class,
            TailCommand.class,
            SyncCommand.class,
            ReindexCommand.class,
            SearchCommand.class,
            ReconcileCommand.class,
            DeadLettersCommand.class,
            DemoCommand.class,
            SqlCommand.class
        })
public final class PgstreamCli implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Print stack traces with errors")
    boolean verbose;

    @Override
    public Integer call() {
        List<String> commands = new ArrayList<>(spec.commandLine().getSubcommands().keySet());
        String last = commands.remove(commands.size() - 1);
        throw new ParameterException(
                spec.commandLine(),
                "missing command: " + String.join(", ", commands) + " or " + last);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line, printing to the given streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        ErrorReporter errors = new ErrorReporter();
        return new CommandLine(new PgstreamCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors)
                .execute(args);
    }

    /** The version from the jar's manifest, when built into one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PgstreamCli.class.getPackage().getImplementationVersion();
            return new String[] {"pgstream " + (v == null ? "(development build)" : v)};
        }
    }
}
