package io.pgstream.jobs.embedding;

import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.sink.DeadLetter;
import java.time.Instant;
import java.util.List;

/**
 * How a text reaches the model: split into chunks when chunking is on, else whole, and refused (a
 * dead letter) when it is over {@code embedding.max-text-chars} without chunking or could not be
 * rendered at all.
 */
final class TextLimits {

    private final TextChunker chunker;
    private final int maxTextChars;

    /**
     * @param chunker null when chunking is off
     * @param maxTextChars 0 for no limit
     */
    TextLimits(TextChunker chunker, int maxTextChars) {
        this.chunker = chunker;
        this.maxTextChars = maxTextChars;
    }

    List<String> chunksOf(String text) {
        return chunker == null ? List.of(text) : chunker.split(text);
    }

    boolean tooLong(String text) {
        return chunker == null && maxTextChars > 0 && text.length() > maxTextChars;
    }

    /**
     * The dead letter of an upsert that must not be embedded: its text could not be rendered
     * ({@link DocumentChange#textError}) or is {@link #tooLong}; null when it may be embedded.
     */
    DeadLetter refusal(DocumentChange change) {
        if (change.textError() != null) {
            return DeadLetter.of(
                    change.sourceTable(),
                    change.id(),
                    change.lsn(),
                    change.textError(),
                    null,
                    Instant.now());
        }
        return change.textKnown() && tooLong(change.text()) ? tooLongLetter(change) : null;
    }

    /** The dead letter of an upsert whose text is {@link #tooLong}. */
    DeadLetter tooLongLetter(DocumentChange change) {
        return DeadLetter.of(
                change.sourceTable(),
                change.id(),
                change.lsn(),
                "text of "
                        + change.text().length()
                        + " characters is over embedding.max-text-chars="
                        + maxTextChars
                        + "; enable chunking (embedding.chunking.max-chars in the job file) to"
                        + " embed long texts",
                change.text(),
                Instant.now());
    }
}
