package io.pgstream.connector.snapshot;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.pgoutput.ValueDecoder;
import io.pgstream.connector.slot.TableId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads snapshot chunks into {@link Operation#READ} events whose rows hold the same typed values
 * the stream gives: values are fetched in PostgreSQL's text form (pgjdbc's binary transfer off, the
 * replication session's DateStyle/IntervalStyle/bytea/float settings on) and decoded by the same
 * {@link ValueDecoder}.
 *
 * <p>Each chunk is one query in its own read-only REPEATABLE READ transaction, fetched in batches,
 * without locks beyond the ACCESS SHARE every SELECT takes. A chunk's events carry the WAL insert
 * position read at the start of that transaction as both LSNs: the position the rows are as of.
 */
public final class ChunkReader implements AutoCloseable {

    private static final int FETCH_SIZE = 2_000;

    private final Connection connection;
    private final ValueDecoder values;

    public ChunkReader(PgConnectionConfig config) throws SQLException {
        Properties props = config.jdbcProperties();
        props.setProperty("binaryTransfer", "false");
        props.setProperty(
                "options",
                "-c DateStyle=ISO -c IntervalStyle=postgres -c bytea_output=hex"
                        + " -c extra_float_digits=3");
        this.connection = DriverManager.getConnection(config.jdbcUrl(), props);
        this.values = new ValueDecoder(CatalogTypes.load(connection));
        connection.setAutoCommit(false);
    }

    /**
     * Reads one chunk, handing each row to {@code out} as it is fetched.
     *
     * @param keyTypes the SQL types of the chunk's key columns ({@link ChunkPlanner.TableKey})
     * @return the position the rows are as of
     */
    public Lsn read(SnapshotChunk chunk, List<String> keyTypes, Consumer<ChangeEvent> out)
            throws SQLException {
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            Lsn asOf;
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                rs.next();
                asOf = Lsn.parse(rs.getString(1));
            }
            List<String> names = new ArrayList<>();
            List<Integer> oids = new ArrayList<>();
            columns(chunk.table(), names, oids);
            try (PreparedStatement ps =
                    connection.prepareStatement(ChunkQueries.select(chunk, keyTypes))) {
                ps.setFetchSize(FETCH_SIZE);
                int p = 1;
                for (List<String> bound : bounds(chunk)) {
                    for (String v : bound) {
                        ps.setString(p++, v);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.accept(event(chunk.table(), rs, names, oids, asOf));
                    }
                }
            }
            connection.commit();
            return asOf;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /** PostgreSQL's estimate of the table's rows ({@code reltuples}; -1 if never analysed). */
    public long estimatedRows(TableId table) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            } finally {
                connection.commit();
            }
        }
    }

    private static List<List<String>> bounds(SnapshotChunk chunk) {
        List<List<String>> bounds = new ArrayList<>();
        if (chunk.lower() != null) {
            bounds.add(chunk.lower());
        }
        if (chunk.upper() != null) {
            bounds.add(chunk.upper());
        }
        return bounds;
    }

    /** Column names and type OIDs in table order, as a Relation message would list them. */
    private void columns(TableId table, List<String> names, List<Integer> oids)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = ?::regclass"
                                + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    oids.add((int) rs.getLong(2));
                }
            }
        }
    }

    private ChangeEvent event(
            TableId table, ResultSet rs, List<String> names, List<Integer> oids, Lsn asOf)
            throws SQLException {
        LinkedHashMap<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String text = rs.getString(i + 1); // SELECT * lists columns in attnum order
            row.put(names.get(i), text == null ? null : values.decodeText(oids.get(i), text));
        }
        return ChangeEvent.builder(Operation.READ)
                .table(table.schema(), table.table())
                .ownedRow(row)
                .commitLsn(asOf)
                .lsn(asOf)
                .build();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
