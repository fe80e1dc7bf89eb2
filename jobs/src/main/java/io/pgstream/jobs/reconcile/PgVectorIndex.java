package io.pgstream.jobs.reconcile;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.pgvector.PgVectorApplier;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import io.pgstream.jobs.sink.pgvector.PgVectorTable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A pgvector table as a {@link VectorIndex}: a page's rows are read with one {@code WHERE
 * source_table = ? AND id = ANY(?)} query, the scan is keyset-paginated on the primary key {@code
 * (source_table, id, chunk)}, and repairs go through {@link PgVectorApplier} on a connection of
 * their own (the applier runs its own transactions).
 */
public final class PgVectorIndex implements VectorIndex {

    private final PgVectorSinkConfig config;
    private final String table;
    private Connection reads;
    private Connection writes;
    private PgVectorApplier applier;

    public PgVectorIndex(PgVectorSinkConfig config) {
        this.config = config;
        this.table = config.qualifiedTable();
    }

    @Override
    public boolean exists() throws IOException {
        try (PreparedStatement ps = reads().prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw failure("checking the vector table", e);
        }
    }

    @Override
    public List<StoredChunk> chunksOf(String sourceTable, List<RowExpectation> rows)
            throws IOException {
        List<StoredChunk> chunks = new ArrayList<>();
        if (rows.isEmpty()) {
            return chunks;
        }
        String[] ids = rows.stream().map(RowExpectation::id).toArray(String[]::new);
        try (PreparedStatement ps =
                reads().prepareStatement(
                                "SELECT id, chunk, content, content_hash, lsn FROM "
                                        + table
                                        + " WHERE source_table = ? AND id = ANY(?)")) {
            ps.setString(1, sourceTable);
            ps.setArray(2, reads().createArrayOf("text", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    chunks.add(
                            new StoredChunk(
                                    rs.getString(1),
                                    rs.getInt(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    new Lsn(rs.getLong(5))));
                }
            }
        } catch (SQLException e) {
            throw failure("reading the vectors of " + sourceTable, e);
        }
        return chunks;
    }

    @Override
    public Scan scan(String sourceTable, int pageSize) {
        String select = "SELECT id, chunk, lsn FROM " + table + " WHERE source_table = ?";
        String order = " ORDER BY id, chunk LIMIT " + pageSize;
        String first = select + order;
        String next = select + " AND (id, chunk) > (?, ?)" + order;
        return new PagedScan<StoredChunk>(
                last -> {
                    List<StoredChunk> page = new ArrayList<>();
                    try (PreparedStatement ps =
                            reads().prepareStatement(last == null ? first : next)) {
                        ps.setString(1, sourceTable);
                        if (last != null) {
                            ps.setString(2, last.id());
                            ps.setInt(3, last.chunk());
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                page.add(
                                        new StoredChunk(
                                                rs.getString(1),
                                                rs.getInt(2),
                                                null,
                                                null,
                                                new Lsn(rs.getLong(3))));
                            }
                        }
                    } catch (SQLException e) {
                        throw failure("scanning the vectors of " + sourceTable, e);
                    }
                    StoredChunk end = page.size() < pageSize ? null : page.get(page.size() - 1);
                    return new PagedScan.Page<>(page, end);
                });
    }

    @Override
    public void prepare() throws IOException {
        try {
            new PgVectorTable(config).ensure(reads());
        } catch (SQLException e) {
            throw failure("preparing the vector table", e);
        }
    }

    @Override
    public void apply(List<VectorWrite> batch) throws IOException {
        try {
            if (applier == null) {
                writes = config.connection().connect();
                applier =
                        new PgVectorApplier(
                                writes, config, PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT);
            }
            applier.apply(batch);
        } catch (SQLException e) {
            throw failure("writing repairs", e);
        }
    }

    @Override
    public void reconnect() {
        if (writes != null) {
            try {
                writes.close();
            } catch (SQLException ignored) {
                // it is being replaced because it failed
            }
        }
        writes = null;
        applier = null;
    }

    private Connection reads() throws IOException {
        if (reads == null) {
            try {
                reads = config.connection().connect();
            } catch (SQLException e) {
                throw failure("connecting", e);
            }
        }
        return reads;
    }

    private IOException failure(String what, SQLException e) {
        return new IOException(
                "pgvector table "
                        + config.displayName()
                        + " at "
                        + config.connection().redacted()
                        + ": "
                        + what
                        + " failed: "
                        + e.getMessage(),
                e);
    }

    @Override
    public void close() throws IOException {
        try {
            if (reads != null) {
                reads.close();
            }
            if (writes != null) {
                writes.close();
            }
        } catch (SQLException e) {
            throw failure("closing", e);
        }
    }
}
