package io.pgstream.jobs.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pgstream sql -f script.sql}: runs a Flink SQL script (DDL, {@code INSERT INTO ...}, {@code
 * SELECT ...}) on an embedded mini-cluster, so SQL users need no Java project.
 *
 * <p>Statements run in order. A query prints its changelog on stdout, one row per line as Flink
 * writes it ({@code +I[a, 1]}, {@code -U[...]}, {@code +U[...]}, {@code -D[...]}); an {@code
 * INSERT} waits for its job (forever, for an unbounded source). Logs go to stderr. Checkpoints run
 * every second, so {@code pgstream} slots are acknowledged as in any job; with {@code
 * --checkpoint-dir} they are kept, and a rerun resumes ({@link SqlCheckpoints}).
 *
 * <p>{@code ${NAME}} is expanded from the environment, as in job files, so secrets stay out of the
 * script. Every expanded value is a secret to {@link ErrorReporter}: messages quote statements and
 * table options.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Run a Flink SQL script on an embedded mini-cluster.",
            "SELECT results are printed as a changelog: +I[...], -U[...], +U[...], -D[...]."
        })
final class SqlCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "<file.sql>",
            description = "The script; statements end with ';'")
    Path file;

    @Option(
            names = "--max-rows",
            paramLabel = "<n>",
            description = "Stop a query after printing this many rows (and exit 0 at the end)")
    Long maxRows;

    @Option(
            names = "--parallelism",
            paramLabel = "<n>",
            defaultValue = "1",
            description = "Default parallelism of the jobs; default: ${DEFAULT-VALUE}")
    int parallelism;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "<dir>",
            description = {
                "Keep each INSERT's checkpoints in a sub-folder of this one; a rerun of the",
                "script resumes each INSERT from its newest completed checkpoint"
            })
    Path checkpointDir;

    /** The values {@code ${NAME}} expanded to, once the script is read. */
    private final List<String> secrets = new ArrayList<>();

    /** Text never to print: the expanded values (three characters and longer) and DSN passwords. */
    List<String> secrets() {
        List<String> out = new ArrayList<>();
        for (String value : secrets) {
            if (value.strip().length() >= 3) {
                out.addAll(ConnectionOptions.secretsOf(value));
                out.add(value.strip());
            }
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "cannot read --file " + file);
        }
        if (maxRows != null && maxRows <= 0) {
            throw new ParameterException(spec.commandLine(), "--max-rows must be positive");
        }
        List<SqlScript.Statement> statements =
                SqlScript.statements(Files.readString(file, StandardCharsets.UTF_8));
        List<String> expanded = new ArrayList<>();
        Function<String, String> env =
                name -> {
                    String value = System.getenv(name);
                    if (value != null) {
                        secrets.add(value);
                    }
                    return value;
                };
        for (SqlScript.Statement statement : statements) {
            expanded.add(statement.expanded(env, file.toString()));
        }
        SqlCheckpoints checkpoints =
                checkpointDir == null
                        ? null
                        : new SqlCheckpoints(
                                CheckpointDirectory.prepare(
                                        checkpointDir.toString(),
                                        "--checkpoint-dir",
                                        "pass --checkpoint-dir"));
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        conf.setString("execution.checkpointing.interval", "1 s");
        conf.setString("parallelism.default", Integer.toString(parallelism));
        TableEnvironment tables =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inStreamingMode()
                                .withConfiguration(conf)
                                .build());
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < statements.size(); i++) {
            if (checkpoints != null) {
                checkpoints.configure(
                        tables.getConfig(), statements.get(i), spec.commandLine().getErr());
            }
            TableResult result = tables.executeSql(expanded.get(i));
            if (isQuery(expanded.get(i))) {
                print(result, out);
            } else if (result.getJobClient().isPresent()) {
                result.await();
            } else if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                print(result, out); // SHOW TABLES, EXPLAIN, DESCRIBE, ...
            }
        }
        return 0;
    }

    private void print(TableResult result, PrintWriter out) throws Exception {
        long printed = 0;
        try (CloseableIterator<Row> rows = result.collect()) {
            while ((maxRows == null || printed < maxRows) && rows.hasNext()) {
                out.println(rows.next());
                out.flush();
                printed++;
            }
        }
    }

    private static boolean isQuery(String statement) {
        String s = statement.stripLeading().toUpperCase(Locale.ROOT);
        return s.startsWith("SELECT") || s.startsWith("WITH") || s.startsWith("VALUES");
    }
}
