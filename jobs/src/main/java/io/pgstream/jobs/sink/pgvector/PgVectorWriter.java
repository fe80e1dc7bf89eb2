package io.pgstream.jobs.sink.pgvector;

import io.pgstream.jobs.sink.SinkConnections;
import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Buffers {@link VectorWrite}s and applies them to the pgvector table, one committed transaction
 * per flush: when {@code batch-size} writes are buffered, and in {@link #flush(boolean)}, which
 * Flink calls before it snapshots the writer for a checkpoint. So when a checkpoint completes,
 * every write before its barrier is committed in PostgreSQL, and acknowledging the source slot up
 * to that checkpoint loses nothing. Writes of one row arrive in commit order and are applied in
 * arrival order (see {@link PgVectorApplier} for the version guard that makes replays harmless).
 *
 * <p>Runs on the task thread only; holds one JDBC connection.
 */
public final class PgVectorWriter implements SinkWriter<VectorWrite> {

    private final PgVectorSinkConfig config;
    private final Connection connection;
    private final PgVectorApplier applier;
    private final List<VectorWrite> buffer;

    /** Connects, creates the table when missing, and checks its vector size. */
    public PgVectorWriter(PgVectorSinkConfig config) throws IOException {
        this(config, PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT);
    }

    PgVectorWriter(PgVectorSinkConfig config, PgVectorApplier.UpsertMethod method)
            throws IOException {
        this.config = config;
        this.buffer = new ArrayList<>(config.batchSize());
        Connection c = null;
        try {
            c = SinkConnections.open(config.connection(), "the pgvector sink");
            new PgVectorTable(config).ensure(c);
            this.applier = new PgVectorApplier(c, config, method);
            this.connection = c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void write(VectorWrite element, Context context) throws IOException {
        buffer.add(element);
        if (buffer.size() >= config.batchSize()) {
            flushBuffer();
        }
    }

    /** Commits everything buffered before returning. */
    @Override
    public void flush(boolean endOfInput) throws IOException {
        flushBuffer();
    }

    private void flushBuffer() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        try {
            applier.apply(buffer);
        } catch (SQLException e) {
            throw new IOException(
                    "Writing "
                            + buffer.size()
                            + " vector writes to "
                            + config.displayName()
                            + " failed: "
                            + e.getMessage(),
                    e);
        }
        buffer.clear();
    }

    /** Writes buffered since the last flush; for tests. */
    int buffered() {
        return buffer.size();
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
