package io.pgstream.jobs.sink.pgvector;

import io.pgstream.connector.format.ChangeEventJson;
import io.pgstream.jobs.sink.LsnOrder;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.WriteRounds;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Applies a batch of {@link VectorWrite}s to the vector table in one transaction, with the version
 * guard in every statement: a stored row is replaced, merged or deleted only when its {@code lsn}
 * (the commit LSN of the change that wrote it) is not higher than the write's, in unsigned LSN
 * order ({@link LsnOrder}). Equal LSNs are changes of one transaction, which arrive in their commit
 * order, so the later one wins. Applying the same batch twice, or an older write after a newer one,
 * leaves the table unchanged.
 *
 * <p>The batch is cut into {@link WriteRounds} (rows distinct within a round, truncates between
 * rounds), so each round is a handful of set-based statements over arrays ({@code unnest}), not a
 * statement per row. Per kind:
 *
 * <ul>
 *   <li>UPSERT: {@code INSERT … ON CONFLICT (source_table, id, chunk) DO UPDATE … WHERE lsn <=
 *       EXCLUDED.lsn} for chunks 0..n-1, plus a guarded delete of the row's chunks numbered n or
 *       higher;
 *   <li>METADATA: {@code metadata = (stored keys of keptMetadata) || new}, {@code lsn}, {@code
 *       updated_at} where stored lsn is not higher;
 *   <li>DELETE: guarded delete of all the row's chunks;
 *   <li>TRUNCATE: delete the source table's rows whose lsn is lower than the truncate's (rows
 *       written by the truncating transaction itself, after the truncate, stay).
 * </ul>
 *
 * <p>A deleted row leaves no tombstone: an upsert older than the delete that arrives after it
 * recreates the row. The pipeline never sends that order (a row's writes arrive in commit order,
 * and the source streams only after its snapshot), and a replay after a restore re-sends the delete
 * too. The Qdrant applier mirrors these semantics.
 *
 * <p>Not thread-safe: one applier per connection, used by one thread. It is over 300 lines because
 * each of the four kinds needs its own guarded, array-bound statement, kept side by side so the
 * guards can be read against each other.
 */
public final class PgVectorApplier {

    /** How UPSERT chunks reach the table; {@link #INSERT_ON_CONFLICT} measured faster here. */
    public enum UpsertMethod {
        /** One {@code INSERT … SELECT FROM unnest(arrays) ON CONFLICT … DO UPDATE … WHERE}. */
        INSERT_ON_CONFLICT,
        /** {@code COPY} into a temporary staging table, then the same guarded merge from it. */
        COPY_MERGE
    }

    private static final String COLUMNS =
            "source_table, id, chunk, embedding, content, metadata, content_hash, lsn, updated_at";

    private final Connection connection;
    private final String table;
    private final UpsertMethod method;
    private final String upsertFromArrays;
    private final String upsertFromStage;
    private final String deleteFrom;
    private final String mergeMetadata;
    private final String truncate;
    private boolean stageCreated;

