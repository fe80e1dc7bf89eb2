package io.pgstream.bench.peers;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.pgstream.bench.decoder.CorpusCapture;
import io.pgstream.bench.snapshot.SnapshotArgs;
import io.pgstream.bench.snapshot.SnapshotBench;
import io.pgstream.connector.connection.PgConnectionConfig;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Our snapshot beside a peer's in the same run: the same 1,000,000-row table read by {@code COPY
 * (SELECT * FROM docs) TO STDOUT} (the reference), by pgstream's {@code SNAPSHOT_ONLY} source at
 * parallelism 2, and by Debezium's PostgreSQL connector in its embedded engine with {@code
 * snapshot.mode = initial_only} (Connect records, no JSON serialization, default batch and queue
 * sizes). Each count includes its tool's own start (slot creation, planning, schema reading),
 * except Flink's mini-cluster start, which is measured with an empty job and taken out.
 *
 * <p>Usage: {@code bench/run snapshot-peers [--rows N] [--parallelism P] [--chunk ROWS]}.
 */
public final class PeerSnapshotBench {

    private PeerSnapshotBench() {}

    public static void main(String[] args) throws Exception {
        SnapshotArgs a = SnapshotArgs.parse(args, false);
        int rows = a.rows();
        int parallelism = a.parallelism();
        int chunk = a.chunk();
        CorpusCapture capture = new CorpusCapture(PgConnectionConfig.parse(a.dsn()), "bench_peers");
        capture.prepare("bench_peers_unused_a", "bench_peers_unused_b");
        PgConnectionConfig db = capture.database();
        try {
            SnapshotBench.fillTable(capture, rows);
            double copy = SnapshotBench.copy(db);
            double debezium = debezium(db, rows);
            SnapshotBench.emptyJob(parallelism);
            double startup = SnapshotBench.emptyJob(parallelism);
            double ours = SnapshotBench.snapshot(db, parallelism, chunk) - startup;
            System.out.printf(
                    Locale.ROOT, "%-52s %12s %9s %7s%n", "run", "rows/s", "seconds", "ratio");
            row("COPY (SELECT * FROM docs) TO STDOUT (reference)", rows, copy, copy);
            row("pgstream SNAPSHOT_ONLY, p=" + parallelism + ", chunk " + chunk, rows, ours, copy);
            row("Debezium 3.3 embedded, snapshot.mode=initial_only", rows, debezium, copy);
        } finally {
            capture.cleanup("bench_peers_unused_a", "bench_peers_unused_b", "bench_peers_dbz");
        }
    }

    private static void row(String name, int rows, double seconds, double reference) {
        System.out.printf(
                Locale.ROOT,
                "%-52s %,12.0f %9.1f %7.2f%n",
                name,
                rows / seconds,
                seconds,
                reference / seconds);
    }

    /** Seconds from the engine's start until every row has arrived as a Connect record. */
    private static double debezium(PgConnectionConfig db, int rows) throws Exception {
        Properties p = new Properties();
        p.setProperty("name", "pgstream-peer-bench");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty(
                "offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "60000");
        p.setProperty("database.hostname", db.host());
        p.setProperty("database.port", Integer.toString(db.port()));
        p.setProperty("database.user", db.user());
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", db.database());
        p.setProperty("topic.prefix", "peer");
        p.setProperty("table.include.list", "public.docs");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", "bench_peers_dbz");
        p.setProperty("publication.name", "bench_peers_dbz_pub");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("snapshot.mode", "initial_only");
        AtomicLong seen = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        long start = System.nanoTime();
        AtomicLong end = new AtomicLong();
        try (DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine =
                DebeziumEngine.create(Connect.class)
                        .using(p)
                        .notifying(
                                (ChangeEvent<SourceRecord, SourceRecord> event) -> {
                                    SourceRecord r = event.value();
                                    if (r.topic().endsWith(".public.docs")
                                            && seen.incrementAndGet() == rows) {
                                        end.set(System.nanoTime());
                                        done.countDown();
                                    }
                                })
                        .build()) {
            executor.execute(engine);
            if (!done.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("Debezium gave " + seen.get() + " rows");
            }
        } finally {
            executor.shutdownNow();
        }
        return (end.get() - start) / 1e9;
    }
}
