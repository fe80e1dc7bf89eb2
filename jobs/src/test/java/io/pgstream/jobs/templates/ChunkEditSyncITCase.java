package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.embedding.ChunkedDocuments;
import io.pgstream.jobs.embedding.TextChunker;
import io.pgstream.jobs.sink.pgvector.VectorText;
import io.pgstream.jobs.sink.qdrant.QdrantPayloads;
import io.pgstream.jobs.testutils.TestingEmbeddingModel;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Edits of a 40-chunk document through the real sync job into pgvector and Qdrant (the in-process
 * server): after each edit the row's stored chunks are exactly the new text's chunks (none stale,
 * numbered 0..n-1), and the model was sent only the chunks the edit touched (the others' vectors
 * are read back from the index).
 */
class ChunkEditSyncITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int DIMENSIONS = 8;
    private static final TextChunker CHUNKER = TextChunker.characters(500, 500 / 8);

    /** The row's stored chunk texts in chunk order, and its stored {@code category}. */
    private interface StoredRow {
        List<String> chunks() throws Exception;

        String category() throws Exception;

        /** Row 1's stored vector per chunk text. */
        Map<String, float[]> vectors() throws Exception;
    }

    @Test
    void pgvectorHoldsExactlyTheNewChunksAndOnlyTouchedChunksAreEmbedded() throws Exception {
        String t = "chunk_edits_pgvector";
        editAll(
                t,
                SyncJobHarness.pgvectorSink(t),
                new StoredRow() {
                    @Override
                    public List<String> chunks() throws SQLException {
                        return pgvectorChunks(t);
                    }

                    @Override
                    public Map<String, float[]> vectors() throws SQLException {
                        Map<String, float[]> vectors = new HashMap<>();
                        try (Connection c = PG.connect();
                                var rs =
                                        c.createStatement()
                                                .executeQuery(
                                                        "SELECT content, embedding::text FROM "
                                                                + t
                                                                + "_vectors WHERE id = '1'")) {
                            while (rs.next()) {
                                vectors.put(rs.getString(1), VectorText.parse(rs.getString(2)));
                            }
                        }
                        return vectors;
                    }

                    @Override
                    public String category() throws SQLException {
                        return (String)
                                PG.queryValue(
                                        "SELECT metadata->>'category' FROM "
                                                + t
                                                + "_vectors WHERE chunk = 0");
                    }
                });
    }

    @Test
    void qdrantHoldsExactlyTheNewChunksAndOnlyTouchedChunksAreEmbedded() throws Exception {
        String t = "chunk_edits_qdrant";
        try (TestingQdrantServer qdrant = TestingQdrantServer.start(null)) {
            editAll(
                    t,
                    String.join(
                            "\n",
                            "sink:",
                            "  type: qdrant",
                            "  url: " + qdrant.url(),
                            "  collection: " + t),
                    new StoredRow() {
                        @Override
                        public List<String> chunks() {
                            return qdrantChunks(qdrant, t);
                        }

                        @Override
                        public Map<String, float[]> vectors() {
                            Map<String, float[]> vectors = new HashMap<>();
                            for (var p : qdrant.points(t).values()) {
                                if ("1"
                                        .equals(
                                                p.payload()
                                                        .get(QdrantPayloads.ID)
                                                        .getStringValue())) {
                                    vectors.put(
                                            p.payload()
                                                    .get(QdrantPayloads.CONTENT)
                                                    .getStringValue(),
                                            p.vector());
                                }
                            }
                            return vectors;
                        }

                        @Override
                        public String category() {
                            for (var p : qdrant.points(t).values()) {
                                if (p.payload().get(QdrantPayloads.CHUNK).getIntegerValue() == 0) {
                                    return p.payload()
                                            .get(QdrantPayloads.METADATA)
                                            .getStructValue()
                                            .getFieldsMap()
                                            .get("category")
                                            .getStringValue();
                                }
                            }
                            return null;
                        }
                    });
            assertThat(qdrant.violations()).isEmpty();
        }
    }

    private static void editAll(String t, String sink, StoredRow row) throws Exception {
        List<String> paragraphs = new ArrayList<>(ChunkedDocuments.paragraphs(5, 40));
        PG.execute(
                "CREATE TABLE "
                        + t
                        + " (id int PRIMARY KEY, title text, body text, category text)");
        setBody(t, paragraphs);
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            String embedding =
                    SyncJobHarness.openAiEmbedding(
                            model.baseUrl(),
                            DIMENSIONS,
                            "  max-linger: 20ms",
                            "  chunking: {max-chars: 500}");
            JobClient job = SyncJobHarness.start(SyncJobHarness.config(PG, t, embedding, sink));
            try {
                List<String> chunks = awaitChunksOf(t, row);
                assertThat(chunks).hasSizeGreaterThanOrEqualTo(40);

                // (a) one word in the middle
                String middle = paragraphs.get(20);
                int at = middle.indexOf(' ', middle.length() / 2);
                paragraphs.set(
                        20,
                        middle.substring(0, at + 1)
                                + "edited"
                                + middle.substring(middle.indexOf(' ', at + 1)));
                chunks = edit(t, model, row, paragraphs, chunks, 1);

                // (b) a paragraph inserted near the start
                paragraphs.add(2, ChunkedDocuments.paragraph(new Random(42), 4));
                chunks = edit(t, model, row, paragraphs, chunks, 2);

                // ten paragraphs removed: no stale chunk stays, numbers are 0..n-1
                paragraphs.subList(10, 20).clear();
                chunks = edit(t, model, row, paragraphs, chunks, 3);

                // (c) metadata only: no model call
                int before = model.requests().size();
                PG.execute("UPDATE " + t + " SET category = 'moved' WHERE id = 1");
                await().atMost(Duration.ofMinutes(1)).until(() -> "moved".equals(row.category()));
                assertThat(inputsSince(model, before)).isEmpty();
                assertThat(row.chunks()).isEqualTo(chunks);
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * Writes the edited body, waits for the index to hold its chunks and checks the model was sent
     * exactly the new chunks the old text did not have (at most {@code most}).
     */
    private static List<String> edit(
            String t,
            TestingOpenAiServer model,
            StoredRow row,
            List<String> paragraphs,
            List<String> previous,
            int most)
            throws Exception {
        int before = model.requests().size();
        setBody(t, paragraphs);
        List<String> chunks = awaitChunksOf(t, row);
        // reused and new vectors alike are the model's vectors of their chunk's text
        row.vectors()
                .forEach(
                        (content, vector) ->
                                assertThat(vector)
                                        .containsExactly(
                                                TestingEmbeddingModel.vectorOf(content, DIMENSIONS),
                                                within(1e-6f)));
        Set<String> fresh = new HashSet<>(chunks);
        fresh.removeAll(new HashSet<>(previous));
        assertThat(fresh).hasSizeBetween(1, most);
        assertThat(new HashSet<>(inputsSince(model, before))).isEqualTo(fresh);
        assertThat(inputsSince(model, before)).hasSameSizeAs(fresh);
        return chunks;
    }

    /** Waits until the stored chunks are the chunker's split of the row's current text. */
    private static List<String> awaitChunksOf(String t, StoredRow row) {
        List<String> expected = new ArrayList<>();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(
                        () -> {
                            expected.clear();
                            expected.addAll(CHUNKER.split(SyncJobHarness.table(PG, t).get("1")));
                            assertThat(row.chunks()).isEqualTo(expected);
                        });
        return List.copyOf(expected);
    }

    /** Row 1's points ordered by chunk, which must number 0..n-1. */
    private static List<String> qdrantChunks(TestingQdrantServer qdrant, String t) {
        if (!qdrant.hasCollection(t)) {
            return List.of();
        }
        TreeMap<Long, String> byChunk = new TreeMap<>();
        for (var p : qdrant.points(t).values()) {
            if ("1".equals(p.payload().get(QdrantPayloads.ID).getStringValue())) {
                byChunk.put(
                        p.payload().get(QdrantPayloads.CHUNK).getIntegerValue(),
                        p.payload().get(QdrantPayloads.CONTENT).getStringValue());
            }
        }
        assertThat(byChunk.keySet())
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, byChunk.size()).boxed().toList());
        return new ArrayList<>(byChunk.values());
    }

    private static List<String> pgvectorChunks(String t) throws SQLException {
        List<String> chunks = new ArrayList<>();
        try (Connection c = PG.connect();
                var rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT chunk, content FROM "
                                                + t
                                                + "_vectors WHERE id = '1' ORDER BY chunk")) {
            while (rs.next()) {
                assertThat(rs.getInt(1)).isEqualTo(chunks.size());
                chunks.add(rs.getString(2));
            }
        }
        return chunks;
    }

    private static void setBody(String t, List<String> paragraphs) throws SQLException {
        try (Connection c = PG.connect();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + t
                                        + " VALUES (1, 'A long document', ?, 'c') ON CONFLICT (id)"
                                        + " DO UPDATE SET body = EXCLUDED.body")) {
            ps.setString(1, ChunkedDocuments.join(paragraphs));
            ps.executeUpdate();
        }
    }

    private static List<String> inputsSince(TestingOpenAiServer model, int from) {
        var requests = model.requests();
        return requests.subList(from, requests.size()).stream()
                .flatMap(r -> r.inputs().stream())
                .toList();
    }
}
