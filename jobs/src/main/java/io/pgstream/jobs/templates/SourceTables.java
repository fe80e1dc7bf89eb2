package io.pgstream.jobs.templates;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.ChunkPlanner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the source tables against the job file when a sync job is built, and resolves each one's
 * key columns (primary key, or the replica identity index): a vector's id is the row's key, so a
 * table without one cannot be indexed; and a text column the table does not have would render as
 * nothing for every row. Saying so before the job starts beats an index of empty texts.
 */
public final class SourceTables {

    private static final String COLUMNS_SQL =
            "SELECT a.attname FROM pg_attribute a"
                    + " JOIN pg_class c ON c.oid = a.attrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0"
                    + " AND NOT a.attisdropped ORDER BY a.attnum";

    private SourceTables() {}

    /**
     * Key columns per table, keyed {@code schema.table} as change events name them, after checking
     * that every table has every one of {@code textColumns}.
     *
     * @param textKey the job-file key that names the text columns, for the error ({@code
     *     embedding.template} or {@code embedding.columns})
     * @throws JobConfigException naming the first table that lacks a column, and its columns
     */
    public static Map<String, List<String>> keyColumns(
            PgConnectionConfig source,
            List<String> tables,
            Set<String> textColumns,
            String textKey) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        try (Connection c = source.connect()) {
            for (String name : tables) {
                TableId table = TableId.parse(name);
                requireColumns(table, columns(c, table), textColumns, textKey);
                List<String> columns = ChunkPlanner.key(c, table).columns();
                if (columns.isEmpty()) {
                    throw new JobConfigException(
                            "source.tables: "
                                    + table
                                    + " has no primary key or replica identity index, so its"
                                    + " rows have no id for their vectors; add a primary key"
                                    + " (ALTER TABLE "
                                    + table.quoted()
                                    + " ADD PRIMARY KEY (...))");
                }
                keys.put(table.schema() + "." + table.table(), columns);
            }
        } catch (SQLException e) {
            throw new JobConfigException(
                    "source.dsn: cannot read the tables' keys from "
                            + source.redacted()
                            + ": "
                            + e.getMessage());
        }
        return keys;
    }

    private static void requireColumns(
            TableId table, List<String> columns, Set<String> wanted, String textKey) {
        if (columns.isEmpty()) {
            // Not a table this role can see; the slot setup reports unknown tables.
            return;
        }
        List<String> missing = wanted.stream().filter(w -> !columns.contains(w)).toList();
        if (missing.isEmpty()) {
            return;
        }
        throw new JobConfigException(
                textKey
                        + (missing.size() == 1 ? " names column " : " names columns ")
                        + missing.stream().map(m -> "'" + m + "'").collect(Collectors.joining(", "))
                        + " which table "
                        + table
                        + " does not have (columns: "
                        + String.join(", ", columns)
                        + ")");
    }

    /** The table's columns in their order; empty when there is no such table. */
    private static List<String> columns(Connection c, TableId table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }
}
