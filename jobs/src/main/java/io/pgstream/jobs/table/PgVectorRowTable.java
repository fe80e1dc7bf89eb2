package io.pgstream.jobs.table;

import io.pgstream.connector.slot.Identifiers;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import io.pgstream.jobs.sink.pgvector.PgVectorTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * The PostgreSQL table behind a {@code pgvector} SQL table: its columns are the Flink table's, the
 * embedding a {@code vector(n)}, an LSN-text version column a {@code pg_lsn}, the others of the
 * mapped PostgreSQL type ({@link #pgType}), with the declared primary key. {@link
 * #existingDimension} answers the planner's question (does it exist, with which vector size);
 * {@link #ensure} creates it at writer start, under a transaction-scoped advisory lock because
 * several writer subtasks start together.
 */
final class PgVectorRowTable {

    private final PgVectorSinkConfig config;
    private final VectorTableSchema schema;

    PgVectorRowTable(PgVectorSinkConfig config, VectorTableSchema schema) {
        this.config = config;
        this.schema = schema;
    }

    /**
     * The size of the table's {@code vector} column, or null when the table does not exist.
     *
     * @throws SQLException when the table exists without the embedding column as a vector
     */
    Integer existingDimension(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT a.atttypmod, t.typname FROM pg_class r"
                                + " LEFT JOIN pg_attribute a ON a.attrelid = r.oid"
                                + " AND a.attname = ? AND NOT a.attisdropped"
                                + " LEFT JOIN pg_type t ON t.oid = a.atttypid"
                                + " WHERE r.oid = to_regclass(?)")) {
            ps.setString(1, schema.embeddingName());
            ps.setString(2, config.qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!"vector".equals(rs.getString(2))) {
                    throw new SQLException(
                            "PostgreSQL table "
                                    + config.displayName()
                                    + " has no column "
                                    + schema.embeddingName()
                                    + " of type vector: declare the Flink table's ARRAY<FLOAT>"
                                    + " column with the name of the table's vector column");
                }
                return rs.getInt(1);
            }
        }
    }

    /**
     * Checks an existing table against the declaration: every declared column exists, and the
     * declared key has a unique index (which {@code ON CONFLICT} needs).
     *
     * @throws SQLException naming the missing columns or the key, and the fix
     */
    void checkExisting(Connection c) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?)"
                                + " AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, config.qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        List<String> missing = schema.names().stream().filter(n -> !columns.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new SQLException(
                    "PostgreSQL table "
                            + config.displayName()
                            + " has no column "
                            + String.join(", ", missing)
                            + ": declare only its columns (names as stored), or use another table");
        }
        Set<String> key = new HashSet<>();
        for (int k : schema.key()) {
            key.add(schema.names().get(k));
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT array_agg(a.attname::text) FROM pg_index i JOIN pg_attribute a"
                                + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                                + " WHERE i.indrelid = to_regclass(?) AND i.indisunique"
                                + " GROUP BY i.indexrelid")) {
            ps.setString(1, config.qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (Set.of((String[]) rs.getArray(1).getArray()).equals(key)) {
                        return;
                    }
                }
            }
        }
        throw new SQLException(
                "PostgreSQL table "
                        + config.displayName()
                        + " has no primary key or unique index on ("
                        + String.join(", ", key)
                        + "), the declared PRIMARY KEY: declare the table's key, or add the index");
    }

    /** Creates the extension, table and (with {@code sink.hnsw}) its HNSW index when missing. */
    void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (PreparedStatement lock =
                    c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "pgstream.pgvector:" + config.qualifiedTable());
                lock.execute();
            }
            PgVectorTable.ensureExtension(c);
            Integer existing = existingDimension(c);
            if (existing == null) {
                s.execute(createTableSql());
                if (config.hnsw()) {
                    s.execute(
                            "CREATE INDEX ON "
                                    + config.qualifiedTable()
                                    + " USING hnsw ("
                                    + Identifiers.quote(schema.embeddingName())
                                    + " vector_cosine_ops)");
                }
            } else if (existing != config.dimensions()) {
                throw new SQLException(dimensionMismatch(existing));
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    String dimensionMismatch(int existing) {
        return "pgvector table "
                + config.displayName()
                + " stores vectors of "
                + existing
                + " dimensions but 'dimension' is "
                + config.dimensions()
                + ": set 'dimension' = '"
                + existing
                + "', or use another table";
    }

    String createTableSql() {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < schema.names().size(); i++) {
            LogicalType t = schema.rowType().getTypeAt(i);
            String type =
                    i == schema.embedding()
                            ? "vector(" + config.dimensions() + ")"
                            : i == schema.version() && schema.versionIsLsnText()
                                    ? "pg_lsn"
                                    : pgType(t);
            columns.add(
                    Identifiers.quote(schema.names().get(i))
                            + " "
                            + type
                            + (t.isNullable() ? "" : " NOT NULL"));
        }
        List<String> key = new ArrayList<>();
        for (int k : schema.key()) {
            key.add(Identifiers.quote(schema.names().get(k)));
        }
        return "CREATE TABLE IF NOT EXISTS "
                + config.qualifiedTable()
                + " ("
                + String.join(", ", columns)
                + ", PRIMARY KEY ("
                + String.join(", ", key)
                + "))";
    }

    /** The PostgreSQL type a column of Flink type {@code t} is created with. */
    static String pgType(LogicalType t) {
        return switch (t.getTypeRoot()) {
            case CHAR, VARCHAR -> "text";
            case BOOLEAN -> "boolean";
            case TINYINT, SMALLINT -> "smallint";
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case FLOAT -> "real";
            case DOUBLE -> "double precision";
            case DECIMAL -> {
                DecimalType d = (DecimalType) t;
                yield "numeric(" + d.getPrecision() + ", " + d.getScale() + ")";
            }
            case DATE -> "date";
            case TIMESTAMP_WITHOUT_TIME_ZONE -> "timestamp";
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "timestamptz";
            case BINARY, VARBINARY -> "bytea";
            default -> throw new IllegalArgumentException("no PostgreSQL type for " + t);
        };
    }
}
