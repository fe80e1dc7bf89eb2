package io.pgstream.bench.peers;

import io.pgstream.bench.freshness.ChangeReader;
import io.pgstream.bench.freshness.Latencies;
import io.pgstream.bench.freshness.LineReader;
import io.pgstream.bench.freshness.SourceReader;
import io.pgstream.bench.freshness.SourceTable;
import io.pgstream.connector.connection.PgConnectionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Streaming beside a peer under live load: a writer commits a steady rate of small transactions
 * while one reader (pgstream's DataStream source on a mini-cluster, or Debezium embedded) reads
 * them beside {@code pg_recvlogical}, the reference; one run per reader, the same load each time,
 * so the two JVM readers never share the two cores. Each insert is stamped when the reader has it
 * in hand against its commit time: commit → emitted, p50/p99/max, and whether all were read.
 *
 * <p>Usage: {@code bench/run source-peers --live RATE [--seconds N] [--rows-per-tx N] [--readers
 * pgstream,debezium]}; a reader {@code debezium-pollN} is Debezium with {@code poll.interval.ms=N}.
 */
final class PeerLiveLoad {

    private PeerLiveLoad() {}

    static void main(String[] args) throws Exception {
        int rate = 5000;
        int seconds = 60;
        int rowsPerTx = 10;
        String recvlogical = "/usr/lib/postgresql/15/bin/pg_recvlogical";
        List<String> which = List.of("pgstream", "debezium");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--live" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rows-per-tx" -> rowsPerTx = Integer.parseInt(args[++i]);
                case "--pg-recvlogical" -> recvlogical = args[++i];
                case "--readers" -> which = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        PgConnectionConfig db = PgConnectionConfig.parse(System.getenv("PGSTREAM_DSN"));
        Path work = Files.createTempDirectory("pgstream-live-peers");
        List<String> rows = new ArrayList<>();
        for (String reader : which) {
            rows.addAll(run(db, work, recvlogical, reader, rate, rowsPerTx, seconds));
        }
        System.out.printf(
                Locale.ROOT,
                "%nlive load, %,d changes/s in transactions of %d inserts for %d s, %s, %d cores%n%n",
                rate,
                rowsPerTx,
                seconds,
                Instant.now(),
                Runtime.getRuntime().availableProcessors());
        System.out.println(
                "| run | reader | written | read | p50 ms | p99 ms | max ms | p50 / ref | p99 / ref"
                        + " | kept up |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        rows.forEach(System.out::println);
    }

    private static List<String> run(
            PgConnectionConfig db,
            Path work,
            String recvlogical,
            String which,
            int rate,
            int rowsPerTx,
            int seconds)
            throws Exception {
        String id =
                "bench_live_" + which.replace('-', '_') + "_" + Long.toHexString(System.nanoTime());
        String table = "public." + id;
        SourceTable.create(db, id);
        List<ChangeReader> readers = new ArrayList<>();
        readers.add(
                LineReader.recvLogicalReference(
                        recvlogical, db, id + "_ref", work.resolve(id + "-ref.log").toFile()));
        readers.add(
                which.startsWith("debezium")
                        ? new DebeziumReader(db, id, id, table, pollMillis(which))
                        : new SourceReader(db, id, id));
        try (Connection c = db.connect()) {
            ChangeReader.Probe probe =
                    () -> {
                        try (Statement st = c.createStatement()) {
                            st.execute("INSERT INTO " + id + " (body) VALUES ('probe')");
                        }
                    };
            for (ChangeReader r : readers) {
                r.start(probe);
            }
            SteadyWriter.Written written = SteadyWriter.run(c, id, rate, rowsPerTx, seconds);
            System.err.printf(
                    Locale.ROOT,
                    "%s: wrote %,d changes in %.1f s (%,.0f/s)%n",
                    which,
                    written.changes(),
                    written.seconds(),
                    written.changes() / written.seconds());
            Latencies reference = readers.get(0).await(written.changes());
            List<String> rows = new ArrayList<>();
            rows.add(row(which, reference, reference, written.changes()));
            try {
                Latencies peer = readers.get(1).await(written.changes());
                System.err.println(peer.blocks(written.changes() / 20));
                rows.add(row(which, peer, reference, written.changes()));
            } catch (TimeoutException behind) {
                rows.add(
                        String.format(
                                Locale.ROOT,
                                "| %s | %s | %,d | %s | | | | | | no |",
                                which,
                                readers.get(1).name(),
                                written.changes(),
                                behind.getMessage()));
            }
            return rows;
        } finally {
            for (ChangeReader r : readers) {
                try {
                    r.close();
                } catch (Exception e) {
                    System.err.println("closing " + r.name() + ": " + e);
                }
            }
            SourceTable.drop(db, id);
        }
    }

    /**
     * {@code debezium-poll10}: Debezium with {@code poll.interval.ms=10}; {@code debezium}:
     * default.
     */
    private static Integer pollMillis(String which) {
        String prefix = "debezium-poll";
        return which.startsWith(prefix) ? Integer.valueOf(which.substring(prefix.length())) : null;
    }

    private static String row(String run, Latencies l, Latencies reference, int written) {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %,d | %,d | %.1f | %.1f | %.1f | %.2f | %.2f | %s |",
                run,
                l.run(),
                written,
                l.count(),
                l.percentileMillis(50),
                l.percentileMillis(99),
                l.maxMillis(),
                l.percentileMillis(50) / reference.percentileMillis(50),
                l.percentileMillis(99) / reference.percentileMillis(99),
                l.count() == written ? "yes" : "no");
    }
}
