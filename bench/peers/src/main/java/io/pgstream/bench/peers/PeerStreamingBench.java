package io.pgstream.bench.peers;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.pgstream.bench.decoder.BenchArgs;
import io.pgstream.bench.decoder.CorpusCapture;
import io.pgstream.bench.decoder.PgRecvLogical;
import io.pgstream.bench.source.SourceBench;
import io.pgstream.bench.source.SourceBench.DrainResult;
import io.pgstream.bench.source.SourceBench.SlotWatcher;
import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Streaming beside a peer: one backlog (a large transaction, then small insert/update/delete
 * transactions; the same as {@code bench/run source}) is written once while four slots wait at the
 * same WAL position, then drained in turn by {@code pg_recvlogical} (the reference, protocol 1, to
 * {@code /dev/null}), by pgstream's bounded source into a discarding sink (parallelism 1), and by
 * Debezium's PostgreSQL connector in its embedded engine (pgoutput, {@code snapshot.mode=no_data},
 * default batch and queue sizes, Connect records counted and discarded). Each time runs from the
 * moment its walsender goes active to the last change, so neither tool's start-up is counted.
 *
 * <p>Usage: {@code bench/run source-peers [--rows N] [--small-txs N]}; defaults give 1,000,000
 * changes. With {@code --live RATE}, the live-load run of {@link PeerLiveLoad} instead.
 */
public final class PeerStreamingBench {

    private static final String REFERENCE = "bench_speers_ref";
    private static final String OURS = "bench_speers_pgstream";
    private static final String DEBEZIUM = "bench_speers_dbz";

    private PeerStreamingBench() {}

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--live")) {
            PeerLiveLoad.main(args);
            return;
        }
        BenchArgs a = BenchArgs.parse(args, 700_000, 100_000);
        CorpusCapture capture =
                new CorpusCapture(PgConnectionConfig.parse(a.dsn()), "bench_speers");
        capture.prepare(REFERENCE, OURS);
        PgConnectionConfig db = capture.database();
        try (var c = db.connect();
                var st = c.createStatement()) {
            st.execute("SELECT pg_create_logical_replication_slot('" + DEBEZIUM + "', 'pgoutput')");
        }
        try {
            long changes = a.rows() + 3L * a.smallTxs();
            System.err.printf(
                    Locale.ROOT,
                    "backlog: %,d-row transaction + %,d small transactions = %,d changes%n",
                    a.rows(),
                    a.smallTxs(),
                    changes);
            Lsn end = capture.workload(a.rows(), a.smallTxs());
            double reference = PgRecvLogical.drain(a.pgRecvLogical(), db, REFERENCE, end);
            DrainResult ours = SourceBench.drainWithSource(db, OURS, end);
            if (ours.changes() != changes) {
                throw new IllegalStateException(
                        "the source delivered " + ours.changes() + " changes, not " + changes);
            }
            double debezium = debezium(db, changes);
            System.out.printf(
                    Locale.ROOT, "%-58s %12s %9s %7s%n", "run", "changes/s", "seconds", "ratio");
            row("pg_recvlogical (reference, proto 1, /dev/null)", changes, reference, reference);
            row("pgstream source -> discarding sink (p=1)", changes, ours.seconds(), reference);
            row(
                    "Debezium 3.3 embedded, pgoutput, snapshot.mode=no_data",
                    changes,
                    debezium,
                    reference);
            System.out.printf(
                    Locale.ROOT,
                    "pgstream / Debezium drain rate: %.2f%n",
                    debezium / ours.seconds());
        } finally {
            capture.cleanup(REFERENCE, OURS, DEBEZIUM);
        }
    }

    private static void row(String name, long changes, double seconds, double reference) {
        System.out.printf(
                Locale.ROOT,
                "%-58s %,12.0f %9.1f %7.2f%n",
                name,
                changes / seconds,
                seconds,
                reference / seconds);
    }

    /**
     * Seconds from Debezium's walsender going active until {@code changes} data records arrived
     * (delete tombstones and other topics are not counted).
     */
    private static double debezium(PgConnectionConfig db, long changes) throws Exception {
        Properties p = DebeziumProperties.streaming(db, DEBEZIUM, "bench", "public.docs");
        AtomicLong seen = new AtomicLong();
        AtomicLong end = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        SlotWatcher watcher = new SlotWatcher(db, DEBEZIUM);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        long start = System.nanoTime();
        try (DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine =
                DebeziumEngine.create(Connect.class)
                        .using(p)
                        .notifying(
                                (ChangeEvent<SourceRecord, SourceRecord> event) -> {
                                    SourceRecord r = event.value();
                                    if (r != null
                                            && r.value() != null
                                            && r.topic().endsWith(".public.docs")
                                            && seen.incrementAndGet() == changes) {
                                        end.set(System.nanoTime());
                                        done.countDown();
                                    }
                                })
                        .build()) {
            watcher.start();
            executor.execute(engine);
            if (!done.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("Debezium gave " + seen.get() + " changes");
            }
        } finally {
            executor.shutdownNow();
            watcher.interrupt();
            watcher.join();
        }
        long connected = watcher.activeSince == 0 ? start : watcher.activeSince;
        return (end.get() - connected) / 1e9;
    }
}
