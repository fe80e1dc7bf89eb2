package io.pgstream.jobs.sink.pgvector;

import static io.pgstream.jobs.testutils.VectorWrites.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.SearchHit;
import io.pgstream.jobs.sink.VectorSearcher;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.VectorWrites;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Content-hash and stored-chunk-vector lookups and nearest-neighbour search over a pgvector table
 * the writer filled, on the real server.
 */
class PgVectorLookupAndSearchITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int DIMS = 3;

    private static VectorWrite row(String id, float[] v, long lsn) {
        return VectorWrite.upsert(
                "public.docs",
                id,
                List.of(new VectorWrite.Chunk(0, "text " + id, v)),
                "hash-" + id,
                "{\"k\":\"" + id + "\"}",
                new Lsn(lsn),
                null);
    }

    @Test
    void lookupReturnsChunkZeroHashesOfTheAskedRows() throws Exception {
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(PG.config(), "pgvectorlookup_v", 4, false, 10);
        ContentHashLookup.Factory factory = PgVectorContentHashLookup.factory(config);
        try (ContentHashLookup lookup = factory.open()) {
            assertThat(lookup.contentHashes("public.docs", List.of("1"))).isEmpty();
        }
        VectorWrites.applyAndClose(
                PgVectorWriterITCase.writer(config),
                List.of(
                        upsert("public.docs", "1", "one", 3, 4, 1),
                        upsert("public.docs", "2", "two", 1, 4, 2),
                        upsert("public.other", "3", "three", 1, 4, 3)));
        try (ContentHashLookup lookup = factory.open()) {
            assertThat(lookup.contentHashes("public.docs", List.of("1", "2", "3", "4")))
                    .isEqualTo(Map.of("1", "hash-one", "2", "hash-two"));
            assertThat(lookup.contentHashes("public.other", List.of("3")))
                    .isEqualTo(Map.of("3", "hash-three"));
            assertThat(lookup.contentHashes("public.docs", List.of())).isEmpty();
        }
    }

    @Test
    void storedVectorsAreTheAskedRowsChunksWithAnAskedTextExactly() throws Exception {
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(PG.config(), "pgvectorlookup_chunks", DIMS, false, 10);
        ContentHashLookup.Factory factory = PgVectorContentHashLookup.factory(config);
        try (ContentHashLookup lookup = factory.open()) {
            assertThat(lookup.storedVectors("public.docs", List.of("1"), List.of("a"))).isEmpty();
        }
        float[] a = {0.1f, -2.5e-7f, 3.3333333f};
        float[] b = {1, 2, 3};
        VectorWrites.applyAndClose(
                PgVectorWriterITCase.writer(config),
                List.of(
                        VectorWrite.upsert(
                                "public.docs",
                                "1",
                                List.of(
                                        new VectorWrite.Chunk(0, "chunk a", a),
                                        new VectorWrite.Chunk(1, "chunk b", b)),
                                "hash-1",
                                "{}",
                                new Lsn(1),
                                null),
                        VectorWrite.upsert(
                                "public.other",
                                "1",
                                List.of(new VectorWrite.Chunk(0, "chunk c", b)),
                                "hash-o",
                                "{}",
                                new Lsn(2),
                                null)));
        try (ContentHashLookup lookup = factory.open()) {
            Map<String, float[]> found =
                    lookup.storedVectors(
                            "public.docs", List.of("1", "2"), List.of("chunk a", "chunk c", "new"));
            assertThat(found).containsOnlyKeys("chunk a");
            assertThat(found.get("chunk a")).containsExactly(a); // bit for bit through pgvector
            assertThat(lookup.storedVectors("public.docs", List.of("2"), List.of("chunk b")))
                    .isEmpty();
            assertThat(lookup.storedVectors("public.docs", List.of("1"), List.of())).isEmpty();
        }
    }

    @Test
    void searchOrdersByCosineSimilarity() throws Exception {
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(PG.config(), "pgvectorsearch_v", DIMS, true, 10);
        VectorWrites.applyAndClose(
                PgVectorWriterITCase.writer(config),
                List.of(
                        row("x", new float[] {1, 0, 0}, 1),
                        row("y", new float[] {0, 1, 0}, 2),
                        row("xy", new float[] {1, 1, 0}, 3),
                        row("-x", new float[] {-2, 0, 0}, 4)));
        try (VectorSearcher searcher = PgVectorSearcher.factory(config).open()) {
            List<SearchHit> hits = searcher.search(new float[] {3, 0.1f, 0}, 3);
            assertThat(hits).extracting(SearchHit::id).containsExactly("x", "xy", "y");
            assertThat(hits.get(0).score()).isCloseTo(0.99944, within(1e-4));
            assertThat(hits.get(1).score())
                    .isCloseTo(Math.sqrt(0.5) * 3.1 / Math.hypot(3, 0.1), within(1e-4));
            SearchHit first = hits.get(0);
            assertThat(first.sourceTable()).isEqualTo("public.docs");
            assertThat(first.chunk()).isZero();
            assertThat(first.content()).isEqualTo("text x");
            assertThat(first.metadataJson()).isEqualTo("{\"k\": \"x\"}");
            assertThat(searcher.search(new float[] {-1, 0, 0}, 1).get(0).score())
                    .isCloseTo(1.0, within(1e-6));
            assertThatThrownBy(() -> searcher.search(new float[] {1, 0}, 1))
                    .hasMessageContaining("2 dimensions")
                    .hasMessageContaining("stores 3");
        }
    }
}
