package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.TestingContentHashLookup;
import io.pgstream.jobs.testutils.TestingEmbeddingModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Edits of a 40-chunk document through the embedding operator, with a fake sink lookup that stores
 * what the operator wrote: the model sees only the chunks an edit touched, and each write carries
 * the new text's exact chunk set with the right vectors.
 */
@Timeout(60)
class ChunkReuseTest {

    private static final String TABLE = "public.long_docs";
    private static final TextChunker CHUNKER = TextChunker.characters(500, 40);

    private KeyedOneInputStreamOperatorTestHarness<String, RoutedChange, VectorWrite> harness;
    private TestingEmbeddingModel model;
    private TestingContentHashLookup sink;
    private long lsn;
    private String id = "1";

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void aWordChangedInTheMiddleEmbedsOneChunk() throws Exception {
        List<String> paragraphs = start("word");
        String middle = paragraphs.get(20);
        int at = middle.indexOf(' ', middle.length() / 2);
        paragraphs.set(
                20,
                middle.substring(0, at + 1)
                        + "edited"
                        + middle.substring(middle.indexOf(' ', at + 1)));

        List<String> sent = upsert(ChunkedDocuments.join(paragraphs), "{}");

        assertThat(sent).hasSize(1).allSatisfy(t -> assertThat(t).contains("edited"));
    }

    @Test
    void aParagraphInsertedNearTheStartEmbedsItsChunkAndAtMostOneNeighbour() throws Exception {
        List<String> paragraphs = start("insert");
        String inserted = ChunkedDocuments.paragraph(new Random(99), 4);
        paragraphs.add(2, inserted);

        List<String> sent = upsert(ChunkedDocuments.join(paragraphs), "{}");

        assertThat(sent).hasSizeBetween(1, 2);
        assertThat(String.join(" ", sent)).contains(inserted);
    }

    @Test
    void aMetadataOnlyChangeCallsNoModel() throws Exception {
        List<String> paragraphs = start("meta");

        List<String> sent = upsert(ChunkedDocuments.join(paragraphs), "{\"v\":2}");

        assertThat(sent).isEmpty();
        assertThat(last().kind()).isEqualTo(VectorWrite.Kind.METADATA);
    }

    @Test
    void paragraphsRemovedAndAddedLeaveExactlyTheNewChunks() throws Exception {
        List<String> paragraphs = start("remove");
        paragraphs.subList(5, 15).clear();
        paragraphs.add("A closing paragraph that is new. It has two sentences.");

        List<String> sent = upsert(ChunkedDocuments.join(paragraphs), "{}");

        assertThat(sent).hasSizeBetween(1, 3);
    }

    @Test
    void withoutTheSinkLookupEveryChunkIsEmbeddedAgain() throws Exception {
        model = TestingEmbeddingModel.jittery("no-lookup", 0);
        harness =
                open(
                        new EmbeddingOperator(
                                TestingEmbeddingModel.factory("no-lookup"), null, config()));
        List<String> paragraphs = new ArrayList<>(ChunkedDocuments.paragraphs(1, 40));
        process(ChunkedDocuments.join(paragraphs), "{}");
        paragraphs.set(20, paragraphs.get(20) + " One more sentence.");
        int before = model.texts().size();
        process(ChunkedDocuments.join(paragraphs), "{}");

        assertThat(model.texts().size() - before)
                .isEqualTo(CHUNKER.split(ChunkedDocuments.join(paragraphs)).size());
    }

    @Test
    void anOperatorWithoutStateReusesTheIndexAndNeverAsksForRowsTheIndexLacks() throws Exception {
        List<String> paragraphs = start("restart");
        harness.close(); // the state is lost; the index (the fake sink) keeps the document
        model = TestingEmbeddingModel.jittery("restart-2", 0);
        harness =
                open(
                        new EmbeddingOperator(
                                TestingEmbeddingModel.factory("restart-2"),
                                TestingContentHashLookup.factory("restart"),
                                config()));
        paragraphs.set(30, paragraphs.get(30) + " A sentence added at the end.");
        int requests = sink.vectorRequests().size();

        // the paragraph's chunk, and the next one whose overlap took the new last words
        assertThat(upsert(ChunkedDocuments.join(paragraphs), "{}")).hasSize(2);
        assertThat(sink.vectorRequests()).hasSize(requests + 1);

        id = "2"; // a row the index does not hold: embedded whole, its chunks never asked for
        String other = ChunkedDocuments.join(ChunkedDocuments.paragraphs(2, 10));
        assertThat(upsert(other, "{}")).isEqualTo(CHUNKER.split(other));
        assertThat(sink.vectorRequests()).hasSize(requests + 1);
    }

    /** Opens the operator and writes the 40-chunk document; returns its paragraphs to edit. */
    private List<String> start(String name) throws Exception {
        model = TestingEmbeddingModel.jittery(name, 0);
        sink = TestingContentHashLookup.register(name);
        harness =
                open(
                        new EmbeddingOperator(
                                TestingEmbeddingModel.factory(name),
                                TestingContentHashLookup.factory(name),
                                config()));
        List<String> paragraphs = new ArrayList<>(ChunkedDocuments.paragraphs(1, 40));
        String text = ChunkedDocuments.join(paragraphs);
        assertThat(CHUNKER.split(text)).hasSizeGreaterThanOrEqualTo(40);
        assertThat(upsert(text, "{}")).isEqualTo(CHUNKER.split(text));
        return paragraphs;
    }

    /**
     * Sends an upsert of row 1, applies the operator's write to the fake sink and returns the texts
     * the model was sent for it; checks an upsert carries exactly the text's chunks.
     */
    private List<String> upsert(String text, String metadata) throws Exception {
        int before = model.texts().size();
        process(text, metadata);
        VectorWrite write = last();
        sink.apply(write);
        if (write.kind() == VectorWrite.Kind.UPSERT) {
            List<String> expected = CHUNKER.split(text);
            assertThat(write.chunks()).extracting(VectorWrite.Chunk::content).isEqualTo(expected);
            for (VectorWrite.Chunk c : write.chunks()) {
                assertThat(c.embedding())
                        .containsExactly(TestingEmbeddingModel.vectorOf(c.content()));
                assertThat(c.index()).isEqualTo(expected.indexOf(c.content()));
            }
        }
        return model.texts().subList(before, model.texts().size());
    }

    private void process(String text, String metadata) throws Exception {
        harness.processElement(
                RoutedChange.row(
                        DocumentChange.upsert(
                                TABLE, id, text, metadata, new Lsn(++lsn), Instant.EPOCH)),
                0);
        harness.endInput();
    }

    private VectorWrite last() {
        List<VectorWrite> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    private static EmbeddingOperatorConfig config() {
        return EmbeddingOperatorConfig.defaults()
                .withBatchSize(64)
                .withMaxLinger(Duration.ofHours(1))
                .withChunker(CHUNKER);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, RoutedChange, VectorWrite> open(
            EmbeddingOperator op) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(op, RoutedChange.KEY, Types.STRING);
        h.open();
        return h;
    }
}
