package io.pgstream.jobs.sink.pgvector;

import static io.pgstream.jobs.testutils.VectorWrites.metadata;
import static io.pgstream.jobs.testutils.VectorWrites.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.VectorWrites;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What is particular to the pgvector writer, against the real PostgreSQL with pgvector: table
 * creation, every column of an upsert, jsonb metadata merging, quoting, and the errors for a wrong
 * vector size, an unreachable server and a table dropped under the writer. Ordering, guards,
 * deletes, truncates, linger, retries and metrics are the sink contract ({@link
 * PgVectorSinkContractITCase}). Each test uses its own table.
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

    @Test
    void metadataReplacesTheStoredOneExceptKeptColumnsAndTheVectorStays() throws Exception {
        PgVectorSinkConfig config = config(10);
        PgVectorApplier.UpsertMethod m = PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT;
        apply(config, m, List.of(upsert(SRC, "1", "text", 2, DIMS, 10)));
        String embedding = dump(config).get(0).split("\\|")[3];
        // "n" left unsent (unchanged TOAST): kept; "title" no longer a column: gone
        apply(
                config,
                m,
                List.of(
                        VectorWrite.metadata(
                                SRC,
                                "1",
                                "{\"tag\":\"x\"}",
                                new Lsn(20),
                                Instant.parse("2024-05-01T10:00:20Z"),
                                List.of("n"))));
        List<String> rows = dump(config);
        assertThat(rows).hasSize(2);
        assertThat(rows)
                .allSatisfy(
                        r ->
                                assertThat(r)
                                        .contains(
                                                "|{\"n\": 10, \"tag\": \"x\"}|hash-text|20|2024-05-01"
                                                        + " 10:00:20+00|"));
        assertThat(rows.get(0).split("\\|")[3]).isEqualTo(embedding);
        assertThat(rows.get(0)).contains("|text#0|");

        apply(config, m, List.of(metadata(SRC, "1", "{\"tag\":\"y\"}", 30)));
        assertThat(dump(config)).allSatisfy(r -> assertThat(r).contains("|{\"tag\": \"y\"}|"));
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

    @Test
    void aDroppedTableFailsAtOnceNamingIt() throws Exception {
        PgVectorSinkConfig config = config(10);
        SinkRetry retry = SinkRetry.defaults("pgvector table " + config.displayName());
        try (PgVectorWriter w =
                new PgVectorWriter(
                        config,
                        PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT,
                        null,
                        null,
                        new UnregisteredMetricsGroup(),
                        retry)) {
            PG.execute("DROP TABLE " + config.qualifiedTable());
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            assertThatThrownBy(() -> w.flush(false))
                    .hasMessageContaining("pgvector table " + config.displayName())
                    .hasMessageContaining("dropped");
            assertThat(retry.retries()).isZero();
        }
    }

    @Test
    void aTerminatedConnectionIsReopenedAndTheBatchWritten() throws Exception {
        String app = "pgvectorwriter-terminated";
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(
                        PgConnectionConfig.parse(
                                PG.config()
                                                .jdbcUrl()
                                                .replace(
                                                        "jdbc:postgresql://",
                                                        "postgresql://" + PG.config().user() + "@")
                                        + "?application_name="
                                        + app),
                        "pgvectorwriter_" + TABLES.incrementAndGet(),
                        DIMS,
                        false,
                        10);
        SinkRetry retry = new SinkRetry("t", 8, Duration.ofMillis(5), Duration.ofMillis(50));
        try (PgVectorWriter w =
                new PgVectorWriter(
                        config,
                        PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT,
                        null,
                        null,
                        new UnregisteredMetricsGroup(),
                        retry)) {
            assertThat(
                            PG.queryValue(
                                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                            + " WHERE application_name = '"
                                            + app
                                            + "'"))
                    .isEqualTo(1L);
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            w.flush(false);
            assertThat(retry.retries()).isPositive();
            assertThat(keys(config)).containsExactly("1/0@1");
        }
    }
}
