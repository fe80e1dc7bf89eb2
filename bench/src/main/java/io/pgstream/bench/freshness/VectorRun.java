package io.pgstream.bench.freshness;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of the whole vector path: {@code bin/pgstream sync} (a separate JVM, as a user runs it)
 * from a fresh table into a fresh pgvector table, rows inserted at a steady rate, and each row's
 * commit → visible latency: a trigger on the vector table stamps {@code clock_timestamp()} when the
 * writer inserts the row (inside the writer's transaction, so a few hundred microseconds before its
 * commit makes it visible), the source row stamps its own commit the same way.
 */
final class VectorRun {

    private final PgConnectionConfig db;
    private final String dsn;
    private final Path work;

    VectorRun(PgConnectionConfig db, String dsn, Path work) {
        this.db = db;
        this.dsn = dsn;
        this.work = work;
    }

    /**
     * @param name the run's name in the results table
     * @param embedding the job file's {@code embedding:} section body (indented two spaces)
     * @param sinkExtra extra lines for the {@code sink:} section (indented two spaces), e.g. the
     *     linger
     */
    Latencies run(String name, String embedding, String sinkExtra, int rate, int seconds)
            throws Exception {
        String id = "bench_fresh_" + Long.toHexString(System.nanoTime());
        String source = id;
        String vectors = id + "_vectors";
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TABLE "
                            + source
                            + " (id bigserial PRIMARY KEY, body text NOT NULL,"
                            + " created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
        Path job = work.resolve(id + ".yaml");
        Files.writeString(
                job,
                String.join(
                        "\n",
                        "source:",
                        "  dsn: " + dsn,
                        "  tables: [public." + source + "]",
                        "  slot: " + id,
                        "  publication: " + id,
                        "  startup-mode: initial",
                        "embedding:",
                        embedding,
                        "  template: \"{body}\"",
                        "sink:",
                        "  type: pgvector",
                        "  table: public." + vectors,
                        sinkExtra,
                        "checkpoint:",
                        "  interval: 10s",
                        "  dir: " + work.resolve(id + "-checkpoints"),
                        ""));
        File log = work.resolve(id + ".log").toFile();
        List<String> command = new ArrayList<>(List.of("bin/pgstream", "sync", "--config"));
        command.add(job.toString());
        command.add("--no-progress");
        Process sync =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                        .start();
        try {
            awaitTable(vectors, sync, log);
            try (Connection c = db.connect();
                    Statement st = c.createStatement()) {
                st.execute(
                        "CREATE TABLE "
                                + id
                                + "_arrivals (id text PRIMARY KEY, arrived timestamptz NOT NULL)");
                st.execute(
                        "CREATE FUNCTION "
                                + id
                                + "_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                                + " INSERT INTO "
                                + id
                                + "_arrivals VALUES (NEW.id, clock_timestamp())"
                                + " ON CONFLICT DO NOTHING; RETURN NULL; END $$");
                st.execute(
                        "CREATE TRIGGER stamp AFTER INSERT ON "
                                + vectors
                                + " FOR EACH ROW EXECUTE FUNCTION "
                                + id
                                + "_stamp()");
                // One row end to end before measuring: the model is loaded, the job streams.
                st.execute("INSERT INTO " + source + " (body) VALUES ('warm-up')");
                awaitArrivals(c, id, 1, sync, log, Duration.ofMinutes(2));
                int total =
                        Pacer.run(
                                c,
                                "INSERT INTO " + source + " (body) VALUES (?)",
                                rate,
                                seconds,
                                80);
                awaitArrivals(c, id, total + 1, sync, log, Duration.ofMinutes(3));
                return new Latencies(name, latencies(st, source, id));
            }
        } finally {
            sync.destroy();
            if (!sync.waitFor(60, TimeUnit.SECONDS)) {
                sync.destroyForcibly().waitFor();
            }
            cleanUp(id, source, vectors);
        }
    }

    private void awaitTable(String table, Process sync, File log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "')")) {
                    rs.next();
                    if (rs.getString(1) != null) {
                        return;
                    }
                }
                check(sync, log, deadline, "the vector table " + table + " to be created");
                LockSupport.parkNanos(100_000_000);
            }
        }
    }

    private static void awaitArrivals(
            Connection c, String id, int expected, Process sync, File log, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + id + "_arrivals")) {
                    rs.next();
                    if (rs.getLong(1) >= expected) {
                        return;
                    }
                }
                check(sync, log, deadline, expected + " rows in the vector table");
                LockSupport.parkNanos(50_000_000);
            }
        }
    }

    private static void check(Process sync, File log, long deadline, String what) {
        if (!sync.isAlive()) {
            throw new IllegalStateException("pgstream sync ended; see " + log);
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out waiting for " + what + "; see " + log);
        }
    }

    private static long[] latencies(Statement st, String source, String id) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (ResultSet rs =
                st.executeQuery(
                        "SELECT (extract(epoch FROM a.arrived - s.created_at) * 1000000)::bigint"
                                + " FROM "
                                + id
                                + "_arrivals a JOIN "
                                + source
                                + " s ON s.id::text = a.id WHERE s.body LIKE '"
                                + LatencyLog.MEASURED
                                + "%'")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private void cleanUp(String id, String source, String vectors) throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                try (ResultSet rs =
                        st.executeQuery(
                                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                                        + id
                                        + "' AND active")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                }
                LockSupport.parkNanos(200_000_000);
            }
            st.execute(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                            + " WHERE slot_name = '"
                            + id
                            + "'");
            st.execute("DROP PUBLICATION IF EXISTS " + id);
            st.execute("DROP TABLE IF EXISTS " + vectors + ", " + id + "_arrivals, " + source);
            st.execute("DROP FUNCTION IF EXISTS " + id + "_stamp()");
        }
    }
}
