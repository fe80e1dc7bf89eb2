package io.pgstream.jobs.table;

import io.pgstream.jobs.sink.qdrant.QdrantConnection;
import io.pgstream.jobs.sink.qdrant.QdrantPayloads;
import io.pgstream.jobs.sink.qdrant.QdrantSinkConfig;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.VectorOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;

/**
 * Nearest points of a {@code qdrant} SQL table, as rows: the columns from the payload's {@code
 * metadata} object ({@link RowJson}), the embedding from the point's vector, then Qdrant's score
 * (with the collection's Cosine distance, the cosine similarity). Like {@code QdrantSearcher}, but
 * it asks for the vectors too, so {@code SELECT *} over a search returns the embedding.
 */
final class QdrantRowSearcher implements VectorStore.RowSearcher {

    private final QdrantConnection connection;
    private final VectorTableSchema schema;

    QdrantRowSearcher(QdrantSinkConfig config, VectorTableSchema schema) {
        this.connection = new QdrantConnection(config);
        this.schema = schema;
    }

    @Override
    public List<RowData> search(float[] query, int k) throws IOException {
        List<ScoredPoint> points = connection.nearest(query, k, true);
        List<RowData> rows = new ArrayList<>();
        for (ScoredPoint p : points) {
            rows.add(row(p));
        }
        return rows;
    }

    private RowData row(ScoredPoint p) {
        Value metadata = p.getPayloadMap().get(QdrantPayloads.METADATA);
        var columns = RowJson.parse(metadata == null ? "{}" : QdrantPayloads.toJson(metadata));
        List<String> names = schema.names();
        GenericRowData row = new GenericRowData(names.size() + 1);
        for (int i = 0; i < names.size(); i++) {
            if (i != schema.embedding()) {
                row.setField(
                        i,
                        RowJson.fromJson(columns.get(names.get(i)), schema.rowType().getTypeAt(i)));
            }
        }
        if (p.hasVectors() && p.getVectors().hasVector()) {
            VectorOutput v = p.getVectors().getVector();
            List<Float> data = v.hasDense() ? v.getDense().getDataList() : v.getDataList();
            row.setField(schema.embedding(), new GenericArrayData(data.toArray(new Float[0])));
        }
        row.setField(names.size(), (double) p.getScore());
        return row;
    }

    @Override
    public void close() {
        connection.close();
    }
}
