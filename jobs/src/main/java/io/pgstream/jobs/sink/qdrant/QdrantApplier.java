package io.pgstream.jobs.sink.qdrant;

import static io.qdrant.client.ConditionFactory.filter;
import static io.qdrant.client.ConditionFactory.hasId;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.range;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.nullValue;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.WriteRounds;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.SetPayloadPoints;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies a batch of {@link VectorWrite}s to a Qdrant collection, every call with {@code
 * wait=true}, so when {@link #apply} returns the server has applied (not just queued) the batch.
 *
 * <p>The batch is cut into {@link WriteRounds}; per round: one upsert request with every chunk
 * point of the round's UPSERTs; one filter delete covering each UPSERT's chunks numbered n or
 * higher and each DELETE's points; then, per METADATA write, {@code set_payload} of the {@code
 * metadata} object (replacing it; merging columns under it when the change left some unsent, as
 * unchanged TOAST) followed by {@code lsn} and {@code updated_at}. TRUNCATE is a filter delete by
 * source table.
 *
 * <p><b>Version guard</b>, the same as pgvector's ({@code PgVectorApplier}): a stored point is
 * replaced, merged or deleted only when its {@code lsn} payload is not higher than the write's
 * (equal LSNs are changes of one transaction, arriving in order, so the later one wins); a truncate
 * removes points with a lower {@code lsn}. Upserts carry an {@code update_filter} (Qdrant 1.16+):
 * for each point, {@code has_id} plus {@code lsn <= write's}; an existing point that does not match
 * keeps its state, a missing point is always inserted. Deletes, chunk-set shrinks and metadata
 * refreshes are filter operations with the same condition. As in pgvector, a deleted row leaves no
 * tombstone: an upsert older than the delete arriving after it would recreate the row, which the
 * pipeline never sends (writes of a row arrive in commit order, and a replay re-sends the delete).
 * LSNs compare unsigned ({@link QdrantLsnConditions}); {@code lsn} filters go through Qdrant's
 * double-valued ranges: exact below 2^53 bytes of WAL.
 */
public final class QdrantApplier {

    private final QdrantConnection connection;
    private final String collection;

    public QdrantApplier(QdrantConnection connection) {
        this.connection = connection;
        this.collection = connection.config().collection();
    }

    /** Applies {@code writes} in arrival order; blocks until Qdrant has applied them. */
    public void apply(List<VectorWrite> writes) throws IOException {
        for (WriteRounds.Step step : WriteRounds.of(writes)) {
            if (step.isTruncate()) {
                VectorWrite t = step.truncate();
                delete(
                        Filter.newBuilder()
                                .addMust(matchKeyword(QdrantPayloads.SOURCE_TABLE, t.sourceTable()))
                                .addMust(QdrantLsnConditions.below(t.lsn()))
                                .build(),
                        "truncating " + t.sourceTable());
            } else {
                applyRound(step.round());
            }
        }
    }

    private void applyRound(List<VectorWrite> round) throws IOException {
        List<PointStruct> points = new ArrayList<>();
        Map<Lsn, List<PointId>> idsByLsn = new TreeMap<>();
        Filter.Builder removals = Filter.newBuilder();
        List<VectorWrite> metadata = new ArrayList<>();
        for (VectorWrite w : round) {
            switch (w.kind()) {
                case UPSERT -> {
                    List<PointId> ids = idsByLsn.computeIfAbsent(w.lsn(), l -> new ArrayList<>());
                    for (VectorWrite.Chunk c : w.chunks()) {
                        PointId pointId =
                                id(QdrantPointIds.pointId(w.sourceTable(), w.id(), c.index()));
                        ids.add(pointId);
                        points.add(
                                PointStruct.newBuilder()
                                        .setId(pointId)
                                        .setVectors(vectors(c.embedding()))
                                        .putAllPayload(QdrantPayloads.chunk(w, c))
                                        .build());
                    }
                    removals.addShould(filter(rowFilter(w, w.chunks().size())));
                }
                case DELETE -> removals.addShould(filter(rowFilter(w, 0)));
                case METADATA -> metadata.add(w);
                default -> throw new IllegalStateException("unexpected " + w);
            }
        }
        if (!points.isEmpty()) {
            connection.await(
                    connection
                            .client()
                            .upsertAsync(
                                    UpsertPoints.newBuilder()
                                            .setCollectionName(collection)
                                            .setWait(true)
                                            .addAllPoints(points)
                                            .setUpdateFilter(notNewer(idsByLsn))
                                            .build(),
                                    connection.config().timeout()),
                    "upserting " + points.size() + " points");
        }
        if (removals.getShouldCount() > 0) {
            delete(removals.build(), "deleting points of " + removals.getShouldCount() + " rows");
        }
        for (VectorWrite w : metadata) {
            Filter row = rowFilter(w, 0);
            if (w.keptMetadata().isEmpty()) {
                setPayload(
                        Map.of(
                                QdrantPayloads.METADATA,
                                value(QdrantPayloads.jsonObject(w.metadataJson()))),
                        null,
                        row,
                        "replacing metadata of " + w.id());
            } else {
                setPayload(
                        QdrantPayloads.jsonObject(w.metadataJson()),
                        QdrantPayloads.METADATA,
                        row,
                        "merging metadata of " + w.id());
            }
            Map<String, Value> version = new LinkedHashMap<>();
            version.put(QdrantPayloads.LSN, value(w.lsn().value()));
            version.put(
                    QdrantPayloads.UPDATED_AT,
                    w.updatedAt() == null ? nullValue() : value(w.updatedAt().toString()));
            setPayload(version, null, row, "advancing the version of " + w.id());
        }
    }

    /** Per LSN of the round: its points, if their stored lsn is not higher. */
    private static Filter notNewer(Map<Lsn, List<PointId>> idsByLsn) {
        Filter.Builder f = Filter.newBuilder();
        idsByLsn.forEach(
                (lsn, ids) ->
                        f.addShould(
                                filter(
                                        Filter.newBuilder()
                                                .addMust(hasId(ids))
                                                .addMust(QdrantLsnConditions.notAbove(lsn))
                                                .build())));
        return f.build();
    }

    /** The row's points numbered {@code fromChunk} or higher whose lsn is not above the write's. */
    private static Filter rowFilter(VectorWrite w, int fromChunk) {
        Filter.Builder f =
                Filter.newBuilder()
                        .addMust(matchKeyword(QdrantPayloads.SOURCE_TABLE, w.sourceTable()))
                        .addMust(matchKeyword(QdrantPayloads.ID, w.id()))
                        .addMust(QdrantLsnConditions.notAbove(w.lsn()));
        if (fromChunk > 0) {
            f.addMust(range(QdrantPayloads.CHUNK, Range.newBuilder().setGte(fromChunk).build()));
        }
        return f.build();
    }

    private void delete(Filter filter, String what) throws IOException {
        connection.await(
                connection
                        .client()
                        .deleteAsync(
                                DeletePoints.newBuilder()
                                        .setCollectionName(collection)
                                        .setWait(true)
                                        .setPoints(PointsSelector.newBuilder().setFilter(filter))
                                        .build(),
                                connection.config().timeout()),
                what);
    }

    private void setPayload(Map<String, Value> payload, String key, Filter filter, String what)
            throws IOException {
        SetPayloadPoints.Builder request =
                SetPayloadPoints.newBuilder()
                        .setCollectionName(collection)
                        .setWait(true)
                        .putAllPayload(payload)
                        .setPointsSelector(PointsSelector.newBuilder().setFilter(filter));
        if (key != null) {
            request.setKey(key);
        }
        connection.await(
                connection.client().setPayloadAsync(request.build(), connection.config().timeout()),
                what);
    }
}
