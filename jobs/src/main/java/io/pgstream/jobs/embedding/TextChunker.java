package io.pgstream.jobs.embedding;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a long text into chunks of at most {@code size} units, one vector each, so that no part of
 * a long document falls beyond the model's input limit (optional per job).
 *
 * <p>Cut points are chosen by the text around them, not by their distance from the text's start, so
 * an edit changes only the chunks it falls in and an insertion does not shift every later chunk
 * (which would send the whole document to the model again). A chunk always ends at a paragraph
 * break (a blank line) once it holds a quarter of its room, else at a sentence end or word boundary
 * whose words hash to a cut, and at the last sentence end (or word) before it would outgrow its
 * room. A word longer than the room is cut into pieces. Each chunk after the first starts with the
 * last words of the previous one, at most {@code overlap} units, so a chunk's own part may take
 * {@code size - overlap} units. {@link Unit#CHARACTERS} counts characters; {@link Unit#WORDS}
 * whitespace-separated words (a word is one to three model tokens for English text). The design is
 * in {@code docs/embedding.md}.
 *
 * <p>A text that fits in one chunk comes back as itself; an empty text, or one of only whitespace
 * longer than a chunk, gives one empty chunk. The same text always gives the same chunks. Immutable
 * and thread-safe.
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

    /** Chunks of at most {@code size} characters sharing up to {@code overlap} characters. */
    public static TextChunker characters(int size, int overlap) {
        return new TextChunker(Unit.CHARACTERS, size, overlap);
    }

    /** Chunks of at most {@code size} words sharing up to {@code overlap} words. */
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
        if (unit == Unit.CHARACTERS && text.length() <= size) {
            return List.of(text);
        }
        int room = size - overlap;
        List<int[]> words = words(text, unit == Unit.CHARACTERS ? room : Integer.MAX_VALUE);
        if (unit == Unit.WORDS && words.size() <= size) {
            return List.of(text);
        }
        if (words.isEmpty()) {
            return List.of(""); // only whitespace, longer than a chunk: nothing to embed
        }
        List<String> chunks = new ArrayList<>();
        int previous = 0;
        int start = 0;
        for (int end : chunkEnds(text, words, room)) {
            int from = overlapStart(words, previous, start);
            chunks.add(text.substring(words.get(from)[0], words.get(end - 1)[1]));
            previous = start;
            start = end;
        }
        return chunks;
    }

    /**
     * The end (exclusive word index) of each chunk's own part: a paragraph's pieces in order, a
     * piece shorter than a quarter of the room joined with the next one when both fit.
     */
    private List<Integer> chunkEnds(String text, List<int[]> words, int room) {
        int least = Math.max(1, room / 4);
        List<Integer> ends = new ArrayList<>();
        int chunkStart = 0;
        int paragraphStart = 0;
        while (paragraphStart < words.size()) {
            int paragraphEnd = paragraphEnd(text, words, paragraphStart);
            int pieceStart = paragraphStart;
            while (pieceStart < paragraphEnd) {
                int pieceEnd = pieceEnd(text, words, pieceStart, paragraphEnd, room, least);
                if (pieceStart > chunkStart && length(words, chunkStart, pieceEnd) > room) {
                    ends.add(pieceStart); // the short chunk so far cannot take this piece
                    chunkStart = pieceStart;
                }
                if (length(words, chunkStart, pieceEnd) >= least) {
                    ends.add(pieceEnd);
                    chunkStart = pieceEnd;
                }
                pieceStart = pieceEnd;
            }
            paragraphStart = paragraphEnd;
        }
        if (chunkStart < words.size()) {
            ends.add(words.size());
        }
        return ends;
    }

    /** The first word after {@code start} that follows a blank line, or the word count. */
    private static int paragraphEnd(String text, List<int[]> words, int start) {
        for (int end = start + 1; end < words.size(); end++) {
            if (newlines(text, words.get(end - 1)[1], words.get(end)[0]) >= 2) {
                return end;
            }
        }
        return words.size();
    }

    /**
     * The end of the piece of a paragraph starting at word {@code start}: the whole rest when it
     * fits, else a sentence end (or, with none, a word boundary) whose words hash to a cut once the
     * piece holds {@code least}, else the last sentence end before the piece outgrows the room.
     */
    private int pieceEnd(
            String text, List<int[]> words, int start, int limit, int room, int least) {
        if (length(words, start, limit) <= room) {
            return limit;
        }
        int lastSentence = -1;
        for (int end = start + 1; end < limit; end++) {
            if (length(words, start, end + 1) > room) {
                return lastSentence > 0 ? lastSentence : end;
            }
            if (length(words, start, end) < least) {
                continue;
            }
            int gapFrom = words.get(end - 1)[1];
            boolean separated = words.get(end)[0] > gapFrom;
            int hash = hash(text, words, end - 1);
            if (separated && endsSentence(text, gapFrom)) {
                if ((hash & 1) == 0) {
                    return end;
                }
                lastSentence = end;
            } else if (lastSentence < 0
                    && separated
                    && Integer.remainderUnsigned(hash, wordCutDivisor(room)) == 0) {
                return end;
            }
        }
        return limit;
    }

    /** One word boundary in this many is a cut (about every half room for English words). */
    private int wordCutDivisor(int room) {
        return Math.max(4, unit == Unit.CHARACTERS ? room / 12 : room / 2);
    }

    /** The first word of the chunk whose own part starts at {@code start}: overlap included. */
    private int overlapStart(List<int[]> words, int previous, int start) {
        if (unit == Unit.WORDS) {
            return Math.max(previous, start - overlap);
        }
        int from = start;
        while (from > previous && words.get(start)[0] - words.get(from - 1)[0] <= overlap) {
            from--;
        }
        return from;
    }

    /** Units of words [from, to): characters from the first's start to the last's end, or words. */
    private int length(List<int[]> words, int from, int to) {
        return unit == Unit.CHARACTERS ? words.get(to - 1)[1] - words.get(from)[0] : to - from;
    }

    /**
     * Whitespace-separated words as [start, end) offsets; a word longer than {@code longest}
     * characters comes as pieces of at most that many (a surrogate pair stays whole).
     */
    private static List<int[]> words(String text, int longest) {
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
            while (i - begin > longest) {
                int end = begin + longest;
                if (Character.isLowSurrogate(text.charAt(end)) && end - 1 > begin) {
                    end--; // never split a surrogate pair
                }
                words.add(new int[] {begin, end});
                begin = end;
            }
            if (i > begin) {
                words.add(new int[] {begin, i});
            }
        }
        return words;
    }

    private static int newlines(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Whether the word ending at {@code end} ends a sentence (closing quotes may follow). */
    private static boolean endsSentence(String text, int end) {
        int i = end - 1;
        while (i > 0 && "\"')]»”’".indexOf(text.charAt(i)) >= 0) {
            i--;
        }
        char c = text.charAt(i);
        return c == '.' || c == '!' || c == '?' || c == '。' || c == '！' || c == '？';
    }

    /** FNV-1a over the word at {@code index} and the one before it: local, so edits stay local. */
    private static int hash(String text, List<int[]> words, int index) {
        int h = 0x811c9dc5;
        for (int w = Math.max(0, index - 1); w <= index; w++) {
            for (int i = words.get(w)[0]; i < words.get(w)[1]; i++) {
                h = (h ^ text.charAt(i)) * 0x01000193;
            }
            h = (h ^ ' ') * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    @Override
    public String toString() {
        return "TextChunker{" + unit + ", size=" + size + ", overlap=" + overlap + '}';
    }
}
