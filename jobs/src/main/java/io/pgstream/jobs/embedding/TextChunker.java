package io.pgstream.jobs.embedding;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a long text into overlapping chunks, one vector each, so that no part of a long document
 * falls beyond the model's input limit (optional per job).
 *
 * <p>{@link Unit#CHARACTERS}: chunks of at most {@code size} characters, each starting {@code
 * overlap} characters before the previous one ended; a cut is moved back to the last whitespace in
 * the chunk's second half when there is one, so words stay whole. {@link Unit#WORDS}: chunks of at
 * most {@code size} whitespace-separated words with {@code overlap} words shared; words approximate
 * model tokens (a word is one to three word-piece tokens for English text), which is good enough to
 * stay under a limit with some margin, and needs no tokenizer.
 *
 * <p>A text that fits in one chunk comes back as itself; an empty text gives one empty chunk.
 * Immutable and thread-safe.
 */
public final class TextChunker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What {@code size} and {@code overlap} count. */
    public enum Unit {
        CHARACTERS,
        WORDS
    }

    private final Unit unit;
    private final int size;
    private final int overlap;

    private TextChunker(Unit unit, int size, int overlap) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1, got " + size);
        }
        if (overlap < 0 || overlap >= size) {
            throw new IllegalArgumentException(
                    "chunk overlap must be at least 0 and smaller than the chunk size "
                            + size
                            + ", got "
                            + overlap);
        }
        this.unit = unit;
        this.size = size;
        this.overlap = overlap;
    }

    /** Chunks of at most {@code size} characters sharing {@code overlap} characters. */
    public static TextChunker characters(int size, int overlap) {
        return new TextChunker(Unit.CHARACTERS, size, overlap);
    }

    /** Chunks of at most {@code size} words sharing {@code overlap} words. */
    public static TextChunker words(int size, int overlap) {
        return new TextChunker(Unit.WORDS, size, overlap);
    }

    public Unit unit() {
        return unit;
    }

    public int size() {
        return size;
    }

    public int overlap() {
        return overlap;
    }

    /** The chunks of {@code text} in order; never empty. */
    public List<String> split(String text) {
        return unit == Unit.CHARACTERS ? byCharacters(text) : byWords(text);
    }

    private List<String> byCharacters(String text) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        while (true) {
            if (text.length() - start <= size) {
                chunks.add(text.substring(start));
                return chunks;
            }
            int end = start + size;
            if (Character.isLowSurrogate(text.charAt(end))) {
                end--; // never split a surrogate pair
            }
            int cut = lastWhitespace(text, start + size / 2, end);
            if (cut > start) {
                end = cut;
            }
            chunks.add(text.substring(start, end));
            int next = end - overlap;
            if (next <= start) {
                next = end; // the overlap would not move forward: continue without it
            }
            if (next < text.length() && Character.isLowSurrogate(text.charAt(next))) {
                next++;
            }
            start = next;
        }
    }

    /** Index just after the last whitespace in [from, to), or -1. */
    private static int lastWhitespace(String text, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i + 1;
            }
        }
        return -1;
    }

    private List<String> byWords(String text) {
        List<int[]> words = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int begin = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > begin) {
                words.add(new int[] {begin, i});
            }
        }
        if (words.size() <= size) {
            return List.of(text);
        }
        List<String> chunks = new ArrayList<>();
        int first = 0;
        while (true) {
            int last = Math.min(words.size(), first + size);
            chunks.add(text.substring(words.get(first)[0], words.get(last - 1)[1]));
            if (last == words.size()) {
                return chunks;
            }
            first = last - overlap;
        }
    }

    @Override
    public String toString() {
        return "TextChunker{" + unit + ", size=" + size + ", overlap=" + overlap + '}';
    }
}
