package io.pgstream.jobs.templates;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.ChunkPlanner;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves, when a sync job is built, each source table's key columns (primary key, or the replica
 * identity index): a vector's id is the row's key, so a table without one cannot be indexed, and
 * saying so before the job starts beats a failure on the first change.
 */
public final class SourceTables {

    private SourceTables() {}

    /** Key columns per table, keyed {@code schema.table} as change events name them. */
    public static Map<String, List<String>> keyColumns(
            PgConnectionConfig source, List<String> tables) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        try (Connection c = source.connect()) {
            for (String name : tables) {
                TableId table = TableId.parse(name);
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
}
