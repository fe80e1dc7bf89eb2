package io.pgstream.jobs.cli;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.format.ChangeEventJson;
import io.pgstream.connector.slot.ServerCatalog;
import io.pgstream.connector.slot.SlotManager;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.TableStatistics;
import io.pgstream.connector.source.PostgresSource;
import io.pgstream.connector.source.PostgresSourceBuilder;
import io.pgstream.connector.source.PostgresSourceOptions;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.jobs.templates.StartupChoice;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pgstream tail}: the source on an embedded Flink mini-cluster, one JSON object per change
 * on stdout in commit order (the contract is in the README), logs on stderr.
 *
 * <p>Checkpoints run every second and the slot is acknowledged when one completes, as in any job; a
 * change is printed only once a checkpoint covers it, so nothing printed is ever printed again by
 * the next {@code tail}. When {@code --max-events} cuts a run short, changes that the last
 * checkpoint covered beyond the ones printed count as read: give {@code tail} its own slot (default
 * {@link #DEFAULT_SLOT}) rather than a production job's.
 *
 * <p>It is over 300 lines because it is a small program of its own: its options, the mini-cluster
 * job, the snapshot progress line on a terminal, and waiting for the slot to acknowledge what was
 * printed.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Print changes as JSON lines, in commit order, until interrupted.",
            "Creates the publication and slot when missing, as setup does."
        })
