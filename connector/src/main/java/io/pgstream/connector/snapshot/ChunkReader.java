package io.pgstream.connector.snapshot;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.pgoutput.ValueDecoder;
import io.pgstream.connector.slot.Identifiers;
import io.pgstream.connector.slot.ServerCatalog;
import io.pgstream.connector.slot.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads snapshot chunks into {@link Operation#READ} events whose rows hold the same typed values
 * the stream gives, decoded by the same {@link ValueDecoder}: columns whose binary form decodes
 * exactly like their text form ({@link ValueDecoder#binaryMatchesText}) travel in binary, the
 * others as their text output ({@code column::text}, under the replication session's
 * DateStyle/IntervalStyle/bytea/float settings).
 *
 * <p>Each chunk is one {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} in its own read-only
 * REPEATABLE READ transaction, streamed (the server never waits for a fetch), without locks beyond
 * the ACCESS SHARE every SELECT takes.
 *
 * <p><b>The LSN of a chunk's events is a low watermark</b> {@code L}: every transaction whose
 * commit record lies before {@code L} is visible in the rows read. A sink that keeps, per key, the
 * write with the highest commit LSN (the pgvector writer does) therefore never lets a streamed
 * change that the snapshot already contains replace the snapshot row: no key goes back to a value
 * older than the one read. Changes committed at or after {@code L} are re-applied over it in commit
 * order; those are the few committed between {@code L} and the chunk's snapshot.
 *
 * <p>Why the wait: reading {@code pg_current_wal_insert_lsn()} and then taking a snapshot is not
 * enough, because a committing transaction writes its commit record before it becomes visible; one
 * caught between the two would have a commit LSN below {@code L} and still be invisible. So the
 * reader reads {@code L}, then the set of running transactions, and waits until all of those have
 * ended before it opens the chunk's snapshot. That usually takes one transaction's duration; a
 * write transaction left open blocks the chunk, and the reader says which one every 30 seconds.
 *
 * <p>It is over 300 lines because reading one chunk (low watermark, wait for running transactions,
 * binary COPY, row decoding) is one sequence on one connection and its session settings; splitting
 * it would pass that connection around.
 */
public final class ChunkReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkReader.class);
    private static final long WAIT_WARNING_NANOS = 30_000_000_000L;

    private final Connection connection;
    private final ValueDecoder values;

    public ChunkReader(PgConnectionConfig config) throws SQLException {
        Properties props = config.jdbcProperties();
        props.setProperty("binaryTransfer", "false");
        props.setProperty(
                "options",
                "-c DateStyle=ISO -c IntervalStyle=postgres -c bytea_output=hex"
                        + " -c extra_float_digits=3 -c standard_conforming_strings=on");
        this.connection = config.connect(props);
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
        return readMeasured(chunk, keyTypes, (event, bytes) -> out.accept(event));
    }

    /**
     * Reads one chunk, handing each row to {@code out} with its size on the wire (what the stream's
     * buffers count memory by).
     */
    public Lsn readMeasured(
            SnapshotChunk chunk, List<String> keyTypes, ObjIntConsumer<ChangeEvent> out)
            throws SQLException {
        Lsn lowWatermark = lowWatermark(chunk);
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            Lsn asOf = lowWatermark;
            List<String> names = new ArrayList<>();
            List<Integer> oids = new ArrayList<>();
            columns(chunk.table(), names, oids);
            ValueDecoder.BinaryColumn[] binary = new ValueDecoder.BinaryColumn[oids.size()];
            StringBuilder select = new StringBuilder();
            for (int i = 0; i < binary.length; i++) {
                int oid = oids.get(i);
                binary[i] = values.binaryMatchesText(oid) ? values.binaryColumn(oid) : null;
                select.append(i == 0 ? "" : ", ")
                        .append(Identifiers.quote(names.get(i)))
                        .append(binary[i] != null ? "" : "::text");
            }
            CopyOut copy =
                    connection
                            .unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyOut(ChunkQueries.copyBinary(chunk, keyTypes, select.toString()));
            CopyBinaryRows rows = new CopyBinaryRows();
            CopyBinaryRows.RowSink sink =
                    (buf, offsets, lengths, fields) ->
                            out.accept(
                                    event(
                                            chunk.table(),
                                            buf,
                                            offsets,
                                            lengths,
                                            names,
                                            oids,
                                            binary,
                                            asOf),
                                    wireBytes(lengths, fields));
            try {
                byte[] message;
                while ((message = copy.readFromCopy()) != null) {
                    rows.accept(message, sink);
                }
                if (!rows.ended() || rows.pending()) {
                    throw new SQLException("COPY of " + chunk.id() + " ended mid-row");
                }
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
            connection.commit();
            return asOf;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /**
     * Reads the WAL insert position, then waits until every transaction running after that read has
     * ended, so that a snapshot taken next sees every commit recorded before the position.
     */
    private Lsn lowWatermark(SnapshotChunk chunk) throws SQLException {
        try {
            Lsn position;
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                rs.next();
                position = Lsn.parse(rs.getString(1));
            }
            // A new statement: it reads the running set after the position above. Not
            // pg_current_snapshot(): a transaction between its commit record and its visibility
            // can sit at or above the snapshot's xmax, where it is in no xip list.
            String running;
            try (Statement s = connection.createStatement();
                    ResultSet rs =
                            s.executeQuery(
                                    "SELECT coalesce(array_agg(backend_xid)::text, '{}')"
                                            + " FROM pg_stat_activity"
                                            + " WHERE backend_xid IS NOT NULL")) {
                rs.next();
                running = rs.getString(1);
            }
            connection.commit();
            long started = System.nanoTime();
            long nextWarning = started + WAIT_WARNING_NANOS;
            long pauseMillis = 1;
            while (!ended(running)) {
                if (System.nanoTime() > nextWarning) {
                    LOG.warn(
                            "Snapshot chunk {} waits for write transactions open before it to end"
                                    + " (a consistent snapshot needs them finished): {}",
                            chunk.id(),
                            blockers(running));
                    nextWarning = System.nanoTime() + WAIT_WARNING_NANOS;
                }
                sleepQuietly(pauseMillis);
                pauseMillis = Math.min(50, pauseMillis * 2);
            }
            return position;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /**
     * Whether every transaction of {@code running} (an array literal of xids) has left the running
     * set, so that new snapshots see its effects. Not {@code pg_xact_status}: it says "committed"
     * as soon as the commit is in the commit log, which is before the transaction becomes visible
     * (a commit waiting for a synchronous standby stays in that state indefinitely).
     */
    private boolean ended(String running) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity"
                                + " WHERE backend_xid = ANY (?::xid[]))")) {
            ps.setString(1, running);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } finally {
            connection.commit();
        }
    }

    private String blockers(String running) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT string_agg(format('pid %s (%s since %s)', pid, state,"
                                + " xact_start), ', ') FROM pg_stat_activity"
                                + " WHERE backend_xid = ANY (?::xid[])")) {
            ps.setString(1, running);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String who = rs.getString(1);
                return who == null ? "(ended meanwhile)" : who;
            }
        } finally {
            connection.commit();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a snapshot", e);
        }
    }

    /** PostgreSQL's estimate of the table's rows ({@link TableStatistics}; -1 if unknown). */
    public long estimatedRows(TableId table) throws SQLException {
        try {
            return TableStatistics.estimatedRows(connection, table);
        } finally {
            connection.commit();
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
        for (ServerCatalog.Column column : ServerCatalog.columns(connection, table)) {
            names.add(column.name());
            oids.add(column.typeOid());
        }
    }

    private static int wireBytes(int[] lengths, int fields) {
        int bytes = 2;
        for (int i = 0; i < fields; i++) {
            bytes += 4 + Math.max(0, lengths[i]);
        }
        return bytes;
    }

    private ChangeEvent event(
            TableId table,
            byte[] buf,
            int[] offsets,
            int[] lengths,
            List<String> names,
            List<Integer> oids,
            ValueDecoder.BinaryColumn[] binary,
            Lsn asOf) {
        LinkedHashMap<String, Object> row = new LinkedHashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            Object value;
            if (lengths[i] < 0) {
                value = null;
            } else if (binary[i] != null) {
                value = binary[i].decode(buf, offsets[i], lengths[i]);
            } else {
                // text's binary form is its UTF-8 bytes: the column's text output.
                value = values.decodeText(oids.get(i), buf, offsets[i], lengths[i]);
            }
            row.put(names.get(i), value);
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
