package io.pgstream.jobs.cli;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.SlotManager;
import io.pgstream.jobs.status.RunMetrics;
import io.pgstream.jobs.status.SlotLag;
import io.pgstream.jobs.status.StatusMetricReporterFactory;
import io.pgstream.jobs.status.StatusPrinter;
import io.pgstream.jobs.templates.CheckpointLocator;
import io.pgstream.jobs.templates.EndpointChecks;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.JobConfigLoader;
import io.pgstream.jobs.templates.StartupChoice;
import io.pgstream.jobs.templates.SyncJob;
import io.pgstream.jobs.templates.VectorStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pgstream sync --config job.yaml}: the sync job on an embedded mini-cluster, checkpointing
 * into {@code checkpoint.dir} and resuming from the newest completed checkpoint there, so a crash,
 * a SIGKILL or Ctrl-C followed by the same command continues where it stopped (nothing lost, and
 * the version-guarded sink keeps replays from duplicating or regressing vectors).
 */
@Command(
        name = "sync",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Keep a vector index equal to PostgreSQL tables (runs until interrupted).",
            "Resumes from the newest checkpoint in checkpoint.dir."
        })
final class SyncCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(SyncCommand.class);

    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The job file (YAML; see the README's 'Job file').")
    Path config;

    @Option(
            names = "--web-ui",
            paramLabel = "PORT",
            description = "Serve Flink's web UI on this port (0: none; default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int webUiPort;

    /** How often the status line is printed unless the command line says otherwise. */
    static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(5);

    @Option(
            names = "--no-progress",
            description =
                    "No status line on stderr (docs/operations.md: 'The status line of pgstream"
                            + " sync').")
    boolean noProgress;

    @Option(
            names = "--status-interval",
            paramLabel = "<duration>",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description =
                    "How often the status line (phase, backfill %%, rows written, freshness,"
                            + " embedded/skipped, slot lag) is printed on stderr: a duration such"
                            + " as 200ms, 5s or 1m (default: ${DEFAULT-VALUE}).")
    Duration statusInterval;

    @Option(
            names = "--startup-mode",
            paramLabel = "<mode>",
            description =
                    "Overrides source.startup-mode: initial, latest, snapshot-only or lsn:X/Y."
                            + " A run that resumes from a checkpoint continues from there.")
    String startupMode;

    @Override
    public Integer call() throws Exception {
        StartupChoice choice = null;
        if (startupMode != null) {
            try {
                choice = StartupChoice.parse(startupMode);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "invalid --startup-mode: " + e.getMessage());
            }
        }
        JobConfig job = JobConfigLoader.load(config);
        if (choice != null) {
            job = job.withStartup(choice);
        }
        run(job, webUiPort, noProgress ? null : statusInterval, spec.commandLine().getErr());
        return 0;
    }

    /**
     * Prepares slot, publication and index, then runs the job until it ends or fails, printing the
     * status line every {@code statusInterval} (null: never).
     */
    static void run(JobConfig job, int webUiPort, Duration statusInterval, PrintWriter err)
            throws Exception {
        Prepared p = prepare(job, webUiPort, statusInterval != null, err);
        StatusPrinter status =
                statusInterval == null
                        ? null
                        : StatusPrinter.start(
                                RunMetrics.of(p.runId()),
                                new SlotLag(
                                        PgConnectionConfig.parse(job.source().dsn()),
                                        job.source().slot(),
                                        job.source().publication()),
                                statusInterval,
                                err);
        try {
            p.env().execute(SyncJob.jobName(job));
        } finally {
            if (status != null) {
                status.close();
            }
            RunMetrics.forget(p.runId());
        }
        LOG.info("sync job ended");
    }

    /** A sync job ready to execute; {@code runId} names its figures in {@link RunMetrics}. */
    record Prepared(StreamExecutionEnvironment env, String runId) {}

    /**
     * Checks endpoints, slot, tables and index, prepares slot, publication and index, and builds
     * the job on a mini-cluster environment resuming from the newest checkpoint; {@code metrics}:
     * whether its figures are collected for {@link RunMetrics}.
     */
    static Prepared prepare(JobConfig job, int webUiPort, boolean metrics, PrintWriter err)
            throws Exception {
        Path checkpoints = CheckpointDirectory.prepare(job.checkpoint().dir());
        // Setup problems surface here, as one line with exit code 2, not from inside a job;
        // endpoints first, so nothing is created on the server for a job that cannot run.
        EndpointChecks.check(job);
        PgConnectionConfig source = PgConnectionConfig.parse(job.source().dsn());
        new SlotManager(source).requireNotInUse(job.source().slot(), "source.slot");

        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, job.checkpoint().interval());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
        job.restart().applyTo(conf);
        Optional<Path> resume = CheckpointLocator.latest(checkpoints);
        resume.ifPresent(
                chk -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, chk.toUri().toString()));
        String runId = UUID.randomUUID().toString();
        if (metrics) {
            StatusMetricReporterFactory.configure(conf, runId);
        }
        StreamExecutionEnvironment env;
        if (webUiPort > 0) {
            conf.set(RestOptions.PORT, webUiPort);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            env.setParallelism(job.parallelism());
        } else {
            conf.set(RestOptions.BIND_PORT, "0");
            env = StreamExecutionEnvironment.createLocalEnvironment(job.parallelism(), conf);
        }
        // Everything that can refuse the job is checked before the slot exists: a slot left
        // behind by a job that never ran would retain WAL until someone drops it.
        SyncJob.build(env, job); // the tables against the job file
        VectorStores.prepare(job).ifPresent(err::println);
        SlotManager.prepareFor(
                source, job.source().slot(), job.source().publication(), job.source().tables());
        if (resume.isPresent()) {
            err.println("pgstream: resuming from checkpoint " + resume.get());
        } else {
            err.println("pgstream: no checkpoint in " + checkpoints + "; starting fresh");
        }
        if (webUiPort > 0) {
            err.println("pgstream: Flink web UI on http://localhost:" + webUiPort);
        }
        err.flush();
        return new Prepared(env, runId);
    }
}