final class TailCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TailCommand.class);

    /**
     * {@code tail}'s own default slot, not the sync job's {@link
     * PostgresSourceOptions#DEFAULT_SLOT_NAME}: a slot has one consumer, so a {@code tail} next to
     * a running {@code sync} must not take (or advance) its slot. Same prefix, own suffix.
     */
    static final String DEFAULT_SLOT = PostgresSourceOptions.SLOT_NAME_PREFIX + "tail";

    @Spec CommandSpec spec;

    @Mixin ConnectionOptions connection;

    @Option(
            names = "--slot",
            paramLabel = "<name>",
            defaultValue = DEFAULT_SLOT,
            description = "Replication slot ([a-z0-9_]); default: ${DEFAULT-VALUE}")
    String slot;

    @Mixin PublicationOption publication;

    @Option(
            names = "--table",
            paramLabel = "<schema.table>",
            description = "Table to publish when the publication is created (repeatable)")
    List<String> tables = new ArrayList<>();

    @Option(
            names = "--startup-mode",
            paramLabel = "<mode>",
            defaultValue = "initial",
            description =
                    "initial (existing rows as read events, then changes), latest (changes"
                            + " only), snapshot-only, or lsn:X/Y (changes committed from X/Y"
                            + " on); default: ${DEFAULT-VALUE}")
    String startupModeText;

    private StartupMode startupMode;

    @Option(
            names = "--max-events",
            paramLabel = "<n>",
            description = "Exit 0 after printing this many changes")
    Long maxEvents;

    @Option(
            names = "--idle-exit",
            paramLabel = "<seconds>",
            description = "Exit 0 after this many seconds without a new change")
    Long idleExitSeconds;

    @Option(
            names = "--print-at-once",
            description =
                    "Print each change as soon as it is read instead of once a checkpoint covers"
                            + " it (milliseconds instead of up to a second). At-least-once: after"
                            + " a crash or kill, the next tail on the slot prints the changes"
                            + " since the last checkpoint again.")
    boolean printAtOnce;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "<ms>",
            defaultValue = "1000",
            description =
                    "Milliseconds between checkpoints, which acknowledge the slot (and release"
                            + " changes without --print-at-once); default: ${DEFAULT-VALUE}")
    long checkpointMillis;

    @Option(
            names = "--no-progress",
            description = "No snapshot progress line on stderr (it is drawn only on a terminal)")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        for (String t : tables) {
            try {
                TableId.parse(t);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "invalid --table: " + e.getMessage());
            }
        }
        Lsn startLsn;
        try {
            StartupChoice choice = StartupChoice.parse(startupModeText);
            startupMode = choice.mode();
            startLsn = choice.lsn();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(), "invalid --startup-mode: " + e.getMessage());
        }
        if (maxEvents != null && maxEvents <= 0) {
            throw new ParameterException(spec.commandLine(), "--max-events must be positive");
        }
        if (idleExitSeconds != null && idleExitSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "--idle-exit must be positive");
        }
        // Setup problems surface here, as one line with exit code 2, not from inside a job.
        new SlotManager(connection.config()).requireNotInUse(slot, "--slot");
        SlotManager.prepareFor(connection.config(), slot, publication.name, tables);
        PostgresSourceBuilder<ChangeEvent> builder =
                PostgresSource.<ChangeEvent>builder()
                        .connection(connection.config())
                        .slotName(slot)
                        .publicationName(publication.name)
                        .tables(tables.toArray(String[]::new))
                        .startupMode(startupMode)
                        .deserializer(ChangeEventDeserializationSchema.changeEvents());
        if (startLsn != null) {
            builder.startAtLsn(startLsn);
        }
        PostgresSource<ChangeEvent> source = builder.build();
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        if (checkpointMillis < 10) {
            throw new ParameterException(
                    spec.commandLine(), "--checkpoint-interval must be at least 10 ms");
        }
        env.enableCheckpointing(checkpointMillis);
        StreamPathWarmUpThread.start();
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        Lsn lastPrinted = null;
        try (CloseableIterator<ChangeEvent> changes = changes(env, source)) {
            IdleTimer idle = new IdleTimer(changes, idleExitSeconds);
            SnapshotProgress progress = progress();
            ChangeEvent e;
            while ((maxEvents == null || printed < maxEvents) && (e = idle.next()) != null) {
                if (progress != null) {
                    if (e.operation() == Operation.READ) {
                        progress.row(e.schema() + "." + e.table(), System.currentTimeMillis());
                    } else {
                        progress.finish();
                    }
                }
                out.println(ChangeEventJson.toJson(e));
                out.flush();
                printed++;
                lastPrinted = e.commitLsn();
            }
            if (progress != null) {
                progress.finish();
            }
            if (lastPrinted != null && !printAtOnce) {
                awaitAcknowledged(lastPrinted);
            }
        }
        return 0;
    }

    /**
     * By default Flink's collect sink, which releases a change once a checkpoint covers it; with
     * {@code --print-at-once}, a sink that hands it over at once.
     */
    private CloseableIterator<ChangeEvent> changes(
            StreamExecutionEnvironment env, PostgresSource<ChangeEvent> source) throws Exception {
        var stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "postgres");
        if (!printAtOnce) {
            return stream.executeAndCollect("pgstream tail");
        }
        ImmediateCollectSink sink = new ImmediateCollectSink();
        stream.sinkTo(sink).name("print at once");
        return sink.changes(env.executeAsync("pgstream tail"));
    }

    /** A progress line on stderr while the snapshot runs, when stderr is a terminal. */
    private SnapshotProgress progress() {
        if (noProgress || !stderrIsTerminal() || startupMode == StartupMode.LATEST) {
            return null;
        }
        return new SnapshotProgress(spec.commandLine().getErr(), this::estimatedRows, 250);
    }

    /** stdout is usually piped (to jq, say); what matters is whether stderr is a terminal. */
    private static boolean stderrIsTerminal() {
        try {
            String target =
                    java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2"))
                            .toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    private long estimatedRows(String table) {
        try (Connection c = connection.config().connect()) {
            return TableStatistics.estimatedRows(c, TableId.parse(table));
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * A change is printed once a checkpoint covers it, but the slot hears of that checkpoint a
     * moment later; leaving before then would make the next {@code tail} print it again.
     */
    private void awaitAcknowledged(Lsn commitLsn) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = connection.config().connect()) {
            while (System.nanoTime() < deadline) {
                String confirmed = ServerCatalog.confirmedFlushLsn(c, slot);
                // Past the commit record, not at it: at it, the server would send that
                // transaction again.
                if (confirmed != null && Lsn.parse(confirmed).compareTo(commitLsn) > 0) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        LOG.warn(
                "slot {} did not confirm {} within 30 s; the next tail may print the last changes"
                        + " again",
                slot,
                commitLsn);
    }

    /**
     * Reads the next change, or null once {@code --idle-exit} seconds pass without one. The collect
     * iterator blocks, so it is read on a helper thread.
     */
    private static final class IdleTimer {
        private static final Object END = new Object();
        private final SynchronousQueue<Object> handoff = new SynchronousQueue<>();
        private final Long idleSeconds;

        IdleTimer(CloseableIterator<ChangeEvent> changes, Long idleSeconds) {
            this.idleSeconds = idleSeconds;
            Thread reader =
                    new Thread(
                            () -> {
                                try {
                                    while (changes.hasNext()) {
                                        handoff.put(changes.next());
                                    }
                                    handoff.put(END);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                } catch (RuntimeException e) {
                                    try {
                                        handoff.put(e);
                                    } catch (InterruptedException ignored) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                            },
                            "pgstream-tail-reader");
            reader.setDaemon(true);
            reader.start();
        }

        ChangeEvent next() throws InterruptedException {
            Object o =
                    idleSeconds == null
                            ? handoff.take()
                            : handoff.poll(
                                    Duration.ofSeconds(idleSeconds).toMillis(),
                                    TimeUnit.MILLISECONDS);
            if (o == null || o == END) {
                return null;
            }
            if (o instanceof RuntimeException) {
                throw (RuntimeException) o;
            }
            return (ChangeEvent) o;
        }
    }
}
