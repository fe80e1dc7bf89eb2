package io.pgstream.jobs.sink.pgvector;

import io.pgstream.connector.connection.PgjdbcRelease;
import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Keeps a pgvector table equal to the embedded rows of the source tables: a Sink V2 whose writers
 * ({@link PgVectorWriter}) apply version-guarded, batched writes eagerly ({@code max-linger}) and
 * commit everything before each checkpoint (at-least-once delivery made idempotent by the guard;
 * see {@code docs/exactly-once.md}).
 *
 * <pre>{@code
 * PgVectorSinkConfig config = PgVectorSinkConfig.of(db, "public.doc_vectors", 384, true, 500);
 * vectorWrites.sinkTo(new PgVectorSink(config)).name("pgvector");
 * }</pre>
 *
 * <p>Writes of one row must reach the same subtask in commit order: key the stream by row (table
 * plus id) upstream.
 */
public final class PgVectorSink implements Sink<VectorWrite> {
    private static final long serialVersionUID = 1L;

    private final PgVectorSinkConfig config;

    public PgVectorSink(PgVectorSinkConfig config) {
        this.config = config;
    }

    @Override
    public SinkWriter<VectorWrite> createWriter(WriterInitContext context) throws IOException {
        PgjdbcRelease.registerWith(context.getUserCodeClassLoader());
        return new PgVectorWriter(
                config, context.getProcessingTimeService(), context.metricGroup());
    }

    public PgVectorSinkConfig config() {
        return config;
    }
}
