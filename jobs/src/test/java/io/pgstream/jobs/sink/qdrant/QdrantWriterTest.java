package io.pgstream.jobs.sink.qdrant;

import static io.pgstream.jobs.testutils.VectorWrites.metadata;
import static io.pgstream.jobs.testutils.VectorWrites.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.SearchHit;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorSearcher;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import io.pgstream.jobs.testutils.TestingQdrantServer.StoredPoint;
import io.pgstream.jobs.testutils.VectorWrites;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Qdrant writer, lookup and searcher through the official client against {@link
 * TestingQdrantServer} on a real port, for what is particular to Qdrant: collection creation, the
 * payload layout, metadata merging under {@code metadata}, lookup and search, API key, size
 * mismatch, unreachable server, a server unavailable for longer than the retry budget. Ordering,
 * guards, deletes, truncates, linger, retries and metrics are the sink contract ({@link
 * QdrantSinkContractTest}). After each test the server must have seen no request that broke its
 * rules (UUIDv5 ids, vector size, wait=true, api-key).
 */
class QdrantWriterTest {

    private static final String KEY = "test-api-key-123";
    private static final String SRC = "public.docs";
    private static final int DIMS = 4;

    private TestingQdrantServer server;
    private QdrantSinkConfig config;

    @BeforeEach
    void start() throws Exception {
        server = TestingQdrantServer.start(KEY);
        config = QdrantSinkConfig.of(server.url(), "docs", DIMS).withApiKey(KEY).withBatchSize(50);
    }

    @AfterEach
    void stop() {
        assertThat(server.violations()).isEmpty();
        server.close();
    }

    static QdrantWriter writer(QdrantSinkConfig config) throws Exception {
        return new QdrantWriter(
                config, null, null, new UnregisteredMetricsGroup(), SinkRetry.defaults("t"));
    }

    @SafeVarargs
    private void apply(List<VectorWrite>... batches) throws Exception {
        VectorWrites.applyAndClose(writer(config), batches);
    }

