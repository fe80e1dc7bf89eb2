package io.pgstream.jobs.sink.qdrant;

import io.pgstream.jobs.sink.SearchHit;
import io.pgstream.jobs.sink.VectorSearcher;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Nearest chunks in the Qdrant collection. With the default Cosine distance Qdrant's score is the
 * cosine similarity, which is what {@link SearchHit#score()} promises ({@code 1 - cosine
 * distance}); with another configured distance the score is Qdrant's for that distance.
 */
public final class QdrantSearcher implements VectorSearcher {

    private final QdrantConnection connection;

    public QdrantSearcher(QdrantSinkConfig config) {
        this.connection = new QdrantConnection(config);
    }

    public static VectorSearcher.Factory factory(QdrantSinkConfig config) {
        return () -> new QdrantSearcher(config);
    }

    @Override
    public List<SearchHit> search(float[] query, int k) throws IOException {
        List<ScoredPoint> points = connection.nearest(query, k, false);
        List<SearchHit> hits = new ArrayList<>();
        for (ScoredPoint p : points) {
            Map<String, Value> payload = p.getPayloadMap();
            hits.add(
                    new SearchHit(
                            string(payload, QdrantPayloads.ID),
                            string(payload, QdrantPayloads.SOURCE_TABLE),
                            (int)
                                    payload.getOrDefault(
                                                    QdrantPayloads.CHUNK,
                                                    Value.getDefaultInstance())
                                            .getIntegerValue(),
                            p.getScore(),
                            string(payload, QdrantPayloads.CONTENT),
                            payload.containsKey(QdrantPayloads.METADATA)
                                    ? QdrantPayloads.toJson(payload.get(QdrantPayloads.METADATA))
                                    : "{}"));
        }
        return hits;
    }

    private static String string(Map<String, Value> payload, String key) {
        Value v = payload.get(key);
        return v == null ? null : v.getStringValue();
    }

    @Override
    public void close() {
        connection.close();
    }
}
