package io.pgstream.jobs.sink.pgvector;

import io.pgstream.jobs.sink.BufferedVectorWriter;
import io.pgstream.jobs.sink.SinkConnections;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.MetricGroup;

/**
 * Applies buffered {@link VectorWrite}s to the pgvector table, one committed transaction per flush
 * (on batch size, on {@code max-linger}, and before each checkpoint: see {@link
 * BufferedVectorWriter}). So when a checkpoint completes, every write before its barrier is
 * committed in PostgreSQL, and acknowledging the source slot up to that checkpoint loses nothing.
 * Writes committed earlier are safe too: every statement is version-guarded by commit LSN ({@link
 * PgVectorApplier}), so the replay after a restore rewrites the same values and cannot move a row
 * backwards. Writes of one row arrive in commit order and are applied in arrival order.
 *
 * <p>Runs on the task thread only; holds one JDBC connection, reopened after a connection failure.
 */
public final class PgVectorWriter extends BufferedVectorWriter {

    private final PgVectorSinkConfig config;
    private final PgVectorApplier.UpsertMethod method;
    private Connection connection;
    private PgVectorApplier applier;

    /** Connects, creates the table when missing, and checks its vector size. */
    public PgVectorWriter(
            PgVectorSinkConfig config, ProcessingTimeService time, MetricGroup metrics)
            throws IOException {
        this(
                config,
                PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT,
                config.maxLinger(),
                time,
                metrics,
                SinkRetry.defaults("pgvector table " + config.displayName()));
    }

    PgVectorWriter(
            PgVectorSinkConfig config,
            PgVectorApplier.UpsertMethod method,
            Duration maxLinger,
            ProcessingTimeService time,
            MetricGroup metrics,
            SinkRetry retry)
            throws IOException {
        super(config.batchSize(), maxLinger, time, metrics, retry);
        this.config = config;
        this.method = method;
        try {
            connect(true);
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void connect(boolean ensureTable) throws SQLException {
        Connection c = null;
        try {
            c = SinkConnections.open(config.connection(), "the pgvector sink");
            if (ensureTable) {
                new PgVectorTable(config).ensure(c);
            }
            this.applier = new PgVectorApplier(c, config, method);
            this.connection = c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    @Override
    protected void apply(List<VectorWrite> writes) throws SQLException {
        applier.apply(writes);
    }

    @Override
    protected void reconnect() throws SQLException {
        closeQuietly(connection);
        connect(false);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the original failure is what matters
            }
        }
    }
}
