package io.pgstream.jobs.table;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgstream.jobs.sink.SearchHit;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.qdrant.QdrantSearcher;
import io.pgstream.jobs.sink.qdrant.QdrantSink;
import io.pgstream.jobs.sink.qdrant.QdrantSinkConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;

/**
 * A {@code qdrant} SQL table's store: the job file's Qdrant sink and searcher, unchanged. A row is
 * one point (chunk 0) whose id is derived from the collection and key like the YAML sink's, with
 * the non-embedding columns under the payload's {@code metadata}; searches read them back from
 * there. The vector is not fetched back: the embedding column of a search result is NULL.
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
        QdrantSearcher searcher = new QdrantSearcher(config);
        return new RowSearcher() {
            @Override
            public List<RowData> search(float[] query, int k) throws Exception {
                List<RowData> rows = new ArrayList<>();
                for (SearchHit hit : searcher.search(query, k)) {
                    rows.add(row(RowJson.parse(hit.metadataJson()), hit.score()));
                }
                return rows;
            }

            @Override
            public void close() {
                searcher.close();
            }
        };
    }

    private RowData row(JsonNode columns, double score) {
        List<String> names = schema.names();
        GenericRowData row = new GenericRowData(names.size() + 1);
        for (int i = 0; i < names.size(); i++) {
            if (i != schema.embedding()) {
                row.setField(
                        i,
                        RowJson.fromJson(columns.get(names.get(i)), schema.rowType().getTypeAt(i)));
            }
        }
        row.setField(names.size(), score);
        return row;
    }

    int dimension() {
        return config.dimensions();
    }

    @Override
    public String describe() {
        return "qdrant collection " + config.collection();
    }
}
