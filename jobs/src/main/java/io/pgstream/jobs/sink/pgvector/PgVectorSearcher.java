package io.pgstream.jobs.sink.pgvector;

import io.pgstream.jobs.sink.SearchHit;
import io.pgstream.jobs.sink.SinkConnections;
import io.pgstream.jobs.sink.VectorSearcher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Nearest chunks in the pgvector table by cosine distance ({@code ORDER BY embedding <=> ?}, which
 * the HNSW index built with {@code vector_cosine_ops} serves); the score is {@code 1 - distance}.
 * Checks the query's size against the configured dimensions first, so a model mismatch reads as
 * one, not as a pgvector error.
 */
public final class PgVectorSearcher implements VectorSearcher {

    private final PgVectorSinkConfig config;
    private final Connection connection;
    private final String sql;

    public PgVectorSearcher(PgVectorSinkConfig config) throws SQLException {
        this.config = config;
        this.connection = SinkConnections.open(config.connection(), "pgstream search");
        this.connection.setAutoCommit(true);
        this.connection.setReadOnly(true);
        this.sql =
                "SELECT id, source_table, chunk, 1 - (embedding <=> ?::vector) AS score, content,"
                        + " metadata::text FROM "
                        + config.qualifiedTable()
                        + " ORDER BY embedding <=> ?::vector LIMIT ?";
    }

    public static VectorSearcher.Factory factory(PgVectorSinkConfig config) {
        return () -> new PgVectorSearcher(config);
    }

    @Override
    public List<SearchHit> search(float[] query, int k) throws SQLException {
        if (query.length != config.dimensions()) {
            throw new IllegalArgumentException(
                    "The query vector has "
                            + query.length
                            + " dimensions but "
                            + config.displayName()
                            + " stores "
                            + config.dimensions()
                            + ": embed the query with the model that built the index");
        }
        String vector = VectorText.format(query);
        List<SearchHit> hits = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, vector);
            ps.setString(2, vector);
            ps.setInt(3, k);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hits.add(
                            new SearchHit(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getInt(3),
                                    rs.getDouble(4),
                                    rs.getString(5),
                                    rs.getString(6)));
                }
            }
        }
        return hits;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
