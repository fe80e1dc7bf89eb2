package io.pgstream.bench.snapshot;

import io.pgstream.bench.decoder.CorpusCapture;
import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.source.PostgresSource;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.postgresql.PGConnection;

/**
 * The snapshot's read rate beside {@code COPY (SELECT * FROM t) TO STDOUT} of the same table in the
 * same run: a table of ~380-byte rows (the decoder benchmark's shape) is read by a bounded {@code
 * SNAPSHOT_ONLY} source into a discarding sink at parallelism 2, and copied out once by pgjdbc's
 * CopyManager into nothing. A trivial job run first measures the mini-cluster's own start, which is
 * reported and taken out of the source's time.
 *
 * <p>Usage: {@code bench/run snapshot [--rows N] [--parallelism P] [--chunk ROWS]}.
 */
public final class SnapshotBench {

    static final AtomicLong COUNT = new AtomicLong();
    static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
    static final AtomicLong LAST = new AtomicLong();

    private SnapshotBench() {}

    public static void main(String[] args) throws Exception {
        SnapshotArgs a = SnapshotArgs.parse(args, true);
        int rows = a.rows();
        int parallelism = a.parallelism();
        int chunk = a.chunk();
        int runs = a.runs();
        CorpusCapture capture =
                new CorpusCapture(PgConnectionConfig.parse(a.dsn()), "bench_snapshot");
        capture.prepare("bench_snapshot_unused_a", "bench_snapshot_unused_b");
        PgConnectionConfig db = capture.database();
        try {
            fillTable(capture, rows);
            emptyJob(parallelism); // warms the JVM: the first mini-cluster start is the slowest
            double startup = emptyJob(parallelism);
            System.out.printf(
                    Locale.ROOT, "%-46s %12s %9s %7s%n", "run", "rows/s", "seconds", "ratio");
            for (int run = 1; run <= runs; run++) {
                double copySeconds = copy(db);
                double total = snapshot(db, parallelism, chunk);
                if (COUNT.get() != rows) {
                    throw new IllegalStateException("the snapshot gave " + COUNT.get() + " rows");
                }
                double seconds = Math.max(0.001, total - startup);
                System.out.printf(
                        Locale.ROOT,
                        "%-46s %,12.0f %9.1f %7s%n",
                        "COPY (SELECT * FROM docs) TO STDOUT (reference)",
                        rows / copySeconds,
                        copySeconds,
                        "1.00");
                System.out.printf(
                        Locale.ROOT,
                        "%-46s %,12.0f %9.1f %7.2f%n",
                        "PostgresSource p="
                                + parallelism
                                + ", chunk "
                                + chunk
                                + (run == 1 ? ", cold JVM" : ", run " + run),
                        rows / seconds,
                        seconds,
                        copySeconds / seconds);
                System.out.printf(
                        Locale.ROOT,
                        "(source job took %.1f s; %.1f s of it is the mini-cluster's start,"
                                + " measured with an empty job)%n",
                        total,
                        startup);
            }
        } finally {
            capture.cleanup("bench_snapshot_unused_a", "bench_snapshot_unused_b");
        }
    }

    /**
     * Writes {@code rows} rows into the prepared database's {@code docs} and analyses it: the one
     * table every snapshot benchmark reads.
     */
    public static void fillTable(CorpusCapture capture, int rows) throws SQLException {
        System.err.printf(Locale.ROOT, "table: %,d rows%n", rows);
        capture.workload(rows, 0);
        try (Connection c = capture.database().connect();
                Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE docs");
        }
    }

    public static double copy(PgConnectionConfig db) throws Exception {
        try (Connection c = db.connect()) {
            long start = System.nanoTime();
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyOut(
                            "COPY (SELECT * FROM docs) TO STDOUT", OutputStream.nullOutputStream());
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static StreamExecutionEnvironment env(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    public static double emptyJob(int parallelism) throws Exception {
        StreamExecutionEnvironment env = env(parallelism);
        env.fromSequence(1, parallelism).sinkTo(new Discard<>());
        long start = System.nanoTime();
        env.execute("empty");
        return (System.nanoTime() - start) / 1e9;
    }

    public static double snapshot(PgConnectionConfig db, int parallelism, int chunk)
            throws Exception {
        StreamExecutionEnvironment env = env(parallelism);
        env.fromSource(
                        PostgresSource.<ChangeEvent>builder()
                                .connection(db)
                                .slotName("bench_snapshot_src")
                                .publicationName("bench")
                                .startupMode(StartupMode.SNAPSHOT_ONLY)
                                .snapshotChunkRows(chunk)
                                .deserializer(ChangeEventDeserializationSchema.changeEvents())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "postgres")
                .sinkTo(new Discard<>());
        COUNT.set(0);
        FIRST.set(Long.MAX_VALUE);
        long start = System.nanoTime();
        env.execute("snapshot bench");
        long end = System.nanoTime();
        System.err.printf(
                Locale.ROOT,
                "snapshot job: %.1f s to the first row, %.1f s from the first to the last%n",
                (FIRST.get() - start) / 1e9,
                (LAST.get() - FIRST.get()) / 1e9);
        return (end - start) / 1e9;
    }

    /** Counts records in the mini-cluster's JVM and keeps nothing. */
    static final class Discard<T> implements Sink<T> {
        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                private long n;

                @Override
                public void write(T element, Context ctx) {
                    if (n++ == 0) {
                        FIRST.accumulateAndGet(System.nanoTime(), Math::min);
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {
                    COUNT.addAndGet(n);
                    LAST.accumulateAndGet(System.nanoTime(), Math::max);
                }
            };
        }
    }
}
