package io.pgstream.jobs.sink.pgvector;

import io.pgstream.connector.slot.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes sure the vector table exists with the model's vector size: installs the {@code vector}
 * extension when it is available but not created, creates the table (and its HNSW index) when
 * missing, and refuses an existing table whose vector size differs from the model's, naming both.
 *
 * <p>Layout: {@code source_table text, id text, chunk int, embedding vector(N), content text,
 * metadata jsonb, content_hash text, lsn bigint, updated_at timestamptz}, primary key {@code
 * (source_table, id, chunk)}. {@code lsn} is the version guard every write checks. Several writer
 * subtasks may start together, so creation runs under a transaction-scoped advisory lock.
 */
public final class PgVectorTable {

    private final PgVectorSinkConfig config;

    public PgVectorTable(PgVectorSinkConfig config) {
        this.config = config;
    }

    /** Creates what is missing and checks what exists; commits. */
    public void ensure(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            try (PreparedStatement lock =
                    c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "pgstream.pgvector:" + config.qualifiedTable());
                lock.execute();
            }
            ensureExtension(c);
            Integer existing = existingDimensions(c);
            if (existing == null) {
                s.execute(createTableSql());
            } else if (existing != config.dimensions()) {
                throw new SQLException(
                        "pgvector table "
                                + config.displayName()
                                + " stores vectors of "
                                + existing
                                + " dimensions but the embedding model produces "
                                + config.dimensions()
                                + ": use another table, or drop this one to rebuild it with the"
                                + " new model");
            }
            if (config.hnsw()) {
                s.execute(
                        "CREATE INDEX IF NOT EXISTS "
                                + Identifiers.quote(indexName())
                                + " ON "
                                + config.qualifiedTable()
                                + " USING hnsw (embedding vector_cosine_ops)");
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    String createTableSql() {
        return "CREATE TABLE IF NOT EXISTS "
                + config.qualifiedTable()
                + " (source_table text NOT NULL, id text NOT NULL, chunk int NOT NULL,"
                + " embedding vector("
                + config.dimensions()
                + ") NOT NULL, content text NOT NULL, metadata jsonb NOT NULL DEFAULT '{}',"
                + " content_hash text, lsn bigint NOT NULL, updated_at timestamptz NOT NULL"
                + " DEFAULT now(), PRIMARY KEY (source_table, id, chunk))";
    }

    /** {@code <table>_embedding_hnsw}, cut to PostgreSQL's 63-byte identifier limit. */
    String indexName() {
        String suffix = "_embedding_hnsw";
        String base = config.table();
        while ((base + suffix).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            base = base.substring(0, base.length() - 1);
        }
        return base + suffix;
    }

    /**
     * Creates the {@code vector} extension when it is missing, inside the caller's transaction;
     * fails with what to install or who may create it.
     */
    public static void ensureExtension(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT 1 FROM pg_extension WHERE extname = 'vector'")) {
            if (rs.next()) {
                return;
            }
        }
        try (Statement create = c.createStatement()) {
            create.execute("SAVEPOINT pgstream_ext");
            create.execute("CREATE EXTENSION IF NOT EXISTS vector");
        } catch (SQLException e) {
            String state = e.getSQLState();
            if ("42501".equals(state)) {
                throw new SQLException(
                        "The pgvector extension is not created in database "
                                + c.getCatalog()
                                + " and this role may not create it: run CREATE EXTENSION vector"
                                + " as a superuser (or the database owner on PostgreSQL 13+)",
                        state,
                        e);
            }
            throw new SQLException(
                    "pgvector is not installed on the server of database "
                            + c.getCatalog()
                            + " ("
                            + e.getMessage()
                            + "): install the pgvector package for this PostgreSQL version"
                            + " (e.g. postgresql-16-pgvector), then restart the job",
                    state,
                    e);
        }
    }

    /** The embedding column's vector size, or null when the table does not exist. */
    private Integer existingDimensions(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT a.atttypmod, t.typname FROM pg_class r"
                                + " LEFT JOIN pg_attribute a ON a.attrelid = r.oid"
                                + " AND a.attname = 'embedding' AND NOT a.attisdropped"
                                + " LEFT JOIN pg_type t ON t.oid = a.atttypid"
                                + " WHERE r.oid = to_regclass(?)")) {
            ps.setString(1, config.qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!"vector".equals(rs.getString(2))) {
                    throw new SQLException(
                            "Table "
                                    + config.displayName()
                                    + " exists but has no 'embedding vector' column: it is not a"
                                    + " pgstream vector table; choose another table name");
                }
                return rs.getInt(1);
            }
        }
    }
}
