package io.pgstream.jobs.cli;

import io.pgstream.connector.format.ChangeEventJson;
import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.status.RunMetrics;
import io.pgstream.jobs.status.StatusFigures;
import io.pgstream.jobs.templates.CatchUp;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.JobConfigException;
import io.pgstream.jobs.templates.JobConfigLoader;
import io.pgstream.jobs.templates.SyncJob;
import io.pgstream.jobs.templates.VectorStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgstream reindex --config new-job.yaml}: a new index built beside the live one (another
 * model or template allowed), then switched to. It runs the new job file's sync (its own slot: a
 * snapshot, then the stream) into its {@code sink.table} or {@code sink.collection}, without its
 * alias; once that index has caught up ({@link CatchUp}) {@code sink.alias} is pointed at it in one
 * step (the view in one transaction, the Qdrant alias in one {@code UpdateCollectionAliases}
 * request), so searches of the alias go from the complete old index to the complete new one. Then
 * it goes on as the live sync, or ends with {@code --exit-after-switch}. The old index and slot are
 * left to the person to drop (docs/operations.md).
 */
@Command(
        name = "reindex",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Build a new index (pgvector table or Qdrant collection) beside the live one from a"
                    + " new job file, switch"
                    + " sink.alias to it once caught up, then keep it in sync.",
            "Prints {\"switched\":true,...} on stdout at the switch."
        })
final class ReindexCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description =
                    "The new job file: its own slot, sink.table (or sink.collection) and the"
                            + " same sink.alias.")
    Path config;

    @Option(
            names = "--exit-after-switch",
            description = "End once the alias is switched (a later sync resumes the new job).")
    boolean exitAfterSwitch;

    @Option(
            names = "--check-interval",
            paramLabel = "<duration>",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "How often progress is checked and printed (default: ${DEFAULT-VALUE}).")
    Duration checkInterval;

    @Override
    public Integer call() throws Exception {
        JobConfig job = JobConfigLoader.load(config);
        if (job.sink().alias() == null) {
            throw new JobConfigException(
                    "sink.alias: pgstream reindex needs the name searches use (e.g."
                            + " public.documents_search, or a Qdrant alias) in the new job file");
        }
        PrintWriter err = spec.commandLine().getErr();
        SyncCommand.Prepared p = SyncCommand.prepare(job.withoutAlias(), 0, true, err);
        JobClient client = p.env().executeAsync(SyncJob.jobName(job));
        try {
            awaitCatchUp(job, client, p.runId(), err);
            VectorStores.switchAlias(job);
            PrintWriter out = spec.commandLine().getOut();
            out.println(switched(job));
            out.flush();
            if (exitAfterSwitch) {
                client.cancel().get();
            } else {
                client.getJobExecutionResult().get();
            }
        } finally {
            RunMetrics.forget(p.runId());
        }
        return 0;
    }

    private void awaitCatchUp(JobConfig job, JobClient client, String runId, PrintWriter err)
            throws Exception {
        CatchUp catchUp = new CatchUp(job);
        while (true) {
            if (client.getJobStatus().get().isGloballyTerminalState()) {
                client.getJobExecutionResult().get(); // its failure, if it failed
                throw new IllegalStateException("the reindex job ended before its index caught up");
            }
            StatusFigures f = RunMetrics.of(runId).figures(null);
            CatchUp.Check c = catchUp.check(f.phase() == StatusFigures.Phase.STREAMING);
            err.println(progress(job, f, c));
            err.flush();
            if (c.caughtUp()) {
                return;
            }
            Thread.sleep(checkInterval.toMillis());
        }
    }

    /** The new index: its {@code sink.table} (pgvector) or {@code sink.collection} (Qdrant). */
    private static String index(JobConfig job) {
        return job.sink().type() == SinkOptions.Type.PGVECTOR
                ? job.sink().table()
                : job.sink().collection();
    }

    /**
     * {@code pgstream: reindex public.docs_v2: backfill, 1200 written; slot 0/16B3F10 of
     * 0/16B4000}.
     */
    static String progress(JobConfig job, StatusFigures f, CatchUp.Check c) {
        return "pgstream: reindex "
                + index(job)
                + ": "
                + f.phase().name().toLowerCase(Locale.ROOT)
                + ", "
                + (f.written() == null ? 0 : f.written())
                + " written; slot "
                + (c.confirmed() == null ? "?" : c.confirmed())
                + (c.target() == null ? "" : " of " + c.target())
                + (c.caughtUp() ? "; caught up" : "");
    }

    /**
     * {@code {"switched":true,"alias":…,"table":…}}; for Qdrant the last key is {@code collection}:
     * each is named after the job-file key it repeats.
     */
    static String switched(JobConfig job) {
        StringBuilder sb = new StringBuilder("{\"switched\":true,\"alias\":");
        ChangeEventJson.string(sb, job.sink().alias());
        sb.append(
                job.sink().type() == SinkOptions.Type.PGVECTOR
                        ? ",\"table\":"
                        : ",\"collection\":");
        ChangeEventJson.string(sb, index(job));
        return sb.append('}').toString();
    }
}
