package io.pgstream.jobs.sink.pgvector;

import static io.pgstream.jobs.testutils.VectorWrites.delete;
import static io.pgstream.jobs.testutils.VectorWrites.metadata;
import static io.pgstream.jobs.testutils.VectorWrites.truncate;
import static io.pgstream.jobs.testutils.VectorWrites.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.VectorWrites;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pgvector writer against the real PostgreSQL with pgvector: table creation, every write kind,
 * the version guard under replays and out-of-order writes, chunk-set shrinking, metadata merging,
 * the truncate guard, and the errors for a wrong vector size and an unreachable server. Each test
 * uses its own table; guarded behaviour is checked with both upsert methods.
 */
class PgVectorWriterITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int DIMS = 4;
    private static final String SRC = "public.docs";
    private static final AtomicInteger TABLES = new AtomicInteger();

    private static PgVectorSinkConfig config(int batchSize) {
        return PgVectorSinkConfig.of(
                PG.config(), "pgvectorwriter_" + TABLES.incrementAndGet(), DIMS, true, batchSize);
    }

    /** A writer without max-linger (flush on size and checkpoint), default upsert method. */
    static PgVectorWriter writer(PgVectorSinkConfig config) throws Exception {
        return writer(config, PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT);
    }

    static PgVectorWriter writer(PgVectorSinkConfig config, PgVectorApplier.UpsertMethod m)
            throws Exception {
        return new PgVectorWriter(
                config, m, null, null, new UnregisteredMetricsGroup(), SinkRetry.defaults("t"));
    }

    /** Writes and flushes (commits) each list in turn. */
    @SafeVarargs
    private static void apply(
            PgVectorSinkConfig config, PgVectorApplier.UpsertMethod m, List<VectorWrite>... batches)
            throws Exception {
        VectorWrites.applyAndClose(writer(config, m), batches);
    }

    /** The table as text rows, ordered, every column. */
    private static List<String> dump(PgVectorSinkConfig config) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = PG.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT source_table, id, chunk, embedding::text, content,"
                                        + " metadata::text, content_hash, lsn, updated_at FROM "
                                        + config.qualifiedTable()
                                        + " ORDER BY 1, 2, 3")) {
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= 9; i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                rows.add(sb.toString());
            }
        }
        return rows;
    }

    private static List<String> keys(PgVectorSinkConfig config) throws Exception {
        List<String> keys = new ArrayList<>();
        for (String row : dump(config)) {
            String[] f = row.split("\\|");
            keys.add(f[1] + "/" + f[2] + "@" + f[7]);
        }
        return keys;
    }

    @Test
    void createsTheTableWithKeyAndHnswIndex() throws Exception {
        PgVectorSinkConfig config = config(10);
        apply(config, PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT);
        assertThat(
                        PG.queryValue(
                                "SELECT string_agg(attname || ':' || format_type(atttypid,"
                                        + " atttypmod), ',' ORDER BY attnum) FROM pg_attribute"
                                        + " WHERE attrelid = '"
                                        + config.qualifiedTable()
                                        + "'::regclass AND attnum > 0"))
                .isEqualTo(
                        "source_table:text,id:text,chunk:integer,embedding:vector(4),content:text,"
                                + "metadata:jsonb,content_hash:text,lsn:bigint,"
                                + "updated_at:timestamp with time zone");
        assertThat(
                        PG.queryValue(
                                "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = '"
                                        + config.qualifiedTable()
                                        + "'::regclass AND indisprimary"))
                .asString()
                .contains("(source_table, id, chunk)");
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_indexes WHERE tablename = '"
                                        + config.table()
                                        + "' AND indexdef LIKE '%hnsw (embedding"
                                        + " vector_cosine_ops)%'"))
                .isEqualTo(1L);
    }

    @ParameterizedTest
    @EnumSource(PgVectorApplier.UpsertMethod.class)
    void upsertStoresEveryColumn(PgVectorApplier.UpsertMethod m) throws Exception {
        PgVectorSinkConfig config = config(10);
        apply(config, m, List.of(upsert(SRC, "[1,\"a\"]", "tab\there\nnew \\ line", 2, DIMS, 7)));
        List<String> rows = dump(config);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0))
                .startsWith("public.docs|[1,\"a\"]|0|")
                .contains("|tab\there\nnew \\ line#0|")
                .contains("|{\"n\": 7, \"title\": \"tab\\there\\nnew \\\\ line\"}|")
                .contains("|hash-tab\there\nnew \\ line|7|2024-05-01 10:00:07+00|");
        float[] expected = VectorWrites.vector(DIMS, "tab\there\nnew \\ line".hashCode() + 1);
        assertThat(rows.get(1)).contains("|" + VectorText.format(expected) + "|");
    }

    @ParameterizedTest
    @EnumSource(PgVectorApplier.UpsertMethod.class)
    void replayingTheSameWritesChangesNothing(PgVectorApplier.UpsertMethod m) throws Exception {
        PgVectorSinkConfig config = config(10);
        List<VectorWrite> writes =
                List.of(
                        upsert(SRC, "1", "one", 2, DIMS, 10),
                        upsert(SRC, "2", "two", 1, DIMS, 11),
                        metadata(SRC, "1", "{\"x\":1}", 12),
                        upsert(SRC, "3", "three", 1, DIMS, 13),
                        delete(SRC, "3", 14));
        apply(config, m, writes);
        List<String> once = dump(config);
        apply(config, m, writes, writes);
        assertThat(dump(config)).isEqualTo(once);
        assertThat(keys(config)).containsExactly("1/0@12", "1/1@12", "2/0@11");
    }

    @ParameterizedTest
    @EnumSource(PgVectorApplier.UpsertMethod.class)
    void olderWritesAfterNewerOnesChangeNothing(PgVectorApplier.UpsertMethod m) throws Exception {
        PgVectorSinkConfig config = config(10);
        apply(config, m, List.of(upsert(SRC, "1", "new", 1, DIMS, 100)));
        List<String> before = dump(config);
        apply(
                config,
                m,
                List.of(upsert(SRC, "1", "old", 3, DIMS, 50)),
                List.of(metadata(SRC, "1", "{\"title\":\"stale\"}", 60)),
                List.of(delete(SRC, "1", 70)));
        assertThat(dump(config)).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(PgVectorApplier.UpsertMethod.class)
    void changesOfOneTransactionShareTheirLsnAndTheLaterOneWins(PgVectorApplier.UpsertMethod m)
            throws Exception {
        PgVectorSinkConfig config = config(10);
        apply(
                config,
                m,
                List.of(upsert(SRC, "1", "first", 2, DIMS, 100)),
                List.of(upsert(SRC, "1", "second", 1, DIMS, 100)));
        assertThat(keys(config)).containsExactly("1/0@100");
        assertThat(dump(config).get(0)).contains("|second#0|");
        apply(config, m, List.of(delete(SRC, "1", 100)));
        assertThat(keys(config)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PgVectorApplier.UpsertMethod.class)
    void aSmallerChunkSetRemovesTheExtraChunks(PgVectorApplier.UpsertMethod m) throws Exception {
        PgVectorSinkConfig config = config(10);
        apply(
                config,
                m,
                List.of(upsert(SRC, "1", "long", 3, DIMS, 10), upsert(SRC, "2", "b", 2, DIMS, 11)),
                List.of(upsert(SRC, "1", "short", 1, DIMS, 20)));
        assertThat(keys(config)).containsExactly("1/0@20", "2/0@11", "2/1@11");
        assertThat(dump(config).get(0)).contains("|short#0|");
    }

    @Test
    void metadataIsMergedAndTheVectorKept() throws Exception {
        PgVectorSinkConfig config = config(10);
        PgVectorApplier.UpsertMethod m = PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT;
        apply(config, m, List.of(upsert(SRC, "1", "text", 2, DIMS, 10)));
        String embedding = dump(config).get(0).split("\\|")[3];
        apply(config, m, List.of(metadata(SRC, "1", "{\"n\":99,\"tag\":\"x\"}", 20)));
        List<String> rows = dump(config);
        assertThat(rows).hasSize(2);
        assertThat(rows)
                .allSatisfy(
                        r ->
                                assertThat(r)
                                        .contains(
                                                "|{\"n\": 99, \"tag\": \"x\", \"title\":"
                                                        + " \"text\"}|hash-text|20|2024-05-01"
                                                        + " 10:00:20+00|"));
        assertThat(rows.get(0).split("\\|")[3]).isEqualTo(embedding);
        assertThat(rows.get(0)).contains("|text#0|");
    }

    @Test
    void deleteRemovesAllChunksOfTheRowOnly() throws Exception {
        PgVectorSinkConfig config = config(10);
        PgVectorApplier.UpsertMethod m = PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT;
        apply(
                config,
                m,
                List.of(
                        upsert(SRC, "1", "a", 3, DIMS, 10),
                        upsert(SRC, "2", "b", 1, DIMS, 11),
                        upsert("public.other", "1", "c", 1, DIMS, 12)),
                List.of(delete(SRC, "1", 20)));
        assertThat(keys(config)).containsExactly("2/0@11", "1/0@12");
        assertThat(dump(config).get(1)).startsWith("public.other|");
    }

    @ParameterizedTest
    @EnumSource(PgVectorApplier.UpsertMethod.class)
    void truncateRemovesOnlyOlderVectorsOfItsTable(PgVectorApplier.UpsertMethod m)
            throws Exception {
        PgVectorSinkConfig config = config(10);
        apply(
                config,
                m,
                List.of(
                        upsert(SRC, "1", "a", 2, DIMS, 10),
                        upsert(SRC, "2", "b", 1, DIMS, 30),
                        upsert("public.other", "1", "c", 1, DIMS, 12)),
                List.of(truncate(SRC, 20)),
                List.of(truncate(SRC, 20)));
        assertThat(keys(config)).containsExactly("2/0@30", "1/0@12");
        assertThat(dump(config).get(1)).startsWith("public.other|1|");
    }

    @ParameterizedTest
    @EnumSource(PgVectorApplier.UpsertMethod.class)
    void oneBatchIsAppliedInArrivalOrder(PgVectorApplier.UpsertMethod m) throws Exception {
        PgVectorSinkConfig config = config(100);
        apply(
                config,
                m,
                List.of(
                        upsert(SRC, "1", "a", 3, DIMS, 10),
                        delete(SRC, "1", 11),
                        upsert(SRC, "1", "b", 2, DIMS, 12),
                        metadata(SRC, "1", "{\"m\":1}", 13),
                        upsert(SRC, "2", "c", 1, DIMS, 14),
                        truncate(SRC, 15),
                        upsert(SRC, "2", "d", 1, DIMS, 16),
                        upsert(SRC, "3", "e", 2, DIMS, 17),
                        upsert(SRC, "3", "f", 1, DIMS, 18)));
        assertThat(keys(config)).containsExactly("2/0@16", "3/0@18");
        assertThat(dump(config).get(1)).contains("|f#0|");
    }

    @Test
    void aFullBatchIsCommittedWithoutWaitingForACheckpoint() throws Exception {
        PgVectorSinkConfig config = config(3);
        try (PgVectorWriter w = writer(config, PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT)) {
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            w.write(upsert(SRC, "2", "b", 1, DIMS, 2), null);
            assertThat(keys(config)).isEmpty();
            w.write(upsert(SRC, "3", "c", 1, DIMS, 3), null);
            assertThat(w.buffered()).isZero();
            assertThat(keys(config)).hasSize(3);
        }
    }

    @Test
    void anExistingTableWithAnotherVectorSizeIsRefused() throws Exception {
        PgVectorSinkConfig config = config(10);
        PG.execute(
                "CREATE TABLE "
                        + config.qualifiedTable()
                        + " (source_table text, id text, chunk int, embedding vector(3))");
        assertThatThrownBy(() -> writer(config, PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT))
                .hasMessageContaining(config.table())
                .hasMessageContaining("3 dimensions")
                .hasMessageContaining("produces 4");
    }

    @Test
    void anUnreachableServerIsNamedWithoutItsPassword() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(
                        PgConnectionConfig.parse(
                                "postgresql://app:s3cret-pw@127.0.0.1:" + port + "/db"),
                        "t",
                        DIMS,
                        false,
                        10);
        assertThatThrownBy(() -> writer(config, PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT))
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("pgvector sink")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("s3cret-pw"));
    }

    @Test
    void quotedTableNamesAreJustNames() throws Exception {
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(PG.config(), "public.Vec\"tors; DROP", DIMS, true, 10);
        apply(
                config,
                PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT,
                List.of(upsert(SRC, "1", "a", 1, DIMS, 1)));
        assertThat(keys(config)).containsExactly("1/0@1");
    }
}
