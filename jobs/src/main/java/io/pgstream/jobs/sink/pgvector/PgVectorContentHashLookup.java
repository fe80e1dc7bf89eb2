package io.pgstream.jobs.sink.pgvector;

import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.SinkConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads stored content hashes from the pgvector table, one query per call ({@code WHERE
 * source_table = ? AND id = ANY(?) AND chunk = 0}: every chunk of a row carries the row's hash, so
 * chunk 0 answers for the row), and the stored vectors of chunks whose text is unchanged. The
 * connection is read-only and autocommit, so it never holds a snapshot open between calls. A table
 * that does not exist yet holds no hashes.
 */
public final class PgVectorContentHashLookup implements ContentHashLookup {

    private final Connection connection;
    private final String sql;
    private final String vectorsSql;
    private final String qualifiedTable;

    public PgVectorContentHashLookup(PgVectorSinkConfig config) throws SQLException {
        this.connection = SinkConnections.open(config.connection(), "the pgvector hash lookup");
        this.connection.setAutoCommit(true);
        this.connection.setReadOnly(true);
        this.qualifiedTable = config.qualifiedTable();
        this.sql =
                "SELECT id, content_hash FROM "
                        + qualifiedTable
                        + " WHERE source_table = ? AND id = ANY(?) AND chunk = 0";
        this.vectorsSql =
                "SELECT content, embedding::text FROM "
                        + qualifiedTable
                        + " WHERE source_table = ? AND id = ANY(?) AND content = ANY(?)";
    }

    /** A factory for the embedding operator (opens one lookup per subtask). */
    public static ContentHashLookup.Factory factory(PgVectorSinkConfig config) {
        return () -> new PgVectorContentHashLookup(config);
    }

    @Override
    public Map<String, String> contentHashes(String sourceTable, Collection<String> ids)
            throws SQLException {
        Map<String, String> hashes = new HashMap<>();
        if (ids.isEmpty() || !tableExists()) {
            return hashes;
        }
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, sourceTable);
            ps.setArray(2, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2) != null) {
                        hashes.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return hashes;
    }

    /**
     * One query: the stored chunks of these rows whose {@code content} is one of {@code contents}
     * (so only reusable vectors are read), each vector in pgvector's text form.
     */
    @Override
    public Map<String, float[]> storedVectors(
            String sourceTable, Collection<String> ids, Collection<String> contents)
            throws SQLException {
        Map<String, float[]> vectors = new HashMap<>();
        if (ids.isEmpty() || contents.isEmpty() || !tableExists()) {
            return vectors;
        }
        try (PreparedStatement ps = connection.prepareStatement(vectorsSql)) {
            ps.setString(1, sourceTable);
            ps.setArray(2, connection.createArrayOf("text", ids.toArray()));
            ps.setArray(3, connection.createArrayOf("text", contents.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    vectors.putIfAbsent(rs.getString(1), VectorText.parse(rs.getString(2)));
                }
            }
        }
        return vectors;
    }

    private boolean tableExists() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?)")) {
            ps.setString(1, qualifiedTable);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getString(1) != null;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
