package io.pgstream.jobs.table;

import io.pgstream.jobs.sink.BufferedVectorWriter;
import io.pgstream.jobs.sink.SinkConnections;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.MetricGroup;

/**
 * Writes a {@code pgvector} SQL table: the job file's buffering, linger, checkpoint flush and retry
 * ({@link BufferedVectorWriter}) over a {@link PgVectorRowApplier}, one committed transaction per
 * flush. Creates the table when missing. Runs on the task thread only; holds one JDBC connection,
 * reopened after a connection failure.
 */
final class PgVectorRowWriter extends BufferedVectorWriter {

    private final PgVectorSinkConfig config;
    private final VectorTableSchema schema;
    private Connection connection;
    private PgVectorRowApplier applier;

    PgVectorRowWriter(
            PgVectorSinkConfig config,
            VectorTableSchema schema,
            ProcessingTimeService time,
            MetricGroup metrics)
            throws IOException {
        super(
                config.batchSize(),
                config.maxLinger(),
                time,
                metrics,
                SinkRetry.defaults("pgvector table " + config.displayName()));
        this.config = config;
        this.schema = schema;
        try {
            connect(true);
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void connect(boolean ensureTable) throws SQLException {
        Connection c = SinkConnections.open(config.connection(), "the pgvector table sink");
        try {
            if (ensureTable) {
                new PgVectorRowTable(config, schema).ensure(c);
            }
            this.applier = new PgVectorRowApplier(c, config, schema);
            this.connection = c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    protected void apply(List<VectorWrite> writes) throws SQLException {
        applier.apply(writes);
    }

    @Override
    protected void reconnect() throws SQLException {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the original failure is what matters
        }
        connect(false);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
