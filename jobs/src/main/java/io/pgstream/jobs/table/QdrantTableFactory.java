package io.pgstream.jobs.table;

import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.sink.qdrant.QdrantSinkConfig;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

/**
 * Creates {@code 'connector' = 'qdrant'} tables: an upsert sink into a Qdrant collection and a
 * {@code VECTOR_SEARCH} source over it; registered in {@code META-INF/services}.
 *
 * <pre>{@code
 * CREATE TABLE doc_vectors (
 *   id BIGINT, title STRING, embedding ARRAY<FLOAT>, lsn BIGINT,
 *   PRIMARY KEY (id) NOT ENFORCED
 * ) WITH (
 *   'connector' = 'qdrant', 'url' = 'http://localhost:6334',
 *   'collection' = 'docs', 'dimension' = '384', 'version-column' = 'lsn'
 * );
 * }</pre>
 */
public final class QdrantTableFactory extends VectorTableFactory {

    public static final String IDENTIFIER = "qdrant";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(
                QdrantTableOptions.URL,
                QdrantTableOptions.COLLECTION,
                VectorTableOptions.DIMENSION);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                QdrantTableOptions.API_KEY,
                VectorTableOptions.VERSION_COLUMN,
                SinkOptions.BATCH_SIZE,
                SinkOptions.MAX_LINGER);
    }

    @Override
    VectorStore store(ReadableConfig options, VectorTableSchema schema, Context context) {
        QdrantSinkConfig config;
        try {
            config =
                    QdrantSinkConfig.of(
                                    options.get(QdrantTableOptions.URL),
                                    options.get(QdrantTableOptions.COLLECTION),
                                    options.get(VectorTableOptions.DIMENSION))
                            .withBatchSize(options.get(SinkOptions.BATCH_SIZE))
                            .withMaxLinger(options.get(SinkOptions.MAX_LINGER));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "'" + QdrantTableOptions.URL.key() + "': " + e.getMessage(), e);
        }
        String key = options.getOptional(QdrantTableOptions.API_KEY).orElse(null);
        if (key != null) {
            config = config.withApiKey(key);
        }
        return new QdrantStore(config, schema);
    }

    @Override
    int dimension(VectorStore store) {
        return ((QdrantStore) store).dimension();
    }

    @Override
    String target(ReadableConfig options) {
        return options.get(QdrantTableOptions.COLLECTION);
    }
}
