package io.pgstream.bench.pgvector;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.pgvector.CopyText;
import io.pgstream.jobs.sink.pgvector.PgVectorApplier;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import io.pgstream.jobs.sink.pgvector.PgVectorTable;
import io.pgstream.jobs.sink.pgvector.VectorText;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;

/**
 * The pgvector writer's two upsert methods beside plain {@code COPY} into the same table, in one
 * run, batch by batch (one transaction per batch, as the writer commits per flush):
 *
 * <ul>
 *   <li>{@code INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE … WHERE lsn <} (the
 *       writer's method);
 *   <li>{@code COPY} into a temporary staging table, then the same guarded merge from it;
 *   <li>{@code COPY} straight into the empty table, no conflict handling: the reference.
 * </ul>
 *
 * Each method loads the rows into an empty table (inserts), then applies them again with higher
 * LSNs (guarded updates of every row). Rows are one chunk of {@code --dims} random floats plus a
 * ~100-character text and a small JSON object.
 *
 * <p>Usage: {@code bench/run pgvector [--rows N] [--dims D] [--batch B] [--hnsw] [--repeat R]};
 * each figure is the best of R rounds.
 */
public final class PgVectorBench {

    private PgVectorBench() {}

    public static void main(String[] args) throws Exception {
        String dsn = System.getenv().getOrDefault("PGSTREAM_DSN", "");
        int rows = 20_000;
        int dims = 384;
        int batch = 500;
        boolean hnsw = false;
        int repeat = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dsn" -> dsn = args[++i];
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--dims" -> dims = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--hnsw" -> hnsw = true;
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        if (dsn.isEmpty()) {
            throw new IllegalArgumentException("--dsn or PGSTREAM_DSN is required");
        }
        PgConnectionConfig db = PgConnectionConfig.parse(dsn);
        List<VectorWrite> first = writes(rows, dims, 1);
        List<VectorWrite> second = writes(rows, dims, rows + 1);
        System.err.printf(
                Locale.ROOT,
                "%,d rows of %d dims, batches of %d, hnsw %s%n",
                rows,
                dims,
                batch,
                hnsw ? "on" : "off");

        // Best of several rounds, methods interleaved, so warm-up and a busy neighbour on the
        // machine do not favour whichever method runs last.
        double copy = Double.MAX_VALUE;
        double[] ioc = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] merge = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round < repeat; round++) {
            copy = Math.min(copy, copy(db, "bench_pgvector_copy", dims, hnsw, first, batch));
            ioc =
                    best(
                            ioc,
                            applier(
                                    db,
                                    "bench_pgvector_ioc",
                                    dims,
                                    hnsw,
                                    first,
                                    second,
                                    batch,
                                    PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT));
            merge =
                    best(
                            merge,
                            applier(
                                    db,
                                    "bench_pgvector_merge",
                                    dims,
                                    hnsw,
                                    first,
                                    second,
                                    batch,
                                    PgVectorApplier.UpsertMethod.COPY_MERGE));
        }

        System.out.printf(Locale.ROOT, "%-58s %12s %7s%n", "run", "rows/s", "ratio");
        line("COPY into the empty table (reference)", rows, copy, copy);
        line("INSERT ON CONFLICT from unnest, insert pass", rows, ioc[0], copy);
        line("INSERT ON CONFLICT from unnest, guarded-update pass", rows, ioc[1], copy);
        line("COPY to staging + guarded merge, insert pass", rows, merge[0], copy);
        line("COPY to staging + guarded merge, guarded-update pass", rows, merge[1], copy);
    }

    private static double[] best(double[] a, double[] b) {
        return new double[] {Math.min(a[0], b[0]), Math.min(a[1], b[1])};
    }

    private static void line(String name, int rows, double seconds, double reference) {
        System.out.printf(
                Locale.ROOT, "%-58s %,12.0f %7.2f%n", name, rows / seconds, reference / seconds);
    }

    private static List<VectorWrite> writes(int rows, int dims, long firstLsn) {
        SplittableRandom random = new SplittableRandom(42);
        List<VectorWrite> writes = new ArrayList<>(rows);
        Instant now = Instant.now();
        for (int i = 0; i < rows; i++) {
            float[] v = new float[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = (float) (random.nextDouble() * 2 - 1);
            }
            String text = "document " + i + " about the quick brown fox jumping over lazy dogs.";
            writes.add(
                    VectorWrite.upsert(
                            "public.docs",
                            Integer.toString(i),
                            List.of(new VectorWrite.Chunk(0, text + text, v)),
                            Integer.toHexString(text.hashCode()),
                            "{\"author\":\"a" + (i % 100) + "\",\"rank\":" + i + "}",
                            new Lsn(firstLsn + i),
                            now));
        }
        return writes;
    }

    private static PgVectorSinkConfig prepare(
            PgConnectionConfig db, String table, int dims, boolean hnsw, Connection c)
            throws Exception {
        PgVectorSinkConfig config = PgVectorSinkConfig.of(db, table, dims, hnsw, 500);
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + config.qualifiedTable());
        }
        c.commit();
        new PgVectorTable(config).ensure(c);
        return config;
    }

    private static void drop(Connection c, PgVectorSinkConfig config) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + config.qualifiedTable());
        }
        c.commit();
    }

    private static double[] applier(
            PgConnectionConfig db,
            String table,
            int dims,
            boolean hnsw,
            List<VectorWrite> first,
            List<VectorWrite> second,
            int batch,
            PgVectorApplier.UpsertMethod method)
            throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            PgVectorSinkConfig config = prepare(db, table, dims, hnsw, c);
            PgVectorApplier applier = new PgVectorApplier(c, config, method);
            double[] seconds = new double[2];
            int pass = 0;
            for (List<VectorWrite> writes : List.of(first, second)) {
                long start = System.nanoTime();
                for (int i = 0; i < writes.size(); i += batch) {
                    applier.apply(writes.subList(i, Math.min(writes.size(), i + batch)));
                }
                seconds[pass++] = (System.nanoTime() - start) / 1e9;
            }
            drop(c, config);
            return seconds;
        }
    }

    private static double copy(
            PgConnectionConfig db,
            String table,
            int dims,
            boolean hnsw,
            List<VectorWrite> writes,
            int batch)
            throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            PgVectorSinkConfig config = prepare(db, table, dims, hnsw, c);
            String sql =
                    "COPY "
                            + config.qualifiedTable()
                            + " (source_table, id, chunk, embedding, content, metadata,"
                            + " content_hash, lsn, updated_at) FROM STDIN";
            long start = System.nanoTime();
            for (int i = 0; i < writes.size(); i += batch) {
                StringBuilder rows = new StringBuilder();
                for (VectorWrite w : writes.subList(i, Math.min(writes.size(), i + batch))) {
                    VectorWrite.Chunk ch = w.chunks().get(0);
                    CopyText.row(
                            rows,
                            w.sourceTable(),
                            w.id(),
                            "0",
                            VectorText.format(ch.embedding()),
                            ch.content(),
                            w.metadataJson(),
                            w.contentHash(),
                            Long.toString(w.lsn().value()),
                            w.updatedAt().toString());
                }
                c.unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(sql, new StringReader(rows.toString()));
                c.commit();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            drop(c, config);
            return seconds;
        }
    }
}
