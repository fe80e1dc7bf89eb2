package io.pgstream.jobs.table;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgstream.connector.slot.Identifiers;
import io.pgstream.jobs.sink.SinkConnections;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;

/**
 * Nearest rows of a {@code pgvector} SQL table by cosine distance ({@code ORDER BY embedding <=>
 * ?}, served by the HNSW {@code vector_cosine_ops} index), each returned as {@code to_jsonb} of the
 * row, read back by {@link RowJson}, plus {@code 1 - distance} as the score. Like {@code
 * PgVectorSearcher}, for a table of the SQL layout.
 */
final class PgVectorRowSearcher implements VectorStore.RowSearcher {

    private final VectorTableSchema schema;
    private final Connection connection;
    private final String sql;

    PgVectorRowSearcher(PgVectorSinkConfig config, VectorTableSchema schema) throws SQLException {
        this.schema = schema;
        this.connection = SinkConnections.open(config.connection(), "VECTOR_SEARCH");
        this.connection.setAutoCommit(true);
        this.connection.setReadOnly(true);
        String e = "v." + Identifiers.quote(schema.embeddingName());
        this.sql =
                "SELECT to_jsonb(v)::text, 1 - ("
                        + e
                        + " <=> ?::vector) FROM "
                        + config.qualifiedTable()
                        + " v ORDER BY "
                        + e
                        + " <=> ?::vector LIMIT ?";
    }

    @Override
    public List<RowData> search(float[] query, int k) throws SQLException {
        String vector = RowJson.vectorText(query);
        List<RowData> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, vector);
            ps.setString(2, vector);
            ps.setInt(3, k);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(RowJson.parse(rs.getString(1)), rs.getDouble(2)));
                }
            }
        }
        return rows;
    }

    private RowData row(JsonNode columns, double score) {
        List<String> names = schema.names();
        GenericRowData row = new GenericRowData(names.size() + 1);
        for (int i = 0; i < names.size(); i++) {
            row.setField(
                    i, RowJson.fromJson(columns.get(names.get(i)), schema.rowType().getTypeAt(i)));
        }
        row.setField(names.size(), score);
        return row;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
