package io.pgstream.bench.freshness;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Commit → visible latency, p50/p99/max, each beside its reference in the same run:
 *
 * <ul>
 *   <li>{@code local}: {@code pgstream sync} with the local model into pgvector at 10 rows/s,
 *       checkpoint interval 10 s; eager writes (the default {@code max-linger}) beside
 *       checkpoint-only flushing;
 *   <li>{@code openai}: the same with an OpenAI-compatible endpoint answering in a fixed 20 ms, at
 *       500 rows/s;
 *   <li>{@code source}: no embedding, 1,000 changes/s: commit → record emitted by pgstream's source
 *       in a Flink job, commit → JSON line of {@code pgstream tail} (checkpoint-gated and at once),
 *       beside {@code pg_recvlogical}'s commit line, all reading the same inserts at the same time.
 * </ul>
 *
 * <p>Usage: {@code bench/run freshness [local|openai|source|tail|all] [--seconds N]} ({@code tail}:
 * only the reference and {@code tail --print-at-once}, side by side).
 */
public final class FreshnessBench {

    private FreshnessBench() {}

    public static void main(String[] args) throws Exception {
        String what = "all";
        int seconds = 30;
        String recvlogical = "pg_recvlogical";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--pg-recvlogical" -> recvlogical = args[++i];
                case "local", "openai", "source", "tail", "all" -> what = args[i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String dsn = System.getenv("PGSTREAM_DSN");
        PgConnectionConfig db = PgConnectionConfig.parse(dsn);
        Path work = Files.createTempDirectory("pgstream-freshness");
        List<String> tables = new ArrayList<>();
        if (what.equals("all") || what.equals("local")) {
            tables.add(local(db, dsn, work, seconds));
        }
        if (what.equals("all") || what.equals("openai")) {
            tables.add(openai(db, dsn, work, seconds));
        }
        if (what.equals("all") || what.equals("source")) {
            tables.add(source(db, work, seconds, recvlogical, false));
        }
        if (what.equals("tail")) {
            tables.add(source(db, work, seconds, recvlogical, true));
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "freshness, %s, %d cores, %s%n%n",
                Instant.now(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        for (String t : tables) {
            System.out.println(t);
            System.out.println();
        }
    }

    private static String local(PgConnectionConfig db, String dsn, Path work, int seconds)
            throws Exception {
        VectorRun run = new VectorRun(db, dsn, work);
        String model = "  model: local";
        Latencies reference =
                run.run(
                        "checkpoint-only flush (reference)",
                        model,
                        "  max-linger: checkpoint",
                        10,
                        seconds);
        Latencies eager = run.run("eager writes (default max-linger)", model, "", 10, seconds);
        return table("(a) local MiniLM → pgvector, 10 rows/s, checkpoint 10 s", reference, eager);
    }

    private static String openai(PgConnectionConfig db, String dsn, Path work, int seconds)
            throws Exception {
        try (FixedLatencyEmbeddingServer server = new FixedLatencyEmbeddingServer(20, 384)) {
            VectorRun run = new VectorRun(db, dsn, work);
            String model =
                    String.join(
                            "\n",
                            "  model: openai",
                            "  base-url: " + server.baseUrl(),
                            "  model-name: bench",
                            "  dimensions: 384");
            Latencies reference =
                    run.run(
                            "checkpoint-only flush (reference)",
                            model,
                            "  max-linger: checkpoint",
                            500,
                            seconds);
            Latencies eager = run.run("eager writes (default max-linger)", model, "", 500, seconds);
            // pgvector maintaining its HNSW index is PostgreSQL's own cost per row: without it,
            // the run shows what the pipeline itself keeps up with.
            Latencies flat =
                    run.run(
                            "eager writes, no HNSW index (sink.hnsw: false)",
                            model,
                            "  hnsw: false",
                            500,
                            seconds);
            return table(
                    "(b) OpenAI-compatible endpoint (20 ms per call) → pgvector, 500 rows/s,"
                            + " checkpoint 10 s",
                    reference,
                    eager,
                    flat);
        }
    }

    /**
     * (c). {@code tailAtOnceOnly}: only the reference and {@code tail --print-at-once}, so the tail
     * does not share the two cores with three other consumers of the same WAL.
     */
    private static String source(
            PgConnectionConfig db,
            Path work,
            int seconds,
            String recvlogical,
            boolean tailAtOnceOnly)
            throws Exception {
        String id = "bench_fresh_src_" + Long.toHexString(System.nanoTime());
        SourceTable.create(db, id);
        List<ChangeReader> readers = new ArrayList<>();
        readers.add(
                LineReader.recvLogicalReference(
                        recvlogical,
                        db,
                        id + "_ref",
                        work.resolve(id + "-recvlogical.log").toFile()));
        if (!tailAtOnceOnly) {
            readers.add(new SourceReader(db, id, id));
            readers.add(
                    tail(id, "_tail", "pgstream tail (printed once a checkpoint covers it)", work));
        }
        readers.add(
                tail(id, "_tail_now", "pgstream tail --print-at-once", work, "--print-at-once"));
        String insert = "INSERT INTO " + id + " (body) VALUES (?)";
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
            int total = Pacer.run(c, insert, 1000, seconds, 80);
            Latencies[] results = new Latencies[readers.size()];
            for (int i = 0; i < readers.size(); i++) {
                results[i] = readers.get(i).await(total);
                // p50/max per block on stderr: where in the run the slow changes were.
                System.err.println(results[i].blocks(500));
            }
            return table(
                    "(c) the source alone, 1,000 changes/s (one insert per transaction)"
                            + (tailAtOnceOnly ? ", tail --print-at-once on its own" : ""),
                    results);
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

    private static ChangeReader tail(
            String id, String slotSuffix, String name, Path work, String... flags) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "bin/pgstream",
                                "tail",
                                "--slot",
                                id + slotSuffix,
                                "--publication",
                                id,
                                "--table",
                                "public." + id,
                                "--startup-mode",
                                "latest",
                                "--no-progress"));
        command.addAll(List.of(flags));
        return new LineReader(
                name,
                command,
                LineParsers.tailJson(),
                work.resolve(id + slotSuffix + ".log").toFile());
    }

    private static String table(String title, Latencies... runs) {
        StringBuilder sb = new StringBuilder("**").append(title).append("**\n\n");
        sb.append(Latencies.header()).append('\n');
        for (Latencies l : runs) {
            sb.append(l.row()).append('\n');
        }
        return sb.toString();
    }
}
