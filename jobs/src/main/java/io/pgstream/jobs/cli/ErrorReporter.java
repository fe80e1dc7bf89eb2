package io.pgstream.jobs.cli;

import io.pgstream.connector.slot.PgStreamSetupException;
import io.pgstream.jobs.embedding.EndpointUnavailableException;
import io.pgstream.jobs.sink.IndexIdentityMismatchException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into exactly one line, {@code pgstream: error: <message>}, on stderr, with
 * the exit code scripts branch on: {@value #SETUP_PROBLEM} when the server needs fixing ({@link
 * PgStreamSetupException}, {@link EndpointUnavailableException}, {@link
 * IndexIdentityMismatchException}), {@value #OTHER_ERROR} for anything else, usage errors included.
 *
 * <p>The line never holds a password: it is scrubbed of the DSN and its password as a last guard
 * behind the redaction the connector already does. Stack traces only with {@code --verbose}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    static final int OTHER_ERROR = 1;
    static final int SETUP_PROBLEM = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        Throwable cause = rootCause(e);
        report(cmd, cause instanceof Exception ? (Exception) cause : e);
        return exitCode(cause);
    }

    /**
     * {@value #SETUP_PROBLEM} for a server to fix: PostgreSQL's setup, or an embedding endpoint
     * that cannot be used (not reached, no answer, key rejected), also when a running job ended on
     * it.
     */
    static int exitCode(Throwable cause) {
        return cause instanceof PgStreamSetupException
                        || cause instanceof EndpointUnavailableException
                        || cause instanceof IndexIdentityMismatchException
                ? SETUP_PROBLEM
                : OTHER_ERROR;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        report(e.getCommandLine(), e);
        return OTHER_ERROR;
    }

    /**
     * What a person can act on: a setup problem anywhere in the chain, else the innermost cause (a
     * failed Flink job wraps the real error in several layers of "Job execution failed").
     */
    static Throwable rootCause(Throwable e) {
        Throwable innermost = e;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof PgStreamSetupException) {
                return t;
            }
            innermost = t;
        }
        return innermost == e || innermost.getMessage() == null ? e : innermost;
    }

    private static void report(CommandLine cmd, Exception e) {
        PrintWriter err = cmd.getErr();
        err.println("pgstream: error: " + oneLine(scrub(message(e), secrets(cmd))));
        if (verbose(cmd)) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    private static String message(Exception e) {
        if (e instanceof UnmatchedArgumentException u && unknownCommand(u)) {
            return "unknown command '"
                    + u.getUnmatched().get(0)
                    + "': use one of "
                    + String.join(", ", u.getCommandLine().getSubcommands().keySet())
                    + " (see pgstream --help)";
        }
        if (e instanceof ParameterException) {
            String help = e.getMessage();
            return help
                    + " (see "
                    + commandName(((ParameterException) e).getCommandLine())
                    + " --help)";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : m;
    }

    /** A word where the top level expects a command, rather than a stray option. */
    private static boolean unknownCommand(UnmatchedArgumentException e) {
        CommandLine cmd = e.getCommandLine();
        return cmd.getParent() == null
                && !cmd.getSubcommands().isEmpty()
                && !e.getUnmatched().isEmpty()
                && !e.getUnmatched().get(0).startsWith("-");
    }

    private static String commandName(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName();
    }

    static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    static String scrub(String message, List<String> secrets) {
        String result = message;
        for (String secret : secrets) {
            result = result.replace(secret, "***");
        }
        return result;
    }

    /**
     * Secrets of the command that ran (or failed to parse): whichever of them has a DSN, and the
     * values a SQL script's {@code ${NAME}} expanded to.
     */
    private static List<String> secrets(CommandLine cmd) {
        List<String> secrets = new ArrayList<>();
        for (CommandLine c = cmd; c != null; c = c.getParent()) {
            if (c.getCommand() instanceof SqlCommand sql) {
                secrets.addAll(sql.secrets());
            }
            for (Object mixin : c.getMixins().values()) {
                if (mixin instanceof ConnectionOptions) {
                    secrets.addAll(((ConnectionOptions) mixin).secrets());
                }
            }
        }
        return secrets;
    }

    private static boolean verbose(CommandLine cmd) {
        CommandLine root = cmd;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof PgstreamCli
                && ((PgstreamCli) root.getCommand()).verbose;
    }
}
