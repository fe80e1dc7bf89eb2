package io.pgstream.jobs.sink.qdrant;

import io.pgstream.jobs.sink.IndexIdentity;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.UpdateCollection;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.io.IOException;

/**
 * The {@link IndexIdentity} of a Qdrant collection, kept in the collection's own metadata (Qdrant
 * 1.16+, {@code CreateCollection.metadata} / {@code CollectionConfig.metadata}) under one key, so
 * no point or payload field is reserved for it.
 */
public final class QdrantIdentity {

    /** The metadata key; its value is {@link IndexIdentity#toJson()}. */
    static final String KEY = "pgstream_index";

    private final QdrantConnection connection;

    public QdrantIdentity(QdrantConnection connection) {
        this.connection = connection;
    }

    /** The recorded identity; null when the collection has none. */
    public IndexIdentity read() throws IOException {
        Value v = info().getConfig().getMetadataMap().get(KEY);
        return v != null && v.hasStringValue() ? IndexIdentity.parse(v.getStringValue()) : null;
    }

    /** Whether the collection holds any point. */
    public boolean hasVectors() throws IOException {
        return info().getPointsCount() > 0;
    }

    private CollectionInfo info() throws IOException {
        return connection.await(
                connection.client().getCollectionInfoAsync(connection.config().collection()),
                "reading the collection");
    }

    /** Records {@code identity} in the collection's metadata (other keys are kept). */
    public void write(IndexIdentity identity) throws IOException {
        connection.await(
                connection
                        .client()
                        .updateCollectionAsync(
                                UpdateCollection.newBuilder()
                                        .setCollectionName(connection.config().collection())
                                        .putMetadata(KEY, ValueFactory.value(identity.toJson()))
                                        .build()),
                "recording the collection's model");
    }
}
