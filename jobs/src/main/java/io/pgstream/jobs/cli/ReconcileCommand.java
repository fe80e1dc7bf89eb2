package io.pgstream.jobs.cli;

import io.pgstream.jobs.reconcile.ReconcileReport;
import io.pgstream.jobs.reconcile.Reconciler;
import io.pgstream.jobs.reconcile.VectorIndex;
import io.pgstream.jobs.templates.IndexIdentities;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.JobConfigLoader;
import io.pgstream.jobs.templates.Models;
import io.pgstream.jobs.templates.VectorStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pgstream reconcile --config job.yaml [--repair]}: compares the job's index with its tables
 * and prints one JSON object ({@code rows, vectors, missing, orphaned, stale, repaired}, more
 * counts, and a {@code tables} array); progress goes to stderr. Exit code 0 when the index matches
 * the tables (after the repair, with {@code --repair}), 3 when drift was found and not repaired, 2
 * (as {@code sync}) when the index records another model or template than the job file. Safe while
 * {@code sync} runs: repairs are version-guarded (see {@link Reconciler}).
 */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Compare the job's vector index with its tables: rows without vectors (missing),"
                    + " vectors without rows (orphaned), vectors of an older text (stale). Prints"
                    + " one JSON object; exit code 0 in sync, 3 drift found and not repaired.",
            "With --repair: delete orphans and re-embed missing and stale rows, version-guarded,"
                    + " so it is safe while sync runs."
        })
final class ReconcileCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Job file.")
    Path config;

    @Option(names = "--repair", description = "Fix the drift found.")
    boolean repair;

    @Option(
            names = "--page-size",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Rows (and vectors) read per query (default: ${DEFAULT-VALUE}).")
    int pageSize;

    @Option(names = "--no-progress", description = "No progress lines on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (pageSize < 1) {
            throw new ParameterException(spec.commandLine(), "--page-size must be at least 1");
        }
        JobConfig job = JobConfigLoader.load(config);
        if (repair) {
            // a repair embeds: with the index's model only
            IndexIdentities.verify(job).ifPresent(spec.commandLine().getErr()::println);
        } else {
            // against another model's index every row would count as stale: say why instead
            IndexIdentities.check(job);
        }
        ReconcileReport report;
        try (VectorIndex index = VectorStores.index(job)) {
            report =
                    new Reconciler(
                                    job,
                                    index,
                                    Models.factory(job.embedding()),
                                    pageSize,
                                    repair,
                                    noProgress ? null : spec.commandLine().getErr())
                            .run();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(report.toJson());
        out.flush();
        return report.exitCode();
    }
}