    public PgVectorApplier(Connection connection, PgVectorSinkConfig config, UpsertMethod method)
            throws SQLException {
        this.connection = connection;
        this.table = config.qualifiedTable();
        this.method = method;
        connection.setAutoCommit(false);
        String conflict =
                " ON CONFLICT (source_table, id, chunk) DO UPDATE SET"
                        + " embedding = EXCLUDED.embedding, content = EXCLUDED.content,"
                        + " metadata = EXCLUDED.metadata, content_hash = EXCLUDED.content_hash,"
                        + " lsn = EXCLUDED.lsn, updated_at = EXCLUDED.updated_at"
                        + " WHERE "
                        + LsnOrder.notAbove("v.lsn", "EXCLUDED.lsn");
        this.upsertFromArrays =
                "INSERT INTO "
                        + table
                        + " AS v ("
                        + COLUMNS
                        + ") SELECT s, i, c, e::vector, t, m::jsonb, h, l, coalesce(u, now())"
                        + " FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[],"
                        + " ?::text[], ?::text[], ?::bigint[], ?::timestamptz[])"
                        + " AS x(s, i, c, e, t, m, h, l, u)"
                        + conflict;
        this.upsertFromStage =
                "INSERT INTO "
                        + table
                        + " AS v ("
                        + COLUMNS
                        + ") SELECT "
                        + COLUMNS.replace("updated_at", "coalesce(updated_at, now())")
                        + " FROM pgstream_stage"
                        + conflict;
        this.deleteFrom =
                "DELETE FROM "
                        + table
                        + " v USING unnest(?::text[], ?::text[], ?::int[], ?::bigint[])"
                        + " AS d(s, i, n, l)"
                        + " WHERE v.source_table = d.s AND v.id = d.i AND v.chunk >= d.n"
                        + " AND "
                        + LsnOrder.notAbove("v.lsn", "d.l");
        this.mergeMetadata =
                "UPDATE "
                        + table
                        + " v SET metadata = coalesce((SELECT jsonb_object_agg(e.key, e.value)"
                        + " FROM jsonb_each(v.metadata) e WHERE jsonb_exists(d.k::jsonb, e.key)),"
                        + " '{}'::jsonb) || d.m::jsonb, lsn = d.l,"
                        + " updated_at = coalesce(d.u, now())"
                        + " FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[],"
                        + " ?::timestamptz[], ?::text[]) AS d(s, i, m, l, u, k)"
                        + " WHERE v.source_table = d.s AND v.id = d.i AND "
                        + LsnOrder.notAbove("v.lsn", "d.l");
        this.truncate =
                "DELETE FROM "
                        + table
                        + " WHERE source_table = ? AND "
                        + LsnOrder.below("lsn", "?");
    }

