package io.pgstream.bench.freshness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * Inserts rows at a steady rate, one autocommit transaction each, so that every row's {@code
 * created_at} ({@code clock_timestamp()} in its own transaction) is its commit time to within the
 * commit's own duration.
 *
 * <p>The session commits with {@code synchronous_commit = on}, PostgreSQL's default, whatever the
 * server's setting: the project's test server runs with it {@code off}, and then a commit reaches
 * the WAL flush (and so any logical decoding) only at the WAL writer's next round, up to {@code
 * wal_writer_delay} (200 ms) later at a low rate: a delay of the server's configuration that every
 * replication client would show, not of the pipeline measured.
 */
final class Pacer {

    private Pacer() {}

    /** Inserts {@code rate × seconds} rows through {@code insert}; returns how many. */
    static int run(Connection c, String insertSql, int rate, int seconds, int textChars)
            throws SQLException {
        c.setAutoCommit(true);
        try (var st = c.createStatement()) {
            st.execute("SET synchronous_commit = on");
        }
        int total = rate * seconds;
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            for (int i = 0; i < total; i++) {
                long wait = start + i * period - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                ps.setString(1, text(i, textChars));
                ps.executeUpdate();
            }
        }
        return total;
    }

    /** A distinct sentence-like text, so that no embedding is skipped as unchanged. */
    static String text(int i, int chars) {
        StringBuilder sb = new StringBuilder("row ").append(i).append(':');
        long x = i * 0x9E3779B97F4A7C15L + 1;
        while (sb.length() < chars) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sb.append(' ').append(WORDS[(int) Math.floorMod(x, (long) WORDS.length)]);
        }
        return sb.toString();
    }

    private static final String[] WORDS = {
        "river", "bread", "window", "garden", "engine", "silver", "market", "winter", "letter",
        "forest", "coffee", "planet", "harbor", "violin", "pepper", "castle", "rocket", "meadow"
    };
}
