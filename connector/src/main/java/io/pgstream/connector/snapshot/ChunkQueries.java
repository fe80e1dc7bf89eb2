package io.pgstream.connector.snapshot;

import io.pgstream.connector.slot.Identifiers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL that reads one chunk. Keys compare as a row ({@code (a, b) >= (?, ?)}), which is the
 * btree order the boundaries were taken in, so composite, text (in the column's collation) and uuid
 * keys split without gaps or overlaps. Bound values travel as parameters, cast to the key columns'
 * own types; identifiers are quoted.
 */
public final class ChunkQueries {

    private ChunkQueries() {}

    /**
     * {@code SELECT * FROM t WHERE <range>}; the parameters are the lower bound's values, then the
     * upper bound's.
     */
    public static String select(SnapshotChunk chunk, List<String> keyTypes) {
        return query(chunk, keyTypes, false, "*");
    }

    /**
     * {@code COPY (SELECT <columns> FROM t WHERE <range>) TO STDOUT (FORMAT binary)}: COPY takes no
     * parameters, so the bounds are written as literals ({@code 'text'::type}, quotes doubled; the
     * session must run with {@code standard_conforming_strings = on}, as {@link ChunkReader}'s
     * does).
     *
     * @param columns the select list, e.g. {@code "id", "price"::text}
     */
    public static String copyBinary(SnapshotChunk chunk, List<String> keyTypes, String columns) {
        return "COPY (" + query(chunk, keyTypes, true, columns) + ") TO STDOUT (FORMAT binary)";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String bound(List<String> values, List<String> keyTypes, boolean literals) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < keyTypes.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(literals ? literal(values.get(i)) : "?").append("::").append(keyTypes.get(i));
        }
        return sb.append(')').toString();
    }

    private static String query(
            SnapshotChunk chunk, List<String> keyTypes, boolean literals, String columns) {
        String from = "SELECT " + columns + " FROM " + chunk.table().quoted();
        if (chunk.byPages()) {
            StringBuilder sql = new StringBuilder(from);
            sql.append(" WHERE ctid >= '(").append(chunk.fromPage()).append(",0)'::tid");
            if (chunk.toPage() >= 0) {
                sql.append(" AND ctid < '(").append(chunk.toPage()).append(",0)'::tid");
            }
            return sql.toString();
        }
        String row =
                chunk.keyColumns().stream()
                        .map(Identifiers::quote)
                        .collect(Collectors.joining(", ", "(", ")"));
        StringBuilder sql = new StringBuilder(from);
        String joiner = " WHERE ";
        if (chunk.lower() != null) {
            sql.append(joiner)
                    .append(row)
                    .append(" >= ")
                    .append(bound(chunk.lower(), keyTypes, literals));
            joiner = " AND ";
        }
        if (chunk.upper() != null) {
            sql.append(joiner)
                    .append(row)
                    .append(" < ")
                    .append(bound(chunk.upper(), keyTypes, literals));
        }
        return sql.toString();
    }
}
