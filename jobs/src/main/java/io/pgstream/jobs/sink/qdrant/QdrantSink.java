package io.pgstream.jobs.sink.qdrant;

import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Keeps a Qdrant collection equal to the embedded rows of the source tables, over Qdrant's gRPC API
 * with the official Java client. Point ids are deterministic ({@link QdrantPointIds}), so replays
 * overwrite rather than duplicate, and every write is guarded by commit LSN ({@link
 * QdrantApplier}), so writing eagerly ({@code max-linger}) keeps the exactly-once effect.
 *
 * <pre>{@code
 * QdrantSinkConfig config =
 *         QdrantSinkConfig.of("https://qdrant.example:6334", "docs", 384).withApiKeyEnv("QDRANT_KEY");
 * vectorWrites.sinkTo(new QdrantSink(config)).name("qdrant");
 * }</pre>
 *
 * <p>Writes of one row must reach the same subtask in commit order: key the stream by row upstream.
 */
public final class QdrantSink implements Sink<VectorWrite> {
    private static final long serialVersionUID = 1L;

    private final QdrantSinkConfig config;

    public QdrantSink(QdrantSinkConfig config) {
        this.config = config;
    }

    @Override
    public SinkWriter<VectorWrite> createWriter(WriterInitContext context) throws IOException {
        return new QdrantWriter(config, context.getProcessingTimeService(), context.metricGroup());
    }

    public QdrantSinkConfig config() {
        return config;
    }
}
