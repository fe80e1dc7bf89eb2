package io.pgstream.jobs.sink.qdrant;

import io.pgstream.jobs.sink.BufferedVectorWriter;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.MetricGroup;

/**
 * Applies buffered {@link VectorWrite}s to Qdrant ({@link QdrantApplier}) on batch size, on {@code
 * max-linger} and before each checkpoint (see {@link BufferedVectorWriter}); every call waits for
 * the server to apply it ({@code wait=true}), so a completed checkpoint means its writes are in the
 * collection. Eager writes are safe for the same reason as in pgvector: every upsert, delete and
 * payload update is version-guarded by the point's {@code lsn}, so a replay after a restore
 * rewrites the same values and never moves a point backwards. Runs on the task thread only.
 */
public final class QdrantWriter extends BufferedVectorWriter {

    private final QdrantConnection connection;
    private final QdrantApplier applier;

    /** Connects and creates the collection when missing (checking an existing one's size). */
    public QdrantWriter(QdrantSinkConfig config, ProcessingTimeService time, MetricGroup metrics)
            throws IOException {
        this(
                config,
                config.maxLinger(),
                time,
                metrics,
                SinkRetry.defaults("Qdrant collection " + config.collection()));
    }

    QdrantWriter(
            QdrantSinkConfig config,
            Duration maxLinger,
            ProcessingTimeService time,
            MetricGroup metrics,
            SinkRetry retry)
            throws IOException {
        super(config.batchSize(), maxLinger, time, metrics, retry);
        this.connection = new QdrantConnection(config);
        try {
            connection.ensureCollection();
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        this.applier = new QdrantApplier(connection);
    }

    @Override
    protected void apply(List<VectorWrite> writes) throws IOException {
        applier.apply(writes);
    }

    /** The gRPC channel reconnects by itself. */
    @Override
    protected void reconnect() {}

    @Override
    public void close() {
        connection.close();
    }
}
