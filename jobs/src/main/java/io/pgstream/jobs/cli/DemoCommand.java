package io.pgstream.jobs.cli;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.jobs.demo.DemoData;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.JobConfigLoader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgstream demo}: the product in one command. Creates {@code public.documents} with a few
 * hundred sample articles (when missing), writes the job file {@code .pgstream/demo.yaml}, prints
 * what to try, and runs the sync job (local model into pgvector) with backfill progress and the
 * Flink web UI. {@code bin/pgstream demo} starts the project's PostgreSQL first.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Sample table + sync job (local model into pgvector), streaming until interrupted.",
            "bin/pgstream demo starts the project's own PostgreSQL when no DSN is given."
        })
final class DemoCommand implements Callable<Integer> {

    static final Path JOB_FILE = Path.of(".pgstream", "demo.yaml");

    @Spec CommandSpec spec;

    @Mixin ConnectionOptions connection;

    @Option(names = "--rows", defaultValue = "300", description = "Sample rows (default: 300).")
    int rows;

    @Option(
            names = "--web-ui",
            paramLabel = "PORT",
            defaultValue = "8081",
            description = "Flink web UI port, 0 for none (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(names = "--no-progress", description = "No status line on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PgConnectionConfig db = connection.config();
        PrintWriter err = spec.commandLine().getErr();
        int count;
        try (Connection c = db.connect()) {
            count = DemoData.create(c, rows);
        }
        // A DSN with a password stays out of the file: the file then reads it from the
        // environment, as the README recommends for real jobs.
        boolean secret = db.redacted().contains(":***@");
        String dsnInFile = secret ? "${PGSTREAM_DSN}" : connection.dsn;
        String yaml = jobFile(dsnInFile);
        Files.createDirectories(JOB_FILE.getParent());
        Files.writeString(JOB_FILE, yaml, StandardCharsets.UTF_8);
        JobConfig job =
                JobConfigLoader.parse(
                        yaml, JOB_FILE.toString(), Map.of("PGSTREAM_DSN", connection.dsn)::get);
        err.printf(
                "pgstream demo: %s has %d rows; job file %s (local model -> pgvector"
                        + " public.documents_vectors)%n",
                DemoData.TABLE, count, JOB_FILE);
        err.println("Try, in another terminal, once the backfill is done:");
        err.println("  bin/pgstream search --config " + JOB_FILE + " \"replication lag alerts\"");
        err.println(
                "  psql \""
                        + db.redacted()
                        + "\" -c \"INSERT INTO documents (id, title, content, category) VALUES"
                        + " (1001, 'Kafka or Flink?', 'Choosing a stream processor for"
                        + " change data capture.', 'streaming')\"");
        err.println("  bin/pgstream search --config " + JOB_FILE + " \"stream processor for CDC\"");
        err.flush();
        SyncCommand.run(
                job, webUiPort, noProgress ? null : SyncCommand.DEFAULT_STATUS_INTERVAL, err);
        return 0;
    }

    static String jobFile(String dsn) {
        return String.join(
                "\n",
                "# Written by pgstream demo; run it again with: bin/pgstream sync --config "
                        + JOB_FILE,
                "source:",
                "  dsn: '" + dsn.replace("'", "''") + "'",
                "  tables: [public.documents]",
                "  slot: pgstream_demo",
                "  publication: pgstream_demo_pub",
                "  startup-mode: initial",
                "embedding:",
                "  model: local",
                "  template: \"{title}\\n\\n{content}\"",
                "sink:",
                "  type: pgvector",
                "  table: public.documents_vectors",
                "checkpoint:",
                "  interval: 5s",
                "  dir: .pgstream/checkpoints/demo",
                "");
    }
}