    /** {@code id/chunk@lsn} of every point, sorted. */
    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (StoredPoint p : server.points("docs").values()) {
            Map<String, Value> pl = p.payload();
            keys.add(
                    pl.get("source_table").getStringValue()
                            + ":"
                            + pl.get("id").getStringValue()
                            + "/"
                            + pl.get("chunk").getIntegerValue()
                            + "@"
                            + pl.get("lsn").getIntegerValue());
        }
        keys.sort(null);
        return keys;
    }

    private StoredPoint point(String table, String id, int chunk) {
        return server.points("docs").get(QdrantPointIds.pointId(table, id, chunk).toString());
    }

    private static String metadataOf(StoredPoint p) {
        return QdrantPayloads.toJson(p.payload().get("metadata"));
    }

    @Test
    void createsTheCollectionWithTheModelsSizeAndPayloadIndexes() throws Exception {
        apply();
        assertThat(server.hasCollection("docs")).isTrue();
        assertThat(server.vectorSize("docs")).isEqualTo(DIMS);
        assertThat(server.calls()).contains("createCollection").contains("createFieldIndex");
    }

    @Test
    void upsertWritesOnePointPerChunkWithSourceInfoAndMetadata() throws Exception {
        VectorWrite w = upsert(SRC, "[1,\"a\"]", "text", 2, DIMS, 7);
        apply(List.of(w));
        assertThat(keys())
                .containsExactly("public.docs:[1,\"a\"]/0@7", "public.docs:[1,\"a\"]/1@7");
        StoredPoint p = point(SRC, "[1,\"a\"]", 1);
        assertThat(p.vector()).containsExactly(w.chunks().get(1).embedding());
        assertThat(p.payload().get("content").getStringValue()).isEqualTo("text#1");
        assertThat(p.payload().get("content_hash").getStringValue()).isEqualTo("hash-text");
        assertThat(p.payload().get("updated_at").getStringValue())
                .isEqualTo("2024-05-01T10:00:07Z");
        assertThat(metadataOf(p)).isEqualTo("{\"title\":\"text\",\"n\":7}");
    }

    @Test
    void metadataReplacesTheStoredOneOrMergesWhenColumnsWereKept() throws Exception {
        apply(List.of(upsert(SRC, "1", "text", 2, DIMS, 10)));
        float[] before = point(SRC, "1", 0).vector();
        apply(
                List.of(metadata(SRC, "1", "{\"n\":99,\"tag\":[1,\"x\"]}", 20)),
                List.of(metadata(SRC, "1", "{\"tag\":\"stale\"}", 15)));
        for (int chunk = 0; chunk < 2; chunk++) {
            StoredPoint p = point(SRC, "1", chunk);
            assertThat(metadataOf(p)).isEqualTo("{\"n\":99,\"tag\":[1,\"x\"]}");
            assertThat(p.payload().get("lsn").getIntegerValue()).isEqualTo(20);
            assertThat(p.payload().get("content").getStringValue()).isEqualTo("text#" + chunk);
        }
        assertThat(point(SRC, "1", 0).vector()).containsExactly(before);
        apply(
                List.of(
                        VectorWrite.metadata(
                                SRC,
                                "1",
                                "{\"tag\":\"y\"}",
                                new Lsn(30),
                                Instant.parse("2024-05-01T10:00:30Z"),
                                List.of("n"))));
        assertThat(metadataOf(point(SRC, "1", 0))).isEqualTo("{\"n\":99,\"tag\":\"y\"}");
    }

    @Test
    void lookupReturnsTheStoredHashesOfChunkZero() throws Exception {
        ContentHashLookup.Factory factory = QdrantContentHashLookup.factory(config);
        try (ContentHashLookup lookup = factory.open()) {
            assertThat(lookup.contentHashes(SRC, List.of("1"))).isEmpty();
        }
        apply(
                List.of(
                        upsert(SRC, "1", "one", 3, DIMS, 1),
                        upsert(SRC, "2", "two", 1, DIMS, 2),
                        upsert("public.other", "3", "three", 1, DIMS, 3)));
        try (ContentHashLookup lookup = factory.open()) {
            assertThat(lookup.contentHashes(SRC, List.of("1", "2", "3", "4")))
                    .isEqualTo(Map.of("1", "hash-one", "2", "hash-two"));
        }
    }

    @Test
    void searchReturnsClosestChunksWithCosineScores() throws Exception {
        apply(
                List.of(
                        row("x", new float[] {1, 0, 0, 0}, 1),
                        row("y", new float[] {0, 1, 0, 0}, 2),
                        row("xy", new float[] {1, 1, 0, 0}, 3)));
        try (VectorSearcher searcher = QdrantSearcher.factory(config).open()) {
            List<SearchHit> hits = searcher.search(new float[] {2, 0, 0, 0}, 2);
            assertThat(hits).extracting(SearchHit::id).containsExactly("x", "xy");
            assertThat(hits.get(0).score()).isCloseTo(1.0, within(1e-6));
            assertThat(hits.get(1).score()).isCloseTo(Math.sqrt(0.5), within(1e-6));
            assertThat(hits.get(0).content()).isEqualTo("text x");
            assertThat(hits.get(0).sourceTable()).isEqualTo(SRC);
            assertThat(hits.get(0).metadataJson()).isEqualTo("{\"k\":\"x\"}");
        }
    }

    private static VectorWrite row(String id, float[] v, long lsn) {
        return VectorWrite.upsert(
                SRC,
                id,
                List.of(new VectorWrite.Chunk(0, "text " + id, v)),
                "h",
                "{\"k\":\"" + id + "\"}",
                new Lsn(lsn),
                VectorWrites.T0);
    }

    @Test
    void aWrongApiKeyIsReportedWithoutTheKey() {
        QdrantSinkConfig wrong = config.withApiKey("not-the-key-987");
        assertThatThrownBy(() -> writer(wrong))
                .hasMessageContaining("API key")
                .hasMessageContaining(server.url())
                .satisfies(e -> assertThat(e.toString()).doesNotContain("not-the-key-987"));
    }

    @Test
    void anExistingCollectionWithAnotherSizeIsRefused() {
        server.createCollection("docs", 3);
        assertThatThrownBy(() -> writer(config))
                .hasMessageContaining("docs")
                .hasMessageContaining("3 dimensions")
                .hasMessageContaining("produces 4");
    }

    @Test
    void anUnreachableServerIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        QdrantSinkConfig nowhere =
                QdrantSinkConfig.of("http://127.0.0.1:" + port, "docs", DIMS)
                        .withTimeout(java.time.Duration.ofSeconds(5));
        assertThatThrownBy(() -> writer(nowhere))
                .hasMessageContaining("cannot reach Qdrant at http://127.0.0.1:" + port);
    }

    @Test
    void urlsChooseTlsAndDefaultPort() {
        QdrantSinkConfig tls = QdrantSinkConfig.of("https://q.example.com", "c", 3);
        assertThat(tls.tls()).isTrue();
        assertThat(tls.port()).isEqualTo(6334);
        assertThat(QdrantSinkConfig.of("http://h:7000", "c", 3).tls()).isFalse();
        assertThatThrownBy(() -> QdrantSinkConfig.of("grpc://h:1", "c", 3))
                .hasMessageContaining("grpc://h:1");
        assertThat(config.withApiKey("secret-xyz").toString()).doesNotContain("secret-xyz");
    }

    @Test
    void aServerUnavailableForLongerThanTheRetryBudgetFailsNamingTheCollection() throws Exception {
        SinkRetry retry =
                new SinkRetry(
                        "Qdrant collection docs", 3, Duration.ofMillis(1), Duration.ofMillis(5));
        try (QdrantWriter w =
                new QdrantWriter(config, null, null, new UnregisteredMetricsGroup(), retry)) {
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            server.failNextCalls(Integer.MAX_VALUE);
            assertThatThrownBy(() -> w.flush(false))
                    .hasMessageContaining("Qdrant collection docs failed after 3 attempts")
                    .hasMessageContaining("UNAVAILABLE");
            server.failNextCalls(0);
            assertThat(retry.retries()).isEqualTo(2);
        }
    }
}
