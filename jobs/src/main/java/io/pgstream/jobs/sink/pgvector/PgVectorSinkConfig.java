package io.pgstream.jobs.sink.pgvector;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.Identifiers;
import io.pgstream.jobs.sink.SinkOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the pgvector sink, lookup and searcher need: where the table is, its vector size,
 * whether to index it, and how many writes to buffer. Immutable and serializable, so job graphs
 * carry it to the task managers.
 */
public final class PgVectorSinkConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PgConnectionConfig connection;
    private final String schema;
    private final String table;
    private final int dimensions;
    private final boolean hnsw;
    private final int batchSize;
    private final Duration maxLinger;

    private PgVectorSinkConfig(
            PgConnectionConfig connection,
            String schema,
            String table,
            int dimensions,
            boolean hnsw,
            int batchSize,
            Duration maxLinger) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.schema = schema;
        this.table = table;
        this.dimensions = dimensions;
        this.hnsw = hnsw;
        this.batchSize = batchSize;
        this.maxLinger = maxLinger;
        if (maxLinger != null && maxLinger.isNegative()) {
            throw new IllegalArgumentException("max-linger must be >= 0, got " + maxLinger);
        }
        if (dimensions < 1 || dimensions > 16000) {
            throw new IllegalArgumentException(
                    "pgvector dimensions must be between 1 and 16000, got " + dimensions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size must be positive, got " + batchSize);
        }
        Identifiers.quote(table);
    }

    /**
     * @param table {@code name} or {@code schema.name}; unqualified names follow the search path
     */
    public static PgVectorSinkConfig of(
            PgConnectionConfig connection,
            String table,
            int dimensions,
            boolean hnsw,
            int batchSize) {
        Objects.requireNonNull(table, "table");
        int dot = table.indexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        if (schema != null && schema.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid pgvector table '" + table + "': expected name or schema.name");
        }
        return new PgVectorSinkConfig(
                connection,
                schema,
                name,
                dimensions,
                hnsw,
                batchSize,
                SinkOptions.MAX_LINGER.defaultValue());
    }

    /**
     * @param linger null to flush on batch size and checkpoints only
     */
    public PgVectorSinkConfig withMaxLinger(Duration linger) {
        return new PgVectorSinkConfig(
                connection, schema, table, dimensions, hnsw, batchSize, linger);
    }

    public PgConnectionConfig connection() {
        return connection;
    }

    /** The schema, or null when the name is unqualified. */
    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    /** The table as quoted SQL: {@code "schema"."name"} or {@code "name"}. */
    public String qualifiedTable() {
        return schema == null
                ? Identifiers.quote(table)
                : Identifiers.quote(schema) + "." + Identifiers.quote(table);
    }

    /** The table as people write it, for messages. */
    public String displayName() {
        return schema == null ? table : schema + "." + table;
    }

    public int dimensions() {
        return dimensions;
    }

    public boolean hnsw() {
        return hnsw;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * How long a buffered write may wait for more before the writer flushes it without a
     * checkpoint; null flushes on batch size and checkpoints only. Default {@link
     * SinkOptions#MAX_LINGER}.
     */
    public Duration maxLinger() {
        return maxLinger;
    }

    @Override
    public String toString() {
        return "pgvector " + displayName() + " (" + dimensions + " dims) at " + connection;
    }
}
