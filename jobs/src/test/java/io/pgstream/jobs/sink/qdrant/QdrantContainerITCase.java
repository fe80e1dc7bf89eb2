package io.pgstream.jobs.sink.qdrant;

import static io.pgstream.jobs.testutils.VectorWrites.delete;
import static io.pgstream.jobs.testutils.VectorWrites.metadata;
import static io.pgstream.jobs.testutils.VectorWrites.truncate;
import static io.pgstream.jobs.testutils.VectorWrites.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.SearchHit;
import io.pgstream.jobs.sink.VectorSearcher;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.VectorWrites;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

/**
 * The Qdrant writer, lookup and searcher against a real Qdrant server in a container: the same
 * behaviour {@link QdrantWriterTest} checks on the in-process server, including the nested {@code
 * set_payload} merge under {@code metadata}. Skipped where there is no Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantContainerITCase {

    private static final int DIMS = 4;
    private static final String SRC = "public.docs";

    @Container static final QdrantContainer QDRANT = new QdrantContainer("qdrant/qdrant:v1.16.2");

    private QdrantSinkConfig config(String collection) {
        return QdrantSinkConfig.of(
                "http://" + QDRANT.getHost() + ":" + QDRANT.getMappedPort(6334), collection, DIMS);
    }

    @Test
    void writesMetadataDeletesAndTruncatesLikeTheTable() throws Exception {
        QdrantSinkConfig config = config("qdrantcontainer_docs");
        List<VectorWrite> writes =
                List.of(
                        upsert(SRC, "1", "long", 3, DIMS, 10),
                        upsert(SRC, "2", "b", 2, DIMS, 11),
                        upsert("public.other", "9", "c", 1, DIMS, 12),
                        upsert(SRC, "1", "short", 1, DIMS, 20),
                        metadata(SRC, "2", "{\"tag\":\"x\"}", 21),
                        metadata(SRC, "2", "{\"tag\":\"stale\"}", 15),
                        upsert(SRC, "3", "d", 1, DIMS, 22),
                        delete(SRC, "3", 23),
                        truncate("public.other", 13));
        VectorWrites.applyAndClose(QdrantWriterTest.writer(config), writes, writes);
        List<String> keys = new ArrayList<>();
        String metadata2 = null;
        try (QdrantConnection c = new QdrantConnection(config)) {
            for (RetrievedPoint p :
                    c.await(
                                    c.client()
                                            .scrollAsync(
                                                    ScrollPoints.newBuilder()
                                                            .setCollectionName(config.collection())
                                                            .setLimit(100)
                                                            .build()),
                                    "scrolling")
                            .getResultList()) {
                var pl = p.getPayloadMap();
                keys.add(
                        pl.get("id").getStringValue()
                                + "/"
                                + pl.get("chunk").getIntegerValue()
                                + "@"
                                + pl.get("lsn").getIntegerValue());
                if (pl.get("id").getStringValue().equals("2")) {
                    metadata2 = QdrantPayloads.toJson(pl.get("metadata"));
                }
            }
        }
        keys.sort(null);
        assertThat(keys).containsExactly("1/0@20", "2/0@21", "2/1@21");
        assertThat(metadata2).contains("\"tag\":\"x\"").contains("\"title\":\"b\"");

        try (ContentHashLookup lookup = QdrantContentHashLookup.factory(config).open()) {
            assertThat(lookup.contentHashes(SRC, List.of("1", "2", "3")))
                    .isEqualTo(Map.of("1", "hash-short", "2", "hash-b"));
        }
        try (VectorSearcher searcher = QdrantSearcher.factory(config).open()) {
            float[] q = writes.get(3).chunks().get(0).embedding();
            List<SearchHit> hits = searcher.search(q, 1);
            assertThat(hits.get(0).id()).isEqualTo("1");
            assertThat(hits.get(0).score()).isGreaterThan(0.999);
        }
    }
}
