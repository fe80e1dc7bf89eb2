package io.pgstream.jobs.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgstream.connector.slot.Identifiers;
import io.pgstream.jobs.sink.LsnOrder;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.WriteRounds;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Applies a batch of row writes to a {@code pgvector} SQL table in one transaction. The batch is
 * cut into {@link WriteRounds} (keys distinct within a round); per round one {@code INSERT … SELECT
 * FROM jsonb_populate_recordset(…) ON CONFLICT (key) DO UPDATE} for the upserts and one {@code
 * DELETE … USING jsonb_populate_recordset(…)} for the deletes: PostgreSQL itself turns the JSON
 * columns ({@link RowJson}) into the table's types. With a version column both statements carry the
 * YAML sink's guard: a stored row is replaced or deleted only when its version is not newer (NULL
 * counts as 0), BIGINTs compared in unsigned LSN order ({@link LsnOrder}), LSN text as {@code
 * pg_lsn}. Not thread-safe.
 */
final class PgVectorRowApplier {

    private final Connection connection;
    private final String upsert;
    private final String delete;
    private final String embedding;

    PgVectorRowApplier(Connection connection, PgVectorSinkConfig config, VectorTableSchema schema)
            throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
        this.embedding = schema.embeddingName();
        String table = config.qualifiedTable();
        String rows = "jsonb_populate_recordset(NULL::" + table + ", ?::jsonb)";
        List<String> names = schema.names();
        String all = names.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        int[] key = schema.key();
        List<String> keyNames = IntStream.of(key).mapToObj(names::get).toList();
        String update =
                names.stream()
                        .filter(n -> !keyNames.contains(n))
                        .map(n -> Identifiers.quote(n) + " = EXCLUDED." + Identifiers.quote(n))
                        .collect(Collectors.joining(", "));
        String version = schema.versionName();
        this.upsert =
                "INSERT INTO "
                        + table
                        + " AS v ("
                        + all
                        + ") SELECT "
                        + all
                        + " FROM "
                        + rows
                        + " ON CONFLICT ("
                        + keyNames.stream()
                                .map(Identifiers::quote)
                                .collect(Collectors.joining(", "))
                        + ") DO UPDATE SET "
                        + update
                        + (version == null ? "" : " WHERE " + guard(schema, "v", "EXCLUDED"));
        this.delete =
                "DELETE FROM "
                        + table
                        + " v USING "
                        + rows
                        + " d WHERE "
                        + keyNames.stream()
                                .map(
                                        n ->
                                                "v."
                                                        + Identifiers.quote(n)
                                                        + " = d."
                                                        + Identifiers.quote(n))
                                .collect(Collectors.joining(" AND "))
                        + (version == null ? "" : " AND " + guard(schema, "v", "d"));
    }

    /** Stored version not newer than the write's: LSN text as {@code pg_lsn}, BIGINT unsigned. */
    private static String guard(VectorTableSchema schema, String stored, String write) {
        String column = Identifiers.quote(schema.versionName());
        if (schema.versionIsLsnText()) {
            return "coalesce("
                    + stored
                    + "."
                    + column
                    + "::pg_lsn, '0/0') <= coalesce("
                    + write
                    + "."
                    + column
                    + "::pg_lsn, '0/0')";
        }
        return LsnOrder.notAbove(
                "coalesce(" + stored + "." + column + ", 0)",
                "coalesce(" + write + "." + column + ", 0)");
    }

    /** Applies {@code writes} in arrival order and commits; rolls back and throws on failure. */
    void apply(List<VectorWrite> writes) throws SQLException {
        try {
            for (WriteRounds.Step step : WriteRounds.of(writes)) {
                List<JsonNode> upserts = new ArrayList<>();
                List<JsonNode> deletes = new ArrayList<>();
                for (VectorWrite w : step.round()) {
                    ObjectNode row = (ObjectNode) RowJson.parse(w.metadataJson());
                    if (w.kind() == VectorWrite.Kind.UPSERT) {
                        row.put(embedding, RowJson.vectorText(w.chunks().get(0).embedding()));
                        upserts.add(row);
                    } else {
                        deletes.add(row);
                    }
                }
                run(upsert, upserts);
                run(delete, deletes);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void run(String sql, List<JsonNode> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, RowJson.array(rows));
            ps.executeUpdate();
        }
    }
}
