package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TextChunkerTest {

    private static final TextChunker CHUNKER = TextChunker.characters(500, 40);

    @Test
    void shortTextIsOneChunk() {
        assertThat(TextChunker.characters(100, 10).split("short text"))
                .containsExactly("short text");
        assertThat(TextChunker.characters(100, 10).split("")).containsExactly("");
        assertThat(TextChunker.characters(16, 2).split(" \n".repeat(20))).containsExactly("");
        assertThat(TextChunker.words(5, 1).split("one two three")).containsExactly("one two three");
    }

    @Test
    void characterChunksRespectSizeAndOverlapAndKeepWordsWhole() {
        String text = "the quick brown fox jumps over the lazy dog and keeps running far away";
        List<String> chunks = TextChunker.characters(20, 5).split(text);

        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(20));
        List<String> words = List.of(text.split(" "));
        List<String> covered = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            List<String> chunkWords = List.of(chunks.get(i).split(" "));
            assertThat(words).containsAll(chunkWords); // no word is split
            int shared = 0;
            if (i > 0) { // starts with at most 5 characters of the previous chunk's end
                String previous = chunks.get(i - 1);
                while (shared < chunkWords.size()
                        && previous.endsWith(String.join(" ", chunkWords.subList(0, shared + 1)))
                        && String.join(" ", chunkWords.subList(0, shared + 1)).length() < 5) {
                    shared++;
                }
            }
            covered.addAll(chunkWords.subList(shared, chunkWords.size()));
        }
        assertThat(covered).isEqualTo(words);
    }

    @Test
    void textWithoutWhitespaceIsCutAtTheSize() {
        String text = "a".repeat(25);
        assertThat(TextChunker.characters(10, 0).split(text))
                .containsExactly("a".repeat(10), "a".repeat(10), "a".repeat(5));
    }

    @Test
    void surrogatePairsAreNeverSplit() {
        String text = "\uD83D\uDE00".repeat(10); // 20 chars, 10 emoji
        List<String> chunks = TextChunker.characters(5, 0).split(text);
        assertThat(String.join("", chunks)).isEqualTo(text);
        assertThat(chunks)
                .allSatisfy(c -> assertThat(Character.isLowSurrogate(c.charAt(0))).isFalse());
    }

    @Test
    void wordChunksStayWithinTheSizeAndShareOverlapWords() {
        String text = ChunkedDocuments.join(ChunkedDocuments.paragraphs(7, 6));
        List<String> chunks = TextChunker.words(30, 3).split(text);
        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(chunks)
                .allSatisfy(c -> assertThat(c.split("\\s+")).hasSizeLessThanOrEqualTo(30));
        for (int i = 1; i < chunks.size(); i++) {
            String[] previous = chunks.get(i - 1).split("\\s+");
            String lastThree =
                    String.join(
                            " ", List.of(previous).subList(previous.length - 3, previous.length));
            assertThat(chunks.get(i).replaceAll("\\s+", " ")).startsWith(lastThree);
        }
    }

    @Test
    void theSameTextAlwaysGivesTheSameChunks() {
        String text = ChunkedDocuments.join(ChunkedDocuments.paragraphs(1, 40));
        assertThat(CHUNKER.split(text)).isEqualTo(CHUNKER.split(new String(text.toCharArray())));
        assertThat(CHUNKER.split(text)).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void aWordChangedInTheMiddleChangesOneChunk() {
        List<String> paragraphs = new ArrayList<>(ChunkedDocuments.paragraphs(1, 40));
        String before = ChunkedDocuments.join(paragraphs);
        String middle = paragraphs.get(20);
        int at = middle.indexOf(' ', middle.length() / 2);
        int next = middle.indexOf(' ', at + 1);
        paragraphs.set(20, middle.substring(0, at + 1) + "edited" + middle.substring(next));
        String after = ChunkedDocuments.join(paragraphs);

        assertThat(changed(CHUNKER.split(before), CHUNKER.split(after))).hasSize(1);
        assertThat(CHUNKER.split(after)).hasSameSizeAs(CHUNKER.split(before));
    }

    @Test
    void aParagraphInsertedNearTheStartChangesAtMostItsChunkAndOneNeighbour() {
        for (long seed = 1; seed <= 20; seed++) {
            List<String> paragraphs = new ArrayList<>(ChunkedDocuments.paragraphs(seed, 40));
            String before = ChunkedDocuments.join(paragraphs);
            paragraphs.add(2, ChunkedDocuments.paragraph(new Random(seed + 100), 3));
            String after = ChunkedDocuments.join(paragraphs);

            assertThat(changed(CHUNKER.split(before), CHUNKER.split(after)))
                    .as("seed %d", seed)
                    .hasSizeBetween(1, 2);
        }
    }

    @Test
    void aSentenceInsertedInsideAParagraphChangesAtMostItsChunkAndOneNeighbour() {
        for (long seed = 1; seed <= 20; seed++) {
            List<String> paragraphs = new ArrayList<>(ChunkedDocuments.paragraphs(seed, 40));
            String before = ChunkedDocuments.join(paragraphs);
            paragraphs.set(1, "A new sentence goes first. " + paragraphs.get(1));
            String after = ChunkedDocuments.join(paragraphs);

            assertThat(changed(CHUNKER.split(before), CHUNKER.split(after)))
                    .as("seed %d", seed)
                    .hasSizeBetween(1, 2);
        }
    }

    @Test
    void aParagraphLongerThanTheSizeIsCutAtSentencesWithinTheSize() {
        String paragraph = ChunkedDocuments.paragraph(new Random(3), 30);
        List<String> chunks = CHUNKER.split(paragraph);
        assertThat(chunks).hasSizeGreaterThan(2);
        assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(500));
        assertThat(chunks.subList(0, chunks.size() - 1))
                .allSatisfy(c -> assertThat(c).endsWith("."));
    }

    @Test
    void badSettingsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> TextChunker.characters(0, 0))
                .hasMessageContaining("at least 1, got 0");
        assertThatThrownBy(() -> TextChunker.words(10, 10))
                .hasMessageContaining("smaller than the chunk size 10, got 10");
    }

    /** Chunks of {@code after} that {@code before} does not have (what the model must embed). */
    static Set<String> changed(List<String> before, List<String> after) {
        Set<String> changed = new HashSet<>(after);
        changed.removeAll(new HashSet<>(before));
        return changed;
    }
}
