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
        String from = "SELECT * FROM " + chunk.table().quoted();
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
        String params =
                keyTypes.stream().map(t -> "?::" + t).collect(Collectors.joining(", ", "(", ")"));
        StringBuilder sql = new StringBuilder(from);
        String joiner = " WHERE ";
        if (chunk.lower() != null) {
            sql.append(joiner).append(row).append(" >= ").append(params);
            joiner = " AND ";
        }
        if (chunk.upper() != null) {
            sql.append(joiner).append(row).append(" < ").append(params);
        }
        return sql.toString();
    }
}
