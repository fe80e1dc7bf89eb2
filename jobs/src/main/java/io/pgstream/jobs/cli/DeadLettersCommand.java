package io.pgstream.jobs.cli;

import io.pgstream.connector.format.ChangeEventJson;
import io.pgstream.jobs.reconcile.DeadLetterReplay;
import io.pgstream.jobs.reconcile.VectorIndex;
import io.pgstream.jobs.sink.DeadLetter;
import io.pgstream.jobs.sink.DeadLetterTable;
import io.pgstream.jobs.templates.IndexIdentities;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.JobConfigLoader;
import io.pgstream.jobs.templates.Models;
import io.pgstream.jobs.templates.VectorStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pgstream dead-letters list|replay|purge --config job.yaml}: the way back for rows the
 * model refused. {@code list} prints one JSON object per letter; {@code replay} re-embeds each
 * dead-lettered row from its current value ({@link DeadLetterReplay}; exit code 3 while some still
 * fail); {@code purge} deletes letters, all or those {@code --before} an instant or of one {@code
 * --table}.
 */
@Command(
        name = "dead-letters",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = "List, replay or purge the rows the embedding model refused.",
        subcommands = {
            DeadLettersCommand.ListLetters.class,
            DeadLettersCommand.ReplayLetters.class,
            DeadLettersCommand.PurgeLetters.class
        })
final class DeadLettersCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "dead-letters needs one of: list, replay, purge");
    }

    /** The options every sub-command takes. */
    static class Selection {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "Job file.")
        Path config;

        @Option(
                names = "--table",
                paramLabel = "SCHEMA.TABLE",
                description = "Only the letters of this source table.")
        String table;

        JobConfig job() throws Exception {
            return JobConfigLoader.load(config);
        }

        /** The source table as letters name it: {@code schema.table}, public when unqualified. */
        String sourceTable() {
            if (table == null) {
                return null;
            }
            return table.contains(".") ? table : "public." + table;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Print the letters as JSON lines, by table, id and position.")
    static final class ListLetters implements Callable<Integer> {
        @Spec CommandSpec spec;
        @CommandLine.Mixin Selection selection;

        @Override
        public Integer call() throws Exception {
            JobConfig job = selection.job();
            PrintWriter out = spec.commandLine().getOut();
            try (Connection c = VectorStores.deadLetterDatabase(job).connect()) {
                c.setAutoCommit(true);
                new DeadLetterTable(c, job.deadLetterTable())
                        .forEach(
                                new DeadLetterTable.Filter(selection.sourceTable(), null),
                                letter -> out.println(json(letter)));
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Re-embed each dead-lettered row from its current value in the table,"
                        + " version-guarded (safe while sync runs); remove the letters that"
                        + " succeed. Prints one JSON object; exit code 3 while some still fail."
            })
    static final class ReplayLetters implements Callable<Integer> {
        @Spec CommandSpec spec;
        @CommandLine.Mixin Selection selection;

        @Option(
                names = "--page-size",
                defaultValue = "500",
                paramLabel = "N",
                description = "Rows read per query (default: ${DEFAULT-VALUE}).")
        int pageSize;

        @Override
        public Integer call() throws Exception {
            if (pageSize < 1) {
                throw new ParameterException(spec.commandLine(), "--page-size must be at least 1");
            }
            JobConfig job = selection.job();
            // a replay embeds: with the index's model only
            IndexIdentities.verify(job).ifPresent(spec.commandLine().getErr()::println);
            DeadLetterReplay.Report report;
            try (Connection c = VectorStores.deadLetterDatabase(job).connect();
                    VectorIndex index = VectorStores.index(job)) {
                c.setAutoCommit(true);
                report =
                        new DeadLetterReplay(
                                        job,
                                        index,
                                        Models.factory(job.embedding()),
                                        new DeadLetterTable(c, job.deadLetterTable()),
                                        pageSize)
                                .run(selection.sourceTable());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(report.toJson());
            out.flush();
            return report.exitCode();
        }
    }

    @Command(
            name = "purge",
            mixinStandardHelpOptions = true,
            description = "Delete letters: all, or those of --table and/or --before an instant.")
    static final class PurgeLetters implements Callable<Integer> {
        @Spec CommandSpec spec;
        @CommandLine.Mixin Selection selection;

        @Option(
                names = "--before",
                paramLabel = "WHEN",
                description = "Only letters that failed before this: 2026-12-01 or an ISO instant.")
        String before;

        @Override
        public Integer call() throws Exception {
            Instant until = before == null ? null : instant(before);
            JobConfig job = selection.job();
            int purged;
            try (Connection c = VectorStores.deadLetterDatabase(job).connect()) {
                c.setAutoCommit(true);
                purged =
                        new DeadLetterTable(c, job.deadLetterTable())
                                .purge(new DeadLetterTable.Filter(selection.sourceTable(), until));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("{\"purged\":" + purged + "}");
            out.flush();
            return 0;
        }

        private Instant instant(String text) {
            try {
                return text.length() == 10
                        ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        "invalid --before '"
                                + text
                                + "': use a date (2026-12-01) or an instant (2026-12-01T08:00:00Z)");
            }
        }
    }

    static String json(DeadLetter d) {
        StringBuilder sb = new StringBuilder("{\"source_table\":");
        ChangeEventJson.string(sb, d.sourceTable());
        sb.append(",\"id\":");
        ChangeEventJson.string(sb, d.id());
        sb.append(",\"lsn\":");
        ChangeEventJson.string(sb, d.lsn().toString());
        sb.append(",\"error\":");
        ChangeEventJson.string(sb, d.error());
        sb.append(",\"text\":");
        if (d.text() == null) {
            sb.append("null");
        } else {
            ChangeEventJson.string(sb, d.text());
        }
        sb.append(",\"failed_at\":");
        ChangeEventJson.string(sb, d.failedAt().toString());
        return sb.append('}').toString();
    }
}
