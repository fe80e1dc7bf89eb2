package io.pgstream.connector.snapshot;

import io.pgstream.connector.slot.Identifiers;
import io.pgstream.connector.slot.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Splits a table into snapshot chunks of about {@code chunkRows} rows. With a primary key (or a
 * replica identity index) the chunk boundaries are every {@code chunkRows}-th key in key order,
 * taken in one ordered pass that returns only the boundaries; without one, chunks are ranges of
 * heap pages, sized from the table's rows-per-page estimate, the last one open-ended so rows that
 * land on new pages during the snapshot are still read.
 *
 * <p>A single integer key whose values are dense enough (at most {@link #MAX_SPREAD} key values per
 * row, by {@code pg_class.reltuples}) is split arithmetically instead: {@code min} and {@code max}
 * come from two index probes, the row count from {@link TableStatistics}, and the boundaries are
 * every {@code chunkRows * spread} values. The ordered pass reads the whole index before the first
 * chunk can start (a second or more per million rows on a small machine); the probes take
 * milliseconds. Gaps make chunks smaller, clusters larger; an oversized chunk still streams and
 * spills like a large transaction.
 *
 * <p>Planning takes no locks and reads no row twice; a chunk is read later by one query ({@link
 * ChunkQueries}).
 */
public final class ChunkPlanner {

    /** The key a table is chunked by: columns in index order and their SQL types. */
    public record TableKey(List<String> columns, List<String> types) {
        public TableKey {
            columns = List.copyOf(columns);
            types = List.copyOf(types);
        }

        public boolean isEmpty() {
            return columns.isEmpty();
        }
    }

    /** Key values per row beyond which integer keys are too sparse to split arithmetically. */
    static final double MAX_SPREAD = 100;

    private static final List<String> INTEGER_TYPES = List.of("smallint", "integer", "bigint");

    private final int chunkRows;

    public ChunkPlanner(int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1 row: " + chunkRows);
        }
        this.chunkRows = chunkRows;
    }

    /** The primary key, else the replica identity index, else no key (page chunks). */
    public static TableKey key(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
                                + " FROM pg_index i JOIN pg_attribute a"
                                + " ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                                + " WHERE i.indrelid = ?::regclass"
                                + " AND i.indexrelid = (SELECT x.indexrelid FROM pg_index x"
                                + "   WHERE x.indrelid = i.indrelid"
                                + "   AND (x.indisprimary OR x.indisreplident)"
                                + "   ORDER BY x.indisprimary DESC LIMIT 1)"
                                + " ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            ps.setString(1, table.quoted());
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    types.add(rs.getString(2));
                }
            }
            return new TableKey(columns, types);
        }
    }

    /**
     * A table's chunks, in key (or page) order, and its estimated row count: exact after the
     * ordered pass (it counts every row anyway), else {@link TableStatistics}; -1 when unknown.
     */
    public record TablePlan(List<SnapshotChunk> chunks, long estimatedRows) {
        public TablePlan {
            chunks = List.copyOf(chunks);
        }
    }

    /** The table's chunks, in key (or page) order. */
    public List<SnapshotChunk> plan(Connection c, TableId table, TableKey key) throws SQLException {
        return planTable(c, table, key).chunks();
    }

    /** The table's chunks and row estimate. */
    public TablePlan planTable(Connection c, TableId table, TableKey key) throws SQLException {
        if (key.isEmpty()) {
            return new TablePlan(byPages(c, table), TableStatistics.estimatedRows(c, table));
        }
        return byKey(c, table, key);
    }

    private TablePlan byKey(Connection c, TableId table, TableKey key) throws SQLException {
        if (key.columns().size() == 1 && INTEGER_TYPES.contains(key.types().get(0))) {
            TablePlan even = byIntegerRange(c, table, key);
            if (even != null) {
                return even;
            }
        }
        String columns =
                key.columns().stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        String asText =
                key.columns().stream()
                        .map(k -> Identifiers.quote(k) + "::text")
                        .collect(Collectors.joining(", "));
        String sql =
                "SELECT "
                        + asText
                        + ", pgstream_rn, pgstream_n FROM (SELECT "
                        + columns
                        + ", row_number() OVER (ORDER BY "
                        + columns
                        + ") AS pgstream_rn, count(*) OVER () AS pgstream_n FROM "
                        + table.quoted()
                        // Ordered by the row number: ORDER BY a column name would pick the
                        // text-cast output column of that name and sort 12003 before 3003. The
                        // last row comes too, for the count.
                        + ") s WHERE (pgstream_rn % ? = 1 AND pgstream_rn > 1)"
                        + " OR pgstream_rn = pgstream_n ORDER BY pgstream_rn";
        List<List<String>> boundaries = new ArrayList<>();
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, chunkRows);
            try (ResultSet rs = ps.executeQuery()) {
                int n = key.columns().size();
                while (rs.next()) {
                    long rn = rs.getLong(n + 1);
                    rows = rs.getLong(n + 2);
                    if (rn % chunkRows != 1 || rn == 1) {
                        continue; // the last row, there for the count only
                    }
                    List<String> bound = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        bound.add(rs.getString(i));
                    }
                    boundaries.add(bound);
                }
            }
        }
        List<SnapshotChunk> chunks = new ArrayList<>();
        List<String> lower = null;
        for (List<String> upper : boundaries) {
            chunks.add(new SnapshotChunk(table, chunks.size(), key.columns(), lower, upper, 0, 0));
            lower = upper;
        }
        chunks.add(new SnapshotChunk(table, chunks.size(), key.columns(), lower, null, 0, 0));
        return new TablePlan(chunks, rows);
    }

    /**
     * Arithmetic boundaries between min and max, with the statistics' row estimate they were sized
     * by; null when the keys are too sparse or the table was never analysed.
     */
    private TablePlan byIntegerRange(Connection c, TableId table, TableKey key)
            throws SQLException {
        String column = Identifiers.quote(key.columns().get(0));
        long min;
        long max;
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT min(" + column + "), max(" + column + ") FROM " + table.quoted())) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                min = rs.getLong(1);
                if (rs.wasNull()) {
                    return null; // empty: the ordered pass is free
                }
                max = rs.getLong(2);
            }
        }
        double values = (double) max - (double) min + 1;
        // Never analysed (-1): the exact ordered pass.
        long rows = TableStatistics.estimatedRows(c, table);
        if (rows < 1 || values / rows > MAX_SPREAD) {
            return null;
        }
        long step = Math.max(1, (long) Math.floor(chunkRows * Math.max(1.0, values / rows)));
        List<SnapshotChunk> chunks = new ArrayList<>();
        List<String> lower = null;
        for (long bound = min + step; bound <= max && bound > min; bound += step) {
            List<String> upper = List.of(Long.toString(bound));
            chunks.add(new SnapshotChunk(table, chunks.size(), key.columns(), lower, upper, 0, 0));
            lower = upper;
            if (bound > Long.MAX_VALUE - step) {
                break;
            }
        }
        // Open-ended at both ends: rows inserted outside [min, max] during the snapshot are read.
        chunks.add(new SnapshotChunk(table, chunks.size(), key.columns(), lower, null, 0, 0));
        return new TablePlan(chunks, rows);
    }

    private List<SnapshotChunk> byPages(Connection c, TableId table) throws SQLException {
        long pages;
        double rowsPerPage;
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT pg_relation_size(?::regclass)"
                                + " / current_setting('block_size')::bigint,"
                                + " CASE WHEN relpages > 0 AND reltuples > 0"
                                + " THEN reltuples / relpages ELSE 0 END"
                                + " FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, table.quoted());
            ps.setString(2, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pages = rs.getLong(1);
                rowsPerPage = rs.getDouble(2);
            }
        }
        if (rowsPerPage <= 0) {
            // Never analysed: assume small rows, so chunks err on the small side.
            rowsPerPage = 100;
        }
        long pagesPerChunk = Math.max(1, (long) Math.floor(chunkRows / rowsPerPage));
        List<SnapshotChunk> chunks = new ArrayList<>();
        for (long from = 0; from + pagesPerChunk < pages; from += pagesPerChunk) {
            chunks.add(
                    new SnapshotChunk(
                            table,
                            chunks.size(),
                            List.of(),
                            null,
                            null,
                            from,
                            from + pagesPerChunk));
        }
        long last = chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).toPage();
        chunks.add(new SnapshotChunk(table, chunks.size(), List.of(), null, null, last, -1));
        return chunks;
    }
}
