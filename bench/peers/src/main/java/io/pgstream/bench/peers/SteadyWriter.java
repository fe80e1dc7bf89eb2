package io.pgstream.bench.peers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * Commits a steady rate of inserts in small transactions (one multi-row {@code INSERT}, autocommit,
 * each), on schedule rather than as fast as possible, so a reader that falls behind shows it as
 * latency instead of slowing the writer. The session commits with {@code synchronous_commit = on}
 * (the test server runs with it off, and then a commit reaches logical decoding only at the WAL
 * writer's next round: a delay every reader would share).
 */
final class SteadyWriter {

    /** What was written: changes, and the seconds it took (the schedule's, or more if behind). */
    record Written(int changes, double seconds) {}

    private SteadyWriter() {}

    static Written run(Connection c, String table, int rate, int rowsPerTx, int seconds)
            throws SQLException {
        c.setAutoCommit(true);
        try (var st = c.createStatement()) {
            st.execute("SET synchronous_commit = on");
        }
        int txs = rate * seconds / rowsPerTx;
        long period = 1_000_000_000L * rowsPerTx / rate;
        long start = System.nanoTime();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO "
                                + table
                                + " (body) SELECT 'row ' || g || ': river bread window garden"
                                + " engine silver market winter letter forest'"
                                + " FROM generate_series(?::int, ?::int) g")) {
            for (int t = 0; t < txs; t++) {
                long wait = start + t * period - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                ps.setInt(1, t * rowsPerTx);
                ps.setInt(2, t * rowsPerTx + rowsPerTx - 1);
                ps.executeUpdate();
            }
        }
        return new Written(txs * rowsPerTx, (System.nanoTime() - start) / 1e9);
    }
}
