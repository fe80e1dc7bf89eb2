package io.pgstream.jobs.cli;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.TableStatistics;
import io.pgstream.jobs.templates.JobConfig;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The backfill's progress on stderr for {@code sync} and {@code demo}: rows indexed in the pgvector
 * table against the source tables' row estimate, redrawn in place once a second, then one line when
 * the backfill has caught up. Reads only counts, from its own connections, on a daemon thread; it
 * never touches the job.
 */
final class BackfillProgress implements AutoCloseable {

    private final Thread thread;
    private volatile boolean stopped;

    private BackfillProgress(Runnable loop) {
        this.thread = new Thread(loop, "pgstream-backfill-progress");
        thread.setDaemon(true);
    }

    static BackfillProgress start(JobConfig job, PrintWriter err) {
        BackfillProgress[] self = new BackfillProgress[1];
        self[0] = new BackfillProgress(() -> self[0].loop(job, err));
        self[0].thread.start();
        return self[0];
    }

    private void loop(JobConfig job, PrintWriter err) {
        PgConnectionConfig source = PgConnectionConfig.parse(job.source().dsn());
        PgConnectionConfig sink = PgConnectionConfig.parse(job.sink().dsn());
        try {
            long total = estimate(source, job);
            boolean drawn = false;
            while (!stopped) {
                long done = indexed(sink, job);
                if (total > 0 && done >= total) {
                    err.printf(
                            Locale.ROOT,
                            "%sbackfill: %,d rows indexed; streaming changes (Ctrl-C stops,"
                                    + " the same command resumes)%n",
                            drawn ? "\r" : "",
                            done);
                    err.flush();
                    return;
                }
                err.printf(
                        Locale.ROOT,
                        "\rbackfill: %,d/%,d rows indexed (%d%%)",
                        done,
                        total,
                        total > 0 ? Math.min(100, done * 100 / total) : 0);
                err.flush();
                drawn = true;
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            // Progress is a convenience: never let it disturb the job or its output.
        }
    }

    private static long estimate(PgConnectionConfig source, JobConfig job) throws SQLException {
        long total = 0;
        try (Connection c = source.connect()) {
            for (String t : job.source().tables()) {
                total += Math.max(0, TableStatistics.estimatedRows(c, TableId.parse(t)));
                if (total == 0) {
                    try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT count(*) FROM " + TableId.parse(t).quoted());
                            ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total += rs.getLong(1);
                    }
                }
            }
        }
        return total;
    }

    private static long indexed(PgConnectionConfig sink, JobConfig job) throws SQLException {
        try (Connection c = sink.connect();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM "
                                        + TableId.parse(job.sink().table()).quoted()
                                        + " WHERE chunk = 0");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
