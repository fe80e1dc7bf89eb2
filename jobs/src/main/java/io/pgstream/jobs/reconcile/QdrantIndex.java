package io.pgstream.jobs.reconcile;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.PointIdFactory.id;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.qdrant.QdrantApplier;
import io.pgstream.jobs.sink.qdrant.QdrantConnection;
import io.pgstream.jobs.sink.qdrant.QdrantPayloads;
import io.pgstream.jobs.sink.qdrant.QdrantPointIds;
import io.pgstream.jobs.sink.qdrant.QdrantSinkConfig;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Qdrant collection as a {@link VectorIndex}: a page's rows are fetched with one retrieve call by
 * their deterministic point ids ({@link QdrantPointIds}, chunks 0..n of each row), the scan is a
 * {@code scroll} filtered on {@code source_table} that follows {@code next_page_offset}, and
 * repairs go through {@link QdrantApplier}. Vectors are never fetched, only the payload fields
 * needed.
 */
public final class QdrantIndex implements VectorIndex {

    private final QdrantConnection connection;
    private final String collection;
    private QdrantApplier applier;

    public QdrantIndex(QdrantSinkConfig config) {
        this.connection = new QdrantConnection(config);
        this.collection = config.collection();
    }

    @Override
    public boolean exists() throws IOException {
        return connection.await(
                connection.client().collectionExistsAsync(collection), "checking the collection");
    }

    @Override
    public List<StoredChunk> chunksOf(String sourceTable, List<RowExpectation> rows)
            throws IOException {
        List<StoredChunk> chunks = new ArrayList<>();
        if (rows.isEmpty()) {
            return chunks;
        }
        List<PointId> ids = new ArrayList<>();
        for (RowExpectation row : rows) {
            for (int c = 0; c <= row.chunks().size(); c++) {
                ids.add(id(QdrantPointIds.pointId(sourceTable, row.id(), c)));
            }
        }
        List<RetrievedPoint> found =
                connection.retrieve(
                        ids,
                        List.of(
                                QdrantPayloads.ID,
                                QdrantPayloads.CHUNK,
                                QdrantPayloads.CONTENT,
                                QdrantPayloads.CONTENT_HASH,
                                QdrantPayloads.LSN),
                        "reading the points of " + rows.size() + " rows of " + sourceTable);
        for (RetrievedPoint p : found) {
            StoredChunk c = chunk(p.getPayloadMap());
            if (c != null) {
                chunks.add(c);
            }
        }
        return chunks;
    }

    @Override
    public Scan scan(String sourceTable, int pageSize) {
        Filter ofTable =
                Filter.newBuilder()
                        .addMust(matchKeyword(QdrantPayloads.SOURCE_TABLE, sourceTable))
                        .build();
        return new PagedScan<PointId>(
                offset -> {
                    ScrollPoints.Builder request =
                            ScrollPoints.newBuilder()
                                    .setCollectionName(collection)
                                    .setFilter(ofTable)
                                    .setLimit(pageSize)
                                    .setWithPayload(
                                            WithPayloadSelectorFactory.include(
                                                    List.of(
                                                            QdrantPayloads.ID,
                                                            QdrantPayloads.CHUNK,
                                                            QdrantPayloads.LSN)))
                                    .setWithVectors(noVectors());
                    if (offset != null) {
                        request.setOffset(offset);
                    }
                    ScrollResponse response =
                            connection.await(
                                    connection
                                            .client()
                                            .scrollAsync(
                                                    request.build(), connection.config().timeout()),
                                    "scrolling the points of " + sourceTable);
                    List<StoredChunk> page = new ArrayList<>();
                    for (RetrievedPoint p : response.getResultList()) {
                        StoredChunk c = chunk(p.getPayloadMap());
                        if (c != null) {
                            page.add(c);
                        }
                    }
                    return new PagedScan.Page<>(
                            page,
                            response.hasNextPageOffset() ? response.getNextPageOffset() : null);
                });
    }

    private static WithVectorsSelector noVectors() {
        return WithVectorsSelector.newBuilder().setEnable(false).build();
    }

    /** The chunk a point's payload describes; null for a point without pgstream's fields. */
    private static StoredChunk chunk(Map<String, Value> payload) {
        Value id = payload.get(QdrantPayloads.ID);
        Value chunk = payload.get(QdrantPayloads.CHUNK);
        if (id == null || !id.hasStringValue() || chunk == null) {
            return null;
        }
        return new StoredChunk(
                id.getStringValue(),
                (int) number(chunk),
                text(payload.get(QdrantPayloads.CONTENT)),
                text(payload.get(QdrantPayloads.CONTENT_HASH)),
                new Lsn(number(payload.get(QdrantPayloads.LSN))));
    }

    private static long number(Value v) {
        if (v == null) {
            return 0;
        }
        return v.hasIntegerValue() ? v.getIntegerValue() : (long) v.getDoubleValue();
    }

    private static String text(Value v) {
        return v != null && v.hasStringValue() ? v.getStringValue() : null;
    }

    @Override
    public void prepare() throws IOException {
        connection.ensureCollection();
    }

    @Override
    public void apply(List<VectorWrite> writes) throws IOException {
        if (applier == null) {
            applier = new QdrantApplier(connection);
        }
        applier.apply(writes);
    }

    @Override
    public void close() {
        connection.close();
    }
}
