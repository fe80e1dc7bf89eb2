package io.pgstream.bench.source;

import io.pgstream.bench.decoder.BenchArgs;
import io.pgstream.bench.decoder.CorpusCapture;
import io.pgstream.bench.decoder.PgRecvLogical;
import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.PostgresSource;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.source.StoppingPosition;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The source's drain rate beside {@code pg_recvlogical}'s over the same backlog: two slots are
 * created at the same WAL position, a backlog of mixed changes is written (one large transaction of
 * ~380-byte rows, then small insert/update/delete transactions), {@code pg_recvlogical} drains one
 * slot to the backlog's end, and a bounded {@link PostgresSource} drains the other into a
 * discarding sink on a local mini-cluster. The ratio is what the target (≥ 0.9) is about:
 * the walsender, not the reader, should be the limit.
 *
 * <p>Usage: {@code bench/run source [--rows N] [--small-txs N]}; defaults give 1,000,000 changes.
 */
public final class SourceBench {

    private SourceBench() {}

    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, 700_000, 100_000);
        String dsn = a.dsn();
        int rows = a.rows();
        int smallTxs = a.smallTxs();
        String recvlogical = a.pgRecvLogical();
        CorpusCapture capture = new CorpusCapture(PgConnectionConfig.parse(dsn), "bench_source");
        String referenceSlot = "bench_source_ref";
        String sourceSlot = "bench_source_pgstream";
        String streamingSlot = "bench_source_ref_v2";
        capture.prepare(referenceSlot, sourceSlot);
        try (var c = capture.database().connect();
                var st = c.createStatement()) {
            st.execute(
                    "SELECT pg_create_logical_replication_slot('"
                            + streamingSlot
                            + "', 'pgoutput')");
        }
        try {
            long changes = rows + 3L * smallTxs;
            System.err.printf(
                    Locale.ROOT,
                    "backlog: %,d-row transaction + %,d small transactions = %,d changes%n",
                    rows,
                    smallTxs,
                    changes);
            Lsn end = capture.workload(rows, smallTxs);

            double referenceSeconds =
                    PgRecvLogical.drain(recvlogical, capture.database(), referenceSlot, end);
            // The same protocol the source uses on PostgreSQL 14+: large transactions streamed.
            double streamingSeconds =
                    PgRecvLogical.drain(
                            recvlogical,
                            capture.database(),
                            streamingSlot,
                            end,
                            List.of("proto_version=2", "streaming=on"));
            DrainResult source = drainWithSource(capture.database(), sourceSlot, end);
            if (source.changes != changes) {
                throw new IllegalStateException(
                        "the source delivered " + source.changes + " changes, not " + changes);
            }
            double referenceRate = changes / referenceSeconds;
            double sourceRate = changes / source.seconds;
            System.out.printf(
                    Locale.ROOT, "%-44s %12s %10s %8s%n", "run", "changes/s", "seconds", "ratio");
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %,12.0f %10.1f %8s%n",
                    "pg_recvlogical (reference, proto 1, /dev/null)",
                    referenceRate,
                    referenceSeconds,
                    "1.00");
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %,12.0f %10.1f %8.2f%n",
                    "pg_recvlogical (proto 2, streaming=on)",
                    changes / streamingSeconds,
                    streamingSeconds,
                    referenceSeconds / streamingSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %,12.0f %10.1f %8.2f%n",
                    "PostgresSource -> discarding sink (p=1)",
                    sourceRate,
                    source.seconds,
                    sourceRate / referenceRate);
            System.out.printf(
                    Locale.ROOT,
                    "ratio vs the proto-2 streaming reference: %.2f%n",
                    streamingSeconds / source.seconds);
            System.out.printf(
                    Locale.ROOT,
                    "(source time runs from its walsender going active to the job's end; the"
                            + " mini-cluster start before that took %.1f s)%n",
                    source.startupSeconds);
        } finally {
            capture.cleanup(referenceSlot, sourceSlot, streamingSlot);
        }
    }

    /**
     * What one drain delivered: changes, seconds from its walsender going active to the end, and
     * the seconds before that (the reader's own start).
     */
    public record DrainResult(long changes, double seconds, double startupSeconds) {}

    /** Notes when the slot first becomes active, i.e. when the reader's walsender starts. */
    public static final class SlotWatcher extends Thread {
        private final PgConnectionConfig db;
        private final String slot;

        /** {@link System#nanoTime()} when the slot was first seen active; 0 until then. */
        public volatile long activeSince;

        public SlotWatcher(PgConnectionConfig db, String slot) {
            this.db = db;
            this.slot = slot;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (var c = db.connect();
                    var ps =
                            c.prepareStatement(
                                    "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                while (activeSince == 0 && !isInterrupted()) {
                    try (var rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            activeSince = System.nanoTime();
                        }
                    }
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                // The job ended.
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Drains {@code slot} (publication {@code bench}) up to {@code end} with a bounded source. */
    public static DrainResult drainWithSource(PgConnectionConfig db, String slot, Lsn end)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.fromSource(
                        PostgresSource.<ChangeEvent>builder()
                                .connection(db)
                                .slotName(slot)
                                .publicationName("bench")
                                .existingSlotOnly()
                                .startupMode(StartupMode.LATEST)
                                .deserializer(ChangeEventDeserializationSchema.changeEvents())
                                .stopAt(StoppingPosition.atLsn(end))
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "postgres")
                .sinkTo(new CountingDiscardSink());
        COUNT = 0;
        long start = System.nanoTime();
        SlotWatcher watcher = new SlotWatcher(db, slot);
        watcher.start();
        env.execute("source bench");
        long done = System.nanoTime();
        watcher.interrupt();
        watcher.join();
        // From the moment the walsender is streaming to the end: the mini-cluster's own start
        // (seconds on 2 cores) is not the reader's speed.
        long connected = watcher.activeSince == 0 ? start : watcher.activeSince;
        return new DrainResult(COUNT, (done - connected) / 1e9, (connected - start) / 1e9);
    }

    static volatile long COUNT;

    /** Counts changes in the mini-cluster's JVM and keeps nothing. */
    static final class CountingDiscardSink implements Sink<ChangeEvent> {
        @Override
        public SinkWriter<ChangeEvent> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                private long n;

                @Override
                public void write(ChangeEvent e, Context ctx) {
                    n++;
                }

                @Override
                public void flush(boolean endOfInput) {
                    COUNT = n;
                }

                @Override
                public void close() {
                    COUNT = n;
                }
            };
        }
    }
}
