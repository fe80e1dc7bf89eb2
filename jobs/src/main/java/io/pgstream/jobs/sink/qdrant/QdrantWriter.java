package io.pgstream.jobs.sink.qdrant;

import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Buffers {@link VectorWrite}s and applies them to Qdrant ({@link QdrantApplier}) when {@code
 * batch-size} writes are buffered and in {@link #flush(boolean)}, which Flink calls before each
 * checkpoint; every call waits for the server to apply it ({@code wait=true}), so a completed
 * checkpoint means its writes are in the collection. Runs on the task thread only.
 */
public final class QdrantWriter implements SinkWriter<VectorWrite> {

    private final QdrantSinkConfig config;
    private final QdrantConnection connection;
    private final QdrantApplier applier;
    private final List<VectorWrite> buffer = new ArrayList<>();

    /** Connects and creates the collection when missing (checking an existing one's size). */
    public QdrantWriter(QdrantSinkConfig config) throws IOException {
        this.config = config;
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
    public void write(VectorWrite element, Context context) throws IOException {
        buffer.add(element);
        if (buffer.size() >= config.batchSize()) {
            flush(false);
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        applier.apply(buffer);
        buffer.clear();
    }

    @Override
    public void close() {
        connection.close();
    }
}