    /** Applies {@code writes} in arrival order and commits; rolls back and throws on failure. */
    public void apply(List<VectorWrite> writes) throws SQLException {
        if (writes.isEmpty()) {
            return;
        }
        try {
            for (WriteRounds.Step step : WriteRounds.of(writes)) {
                if (step.isTruncate()) {
                    try (PreparedStatement ps = connection.prepareStatement(truncate)) {
                        ps.setString(1, step.truncate().sourceTable());
                        ps.setLong(2, step.truncate().lsn().value());
                        ps.executeUpdate();
                    }
                } else {
                    applyRound(step.round());
                }
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

    private void applyRound(List<VectorWrite> round) throws SQLException {
        List<VectorWrite> upserts = new ArrayList<>();
        List<VectorWrite> metadata = new ArrayList<>();
        List<VectorWrite> removals = new ArrayList<>(); // DELETE, and UPSERT's chunk-set shrink
        for (VectorWrite w : round) {
            switch (w.kind()) {
                case UPSERT -> {
                    upserts.add(w);
                    removals.add(w);
                }
                case METADATA -> metadata.add(w);
                case DELETE -> removals.add(w);
                default -> throw new IllegalStateException("unexpected " + w);
            }
        }
        if (!upserts.isEmpty()) {
            if (method == UpsertMethod.COPY_MERGE) {
                upsertByCopy(upserts);
            } else {
                upsertByArrays(upserts);
            }
        }
        if (!removals.isEmpty()) {
            delete(removals);
        }
        if (!metadata.isEmpty()) {
            mergeMetadata(metadata);
        }
    }

    private void upsertByArrays(List<VectorWrite> upserts) throws SQLException {
        int n = upserts.stream().mapToInt(w -> w.chunks().size()).sum();
        String[] s = new String[n];
        String[] i = new String[n];
        Integer[] c = new Integer[n];
        String[] e = new String[n];
        String[] t = new String[n];
        String[] m = new String[n];
        String[] h = new String[n];
        Long[] l = new Long[n];
        String[] u = new String[n];
        int k = 0;
        for (VectorWrite w : upserts) {
            for (VectorWrite.Chunk chunk : w.chunks()) {
                s[k] = w.sourceTable();
                i[k] = w.id();
                c[k] = chunk.index();
                e[k] = VectorText.format(chunk.embedding());
                t[k] = chunk.content();
                m[k] = w.metadataJson();
                h[k] = w.contentHash();
                l[k] = w.lsn().value();
                u[k] = timestamp(w.updatedAt());
                k++;
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(upsertFromArrays)) {
            bind(ps, 1, "text", s);
            bind(ps, 2, "text", i);
            bind(ps, 3, "int4", c);
            bind(ps, 4, "text", e);
            bind(ps, 5, "text", t);
            bind(ps, 6, "text", m);
            bind(ps, 7, "text", h);
            bind(ps, 8, "int8", l);
            bind(ps, 9, "text", u);
            ps.executeUpdate();
        }
    }

    private void upsertByCopy(List<VectorWrite> upserts) throws SQLException {
        try (Statement st = connection.createStatement()) {
            if (!stageCreated) {
                st.execute(
                        "CREATE TEMP TABLE IF NOT EXISTS pgstream_stage (LIKE "
                                + table
                                + ") ON COMMIT DELETE ROWS");
                stageCreated = true;
            } else {
                st.execute("TRUNCATE pgstream_stage");
            }
        }
        StringBuilder rows = new StringBuilder();
        for (VectorWrite w : upserts) {
            for (VectorWrite.Chunk chunk : w.chunks()) {
                CopyText.row(
                        rows,
                        w.sourceTable(),
                        w.id(),
                        Integer.toString(chunk.index()),
                        VectorText.format(chunk.embedding()),
                        chunk.content(),
                        w.metadataJson(),
                        w.contentHash(),
                        Long.toString(w.lsn().value()),
                        timestamp(w.updatedAt()));
            }
        }
        try {
            connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY pgstream_stage (" + COLUMNS + ") FROM STDIN",
                            new StringReader(rows.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into the staging table failed: " + e.getMessage(), e);
        }
        try (Statement st = connection.createStatement()) {
            st.executeUpdate(upsertFromStage);
        }
    }

    /** Guarded delete of chunks {@code >= n}: n is the new chunk count for UPSERT, 0 for DELETE. */
    private void delete(List<VectorWrite> removals) throws SQLException {
        int n = removals.size();
        String[] s = new String[n];
        String[] i = new String[n];
        Integer[] from = new Integer[n];
        Long[] l = new Long[n];
        for (int k = 0; k < n; k++) {
            VectorWrite w = removals.get(k);
            s[k] = w.sourceTable();
            i[k] = w.id();
            from[k] = w.kind() == VectorWrite.Kind.UPSERT ? w.chunks().size() : 0;
            l[k] = w.lsn().value();
        }
        try (PreparedStatement ps = connection.prepareStatement(deleteFrom)) {
            bind(ps, 1, "text", s);
            bind(ps, 2, "text", i);
            bind(ps, 3, "int4", from);
            bind(ps, 4, "int8", l);
            ps.executeUpdate();
        }
    }

    private void mergeMetadata(List<VectorWrite> metadata) throws SQLException {
        int n = metadata.size();
        String[] s = new String[n];
        String[] i = new String[n];
        String[] m = new String[n];
        Long[] l = new Long[n];
        String[] u = new String[n];
        String[] kept = new String[n];
        for (int k = 0; k < n; k++) {
            VectorWrite w = metadata.get(k);
            kept[k] = jsonArray(w.keptMetadata());
            s[k] = w.sourceTable();
            i[k] = w.id();
            m[k] = w.metadataJson();
            l[k] = w.lsn().value();
            u[k] = timestamp(w.updatedAt());
        }
        try (PreparedStatement ps = connection.prepareStatement(mergeMetadata)) {
            bind(ps, 1, "text", s);
            bind(ps, 2, "text", i);
            bind(ps, 3, "text", m);
            bind(ps, 4, "int8", l);
            bind(ps, 5, "text", u);
            bind(ps, 6, "text", kept);
            ps.executeUpdate();
        }
    }

    private static String jsonArray(List<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (String name : names) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            ChangeEventJson.string(sb, name);
        }
        return sb.append(']').toString();
    }

    private void bind(PreparedStatement ps, int index, String type, Object[] values)
            throws SQLException {
        Array array = connection.createArrayOf(type, values);
        ps.setArray(index, array);
    }

    private static String timestamp(Instant t) {
        return t == null ? null : t.toString();
    }
}
