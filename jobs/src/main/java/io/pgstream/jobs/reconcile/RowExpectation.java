package io.pgstream.jobs.reconcile;

import java.util.List;
import java.util.Objects;

/**
 * What the index should hold for one source row, as the sync job would write it now: the row's id,
 * its rendered text, that text's content hash, the chunks it is embedded as, and the metadata.
 * {@code embeddable} is false for a text over {@code embedding.max-text-chars} (without chunking):
 * the job dead-letters such a row, so it should have no vectors.
 */
public record RowExpectation(
        String id,
        String text,
        String contentHash,
        List<String> chunks,
        String metadataJson,
        boolean embeddable) {

    public RowExpectation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(contentHash, "contentHash");
        chunks = List.copyOf(chunks);
        Objects.requireNonNull(metadataJson, "metadataJson");
    }
}
