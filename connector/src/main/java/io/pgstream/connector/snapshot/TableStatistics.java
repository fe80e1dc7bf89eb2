package io.pgstream.connector.snapshot;

import io.pgstream.connector.slot.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * PostgreSQL's own row estimate for a table, as its planner makes it: {@code pg_class.reltuples}
 * per page times the pages the table has now, so a table that grew since its last ANALYZE is not
 * taken for its old size. One query, no scan: what snapshot planning, progress metrics and the
 * terminal progress bar all need.
 */
public final class TableStatistics {

    private TableStatistics() {}

    /**
     * The estimated row count, or -1 when the table was never analysed (PostgreSQL 14 and later say
     * so with {@code reltuples = -1}) or does not exist.
     */
    public static long estimatedRows(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT CASE WHEN reltuples < 0 THEN -1"
                                + " WHEN relpages > 0 THEN (reltuples / relpages"
                                + " * (pg_relation_size(oid) / current_setting('block_size')::int))"
                                + "::bigint"
                                + " ELSE reltuples::bigint END"
                                + " FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }
}
