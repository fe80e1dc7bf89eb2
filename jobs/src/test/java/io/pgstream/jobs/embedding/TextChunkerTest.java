package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextChunkerTest {

    @Test
    void shortTextIsOneChunk() {
        assertThat(TextChunker.characters(100, 10).split("short text"))
                .containsExactly("short text");
        assertThat(TextChunker.characters(100, 10).split("")).containsExactly("");
        assertThat(TextChunker.words(5, 1).split("one two three")).containsExactly("one two three");
    }

    @Test
    void characterChunksRespectSizeOverlapAndWordBoundaries() {
        String text = "the quick brown fox jumps over the lazy dog and keeps running far away";
        List<String> chunks = TextChunker.characters(20, 5).split(text);

        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(20));
        // every cut but the last falls just after a space: no word is split at a chunk's end
        for (String c : chunks.subList(0, chunks.size() - 1)) {
            assertThat(c).endsWith(" ");
        }
        // consecutive chunks overlap by 5 characters, and together they cover the text
        StringBuilder rebuilt = new StringBuilder(chunks.get(0));
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1);
            assertThat(chunks.get(i)).startsWith(previous.substring(previous.length() - 5));
            rebuilt.append(chunks.get(i).substring(5));
        }
        assertThat(rebuilt.toString()).isEqualTo(text);
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
    void wordChunksShareOverlapWords() {
        String text = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10";
        assertThat(TextChunker.words(4, 1).split(text))
                .containsExactly("w1 w2 w3 w4", "w4 w5 w6 w7", "w7 w8 w9 w10");
    }

    @Test
    void badSettingsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> TextChunker.characters(0, 0))
                .hasMessageContaining("at least 1, got 0");
        assertThatThrownBy(() -> TextChunker.words(10, 10))
                .hasMessageContaining("smaller than the chunk size 10, got 10");
    }
}
