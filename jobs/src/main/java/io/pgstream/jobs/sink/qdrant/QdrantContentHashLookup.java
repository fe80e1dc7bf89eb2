package io.pgstream.jobs.sink.qdrant;

import static io.qdrant.client.ConditionFactory.filter;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.PointIdFactory.id;

import io.pgstream.jobs.sink.ContentHashLookup;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.VectorOutput;
import io.qdrant.client.grpc.Points.VectorsOutput;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads stored content hashes from Qdrant with one retrieve call per lookup: the chunk-0 point ids
 * of the asked rows are computed ({@link QdrantPointIds}), and only their {@code id} and {@code
 * content_hash} payload fields are fetched (no vectors). Stored chunk vectors are scrolled by row
 * (one filter over the rows' ids). A missing collection holds no hashes.
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

    /**
     * Scrolls the points of these rows ({@code source_table} and one of the {@code id}s) with their
     * vectors and keeps those whose {@code content} is one of {@code contents}.
     */
    @Override
    public Map<String, float[]> storedVectors(
            String sourceTable, Collection<String> ids, Collection<String> contents)
            throws IOException {
        Map<String, float[]> vectors = new HashMap<>();
        String collection = connection.config().collection();
        if (ids.isEmpty()
                || contents.isEmpty()
                || !connection.await(
                        connection.client().collectionExistsAsync(collection),
                        "checking the collection")) {
            return vectors;
        }
        Filter.Builder anyId = Filter.newBuilder();
        for (String id : ids) {
            anyId.addShould(matchKeyword(QdrantPayloads.ID, id));
        }
        Filter rows =
                Filter.newBuilder()
                        .addMust(matchKeyword(QdrantPayloads.SOURCE_TABLE, sourceTable))
                        .addMust(filter(anyId.build()))
                        .build();
        Set<String> wanted = new HashSet<>(contents);
        PointId offset = null;
        do {
            ScrollPoints.Builder request =
                    ScrollPoints.newBuilder()
                            .setCollectionName(collection)
                            .setFilter(rows)
                            .setLimit(256)
                            .setWithPayload(
                                    WithPayloadSelectorFactory.include(
                                            List.of(QdrantPayloads.CONTENT)))
                            .setWithVectors(WithVectorsSelector.newBuilder().setEnable(true));
            if (offset != null) {
                request.setOffset(offset);
            }
            ScrollResponse page =
                    connection.await(
                            connection
                                    .client()
                                    .scrollAsync(request.build(), connection.config().timeout()),
                            "reading stored chunk vectors");
            for (RetrievedPoint p : page.getResultList()) {
                Value content = p.getPayloadMap().get(QdrantPayloads.CONTENT);
                if (content != null
                        && content.hasStringValue()
                        && wanted.contains(content.getStringValue())) {
                    vectors.putIfAbsent(content.getStringValue(), vectorOf(p.getVectors()));
                }
            }
            offset = page.hasNextPageOffset() ? page.getNextPageOffset() : null;
        } while (offset != null);
        return vectors;
    }

    @SuppressWarnings("deprecation") // servers before 1.16 send the data without the dense field
    private static float[] vectorOf(VectorsOutput vectors) {
        VectorOutput v = vectors.getVector();
        List<Float> data = v.hasDense() ? v.getDense().getDataList() : v.getDataList();
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i);
        }
        return out;
    }

    @Override
    public void close() {
        connection.close();
    }
}
