package io.pgstream.jobs.table;

import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.qdrant.QdrantSink;
import io.pgstream.jobs.sink.qdrant.QdrantSinkConfig;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * A {@code qdrant} SQL table's store: the job file's Qdrant sink, unchanged, and a {@link
 * QdrantRowSearcher}. A row is one point (chunk 0) whose id is derived from the collection and key
 * like the YAML sink's, with the non-embedding columns under the payload's {@code metadata}.
 */
final class QdrantStore implements VectorStore {
    private static final long serialVersionUID = 1L;

    private final QdrantSinkConfig config;
    private final VectorTableSchema schema;

    QdrantStore(QdrantSinkConfig config, VectorTableSchema schema) {
        this.config = config;
        this.schema = schema;
    }

    @Override
    public Sink<VectorWrite> sink() {
        return new QdrantSink(config);
    }

    @Override
    public RowSearcher openSearcher() {
        return new QdrantRowSearcher(config, schema);
    }

    int dimension() {
        return config.dimensions();
    }

    @Override
    public String describe() {
        return "qdrant collection " + config.collection();
    }
}
