package io.pgstream.jobs.sink.qdrant;

import static io.qdrant.client.PointIdFactory.id;

import io.pgstream.jobs.sink.ContentHashLookup;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads stored content hashes from Qdrant with one retrieve call per lookup: the chunk-0 point ids
 * of the asked rows are computed ({@link QdrantPointIds}), and only their {@code id} and {@code
 * content_hash} payload fields are fetched (no vectors). A missing collection holds no hashes.
 */
public final class QdrantContentHashLookup implements ContentHashLookup {

    private final QdrantConnection connection;

    public QdrantContentHashLookup(QdrantSinkConfig config) {
        this.connection = new QdrantConnection(config);
    }

    public static ContentHashLookup.Factory factory(QdrantSinkConfig config) {
        return () -> new QdrantContentHashLookup(config);
    }

    @Override
    public Map<String, String> contentHashes(String sourceTable, Collection<String> ids)
            throws IOException {
        Map<String, String> hashes = new HashMap<>();
        String collection = connection.config().collection();
        if (ids.isEmpty()
                || !connection.await(
                        connection.client().collectionExistsAsync(collection),
                        "checking the collection")) {
            return hashes;
        }
        List<PointId> points = new ArrayList<>();
        for (String id : ids) {
            points.add(id(QdrantPointIds.pointId(sourceTable, id, 0)));
        }
        List<RetrievedPoint> found =
                connection.retrieve(
                        points,
                        List.of(QdrantPayloads.ID, QdrantPayloads.CONTENT_HASH),
                        "reading content hashes");
        for (RetrievedPoint p : found) {
            Value id = p.getPayloadMap().get(QdrantPayloads.ID);
            Value hash = p.getPayloadMap().get(QdrantPayloads.CONTENT_HASH);
            if (id != null && hash != null && hash.hasStringValue()) {
                hashes.put(id.getStringValue(), hash.getStringValue());
            }
        }
        return hashes;
    }

    @Override
    public void close() {
        connection.close();
    }
}
