package io.pgstream.connector.table;

import io.pgstream.connector.slot.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.ValidationException;

/**
 * Reads {@link PgTableFacts} from {@code pg_catalog} at planning time, so a declared table that
 * cannot be read correctly fails before a job starts. The decoder itself never runs SQL; this is
 * the table source's own, one-off lookup.
 */
final class PgTableCatalog {

    private static final String TABLE =
            "SELECT c.oid, c.relreplident FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')";

    private static final String COLUMNS =
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), b.typname, b.typtype,"
                    + " CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,"
                    + " a.attnotnull, a.attstorage, e.typname, e.typtype"
                    + " FROM pg_attribute a"
                    + " JOIN pg_type t ON t.oid = a.atttypid"
                    + " JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype"
                    + "   ELSE t.oid END"
                    + " LEFT JOIN pg_type e0 ON e0.oid = b.typelem AND b.typcategory = 'A'"
                    + " LEFT JOIN pg_type e ON e.oid = CASE WHEN e0.typtype = 'd'"
                    + "   THEN e0.typbasetype ELSE e0.oid END"
                    + " WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped"
                    + " ORDER BY a.attnum";

    private static final String INDEX_COLUMNS =
            "SELECT a.attname FROM pg_index i"
                    + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos)"
                    + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                    + " WHERE i.indrelid = ?::oid AND ";

    private PgTableCatalog() {}

    /**
     * @throws ValidationException when the table does not exist
     */
    static PgTableFacts read(Connection c, TableId table) throws SQLException {
        long oid;
        char identity;
        try (PreparedStatement ps = c.prepareStatement(TABLE)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ValidationException(
                            "Table "
                                    + table
                                    + " does not exist in database '"
                                    + c.getCatalog()
                                    + "' (options 'schema-name' and 'table-name' are taken"
                                    + " exactly as written, without case folding)");
                }
                oid = rs.getLong(1);
                identity = rs.getString(2).charAt(0);
            }
        }
        List<PgColumn> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String display = rs.getString(2);
                    int typmod = rs.getInt(5);
                    char storage = rs.getString(7).charAt(0);
                    PgColumn element = null;
                    if (rs.getString(8) != null) {
                        element =
                                new PgColumn(
                                        name + "[]",
                                        display.endsWith("[]")
                                                ? display.substring(0, display.length() - 2)
                                                : rs.getString(8),
                                        rs.getString(8),
                                        rs.getString(9).charAt(0),
                                        // An array column's typmod applies to its elements.
                                        typmod,
                                        null,
                                        false,
                                        storage);
                    }
                    columns.add(
                            new PgColumn(
                                    name,
                                    display,
                                    rs.getString(3),
                                    rs.getString(4).charAt(0),
                                    typmod,
                                    element,
                                    rs.getBoolean(6),
                                    storage));
                }
            }
        }
        List<String> primaryKey = indexColumns(c, oid, "i.indisprimary");
        List<String> identityKey;
        switch (identity) {
            case 'd':
                identityKey = primaryKey;
                break;
            case 'i':
                identityKey = indexColumns(c, oid, "i.indisreplident");
                break;
            default:
                identityKey = List.of();
        }
        return new PgTableFacts(table, columns, primaryKey, identity, identityKey);
    }

    private static List<String> indexColumns(Connection c, long oid, String condition)
            throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(INDEX_COLUMNS + condition + " ORDER BY k.pos")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
