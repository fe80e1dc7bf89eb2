package io.pgstream.jobs.table;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.PgStreamSetupException;
import io.pgstream.jobs.sink.SinkConnections;
import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

/**
 * Creates {@code 'connector' = 'pgvector'} tables: an upsert sink into a PostgreSQL table with a
 * {@code vector(n)} column and a {@code VECTOR_SEARCH} source over it; registered in {@code
 * META-INF/services}.
 *
 * <pre>{@code
 * CREATE TABLE doc_vectors (
 *   id BIGINT, title STRING, embedding ARRAY<FLOAT>, lsn BIGINT,
 *   PRIMARY KEY (id) NOT ENFORCED
 * ) WITH (
 *   'connector' = 'pgvector', 'url' = 'postgresql://app@db:5432/app',
 *   'table-name' = 'public.doc_vectors', 'dimension' = '384', 'version-column' = 'lsn'
 * );
 * }</pre>
 *
 * <p>Planning looks the table up (one short connection): an existing table's {@code vector(n)} must
 * match {@code dimension} (or gives it, when unset); a missing one needs {@code dimension} and is
 * created by the first writer.
 */
public final class PgVectorTableFactory extends VectorTableFactory {

    public static final String IDENTIFIER = "pgvector";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PgVectorTableOptions.URL, PgVectorTableOptions.TABLE_NAME);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                PgVectorTableOptions.USERNAME,
                PgVectorTableOptions.PASSWORD,
                VectorTableOptions.DIMENSION,
                VectorTableOptions.VERSION_COLUMN,
                SinkOptions.BATCH_SIZE,
                SinkOptions.MAX_LINGER,
                PgVectorSinkOptions.HNSW);
    }

    @Override
    VectorStore store(ReadableConfig options, VectorTableSchema schema, Context context) {
        PgConnectionConfig db = connection(options);
        String table = options.get(PgVectorTableOptions.TABLE_NAME);
        Integer dimension = options.getOptional(VectorTableOptions.DIMENSION).orElse(null);
        PgVectorSinkConfig config = config(options, db, table, dimension == null ? 1 : dimension);
        PgVectorRowTable rowTable = new PgVectorRowTable(config, schema);
        Integer existing;
        try (Connection c = open(db, table)) {
            existing = rowTable.existingDimension(c);
            if (existing != null) {
                rowTable.checkExisting(c);
            }
        } catch (SQLException e) {
            throw new ValidationException(e.getMessage());
        }
        if (existing == null && dimension == null) {
            throw new ValidationException(
                    "pgvector table "
                            + config.displayName()
                            + " does not exist: set '"
                            + VectorTableOptions.DIMENSION.key()
                            + "' so it can be created");
        } else if (existing != null && dimension != null && !existing.equals(dimension)) {
            throw new ValidationException(rowTable.dimensionMismatch(existing));
        }
        return new PgVectorStore(
                existing == null ? config : config(options, db, table, existing), schema);
    }

    /**
     * A short planning connection; an unreachable or refusing server is a server to fix, which the
     * CLI reports (the setup problem's message, exit code 2).
     */
    private static Connection open(PgConnectionConfig db, String table) {
        try {
            return SinkConnections.open(db, "the pgvector table " + table);
        } catch (SQLException e) {
            throw new ValidationException(
                    e.getMessage(),
                    new PgStreamSetupException(
                            PgStreamSetupException.Reason.CONNECTION, e.getMessage(), e));
        }
    }

    private static PgConnectionConfig connection(ReadableConfig options) {
        PgConnectionConfig db;
        try {
            db = PgConnectionConfig.parse(options.get(PgVectorTableOptions.URL));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "'" + PgVectorTableOptions.URL.key() + "': " + e.getMessage(), e);
        }
        if (options.getOptional(PgVectorTableOptions.USERNAME).isEmpty()
                && options.getOptional(PgVectorTableOptions.PASSWORD).isEmpty()) {
            return db;
        }
        return db.withCredentials(
                options.getOptional(PgVectorTableOptions.USERNAME).orElse(db.user()),
                options.getOptional(PgVectorTableOptions.PASSWORD).orElse(null));
    }

    private static PgVectorSinkConfig config(
            ReadableConfig options, PgConnectionConfig db, String table, int dimension) {
        try {
            return PgVectorSinkConfig.of(
                            db,
                            table,
                            dimension,
                            options.get(PgVectorSinkOptions.HNSW),
                            options.get(SinkOptions.BATCH_SIZE))
                    .withMaxLinger(options.get(SinkOptions.MAX_LINGER));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "'"
                            + PgVectorTableOptions.TABLE_NAME.key()
                            + "' / '"
                            + VectorTableOptions.DIMENSION.key()
                            + "': "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    int dimension(VectorStore store) {
        return ((PgVectorStore) store).dimension();
    }

    @Override
    String target(ReadableConfig options) {
        return options.get(PgVectorTableOptions.TABLE_NAME);
    }
}
