package io.pgstream.jobs.sink;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.TableId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The dead-letter table as the {@code pgstream dead-letters} commands read and change it, outside a
 * running job: list letters, page the ids of a source table's letters, delete the letters a replay
 * resolved, purge. The table is the one {@link DeadLetterWriter} creates; a table that does not
 * exist holds no letters (nothing was ever refused). Blocking; one thread; the caller owns the
 * connection, in auto-commit.
 */
public final class DeadLetterTable {

    /**
     * Which letters: of one source table ({@code schema.table}) and/or failed before an instant.
     */
    public record Filter(String sourceTable, Instant before) {
        public static final Filter ALL = new Filter(null, null);
    }

    /** Receives letters one at a time, so a long list is never held in memory. */
    public interface LetterConsumer {
        void accept(DeadLetter letter) throws Exception;
    }

    private final Connection connection;
    private final String quoted;
    private final TableId table;

    public DeadLetterTable(Connection connection, String table) {
        this.connection = connection;
        this.table = TableId.parse(table);
        this.quoted = this.table.quoted();
    }

    /** Whether the table exists: it is created by the first job that writes a letter. */
    public boolean exists() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?)")) {
            ps.setString(1, quoted);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getString(1) != null;
            }
        }
    }

    /** The letters {@code filter} selects, by source table, id and position, streamed. */
    public void forEach(Filter filter, LetterConsumer consumer) throws Exception {
        if (!exists()) {
            return;
        }
        boolean autoCommit = connection.getAutoCommit();
        // pgjdbc streams a result set with a fetch size only inside a transaction.
        connection.setAutoCommit(false);
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT source_table, id, lsn, error, text, failed_at FROM "
                                + quoted
                                + where(filter)
                                + " ORDER BY source_table, id, lsn")) {
            bind(ps, filter, 1);
            ps.setFetchSize(500);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(
                            DeadLetter.of(
                                    rs.getString(1),
                                    rs.getString(2),
                                    new Lsn(rs.getLong(3)),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getTimestamp(6).toInstant()));
                }
            }
        } finally {
            connection.commit();
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * The next page of distinct row ids with letters in {@code sourceTable}, in text order after
     * {@code afterId} (null: from the first).
     */
    public List<String> ids(String sourceTable, String afterId, int limit) throws SQLException {
        List<String> ids = new ArrayList<>(limit);
        if (!exists()) {
            return ids;
        }
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT DISTINCT id FROM "
                                + quoted
                                + " WHERE source_table = ?"
                                + (afterId == null ? "" : " AND id > ?")
                                + " ORDER BY id LIMIT "
                                + limit)) {
            ps.setString(1, sourceTable);
            if (afterId != null) {
                ps.setString(2, afterId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /**
     * Deletes the letters of {@code ids} in {@code sourceTable} for changes before {@code lsn}: the
     * row's state at {@code lsn} is in the index now, so those refusals are past. A letter a
     * running job writes meanwhile, for a newer change, stays.
     *
     * @return how many letters were deleted
     */
    public int resolve(String sourceTable, Collection<String> ids, Lsn lsn) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "DELETE FROM "
                                + quoted
                                + " WHERE source_table = ? AND id = ANY(?) AND "
                                + LsnOrder.below("lsn", "?"))) {
            ps.setString(1, sourceTable);
            Array array = connection.createArrayOf("text", ids.toArray(new String[0]));
            ps.setArray(2, array);
            ps.setLong(3, lsn.value());
            return ps.executeUpdate();
        }
    }

    /** Deletes the letters {@code filter} selects; returns how many. */
    public int purge(Filter filter) throws SQLException {
        if (!exists()) {
            return 0;
        }
        try (PreparedStatement ps =
                connection.prepareStatement("DELETE FROM " + quoted + where(filter))) {
            bind(ps, filter, 1);
            return ps.executeUpdate();
        }
    }

    private static String where(Filter f) {
        List<String> clauses = new ArrayList<>();
        if (f.sourceTable() != null) {
            clauses.add("source_table = ?");
        }
        if (f.before() != null) {
            clauses.add("failed_at < ?");
        }
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    private static void bind(PreparedStatement ps, Filter f, int first) throws SQLException {
        int i = first;
        if (f.sourceTable() != null) {
            ps.setString(i++, f.sourceTable());
        }
        if (f.before() != null) {
            ps.setTimestamp(i, Timestamp.from(f.before()));
        }
    }

    @Override
    public String toString() {
        return table.toString();
    }
}
