package io.pgstream.jobs.sink;

import java.io.Serializable;
import java.util.Collection;
import java.util.Map;

/**
 * Reads the content hashes a vector index holds, so the embedding operator can skip the model when
 * a row's text did not change since it was embedded (for example when a restore replays changes
 * that were already written), and the vectors of a chunked text's unchanged chunks, so an edit
 * embeds only the chunks it touched. Implemented by each sink over its own store.
 */
public interface ContentHashLookup extends AutoCloseable {

    /**
     * Returns the stored content hash per id for the given rows of one source table; ids with no
     * stored vectors are absent from the result. Blocks; called from one thread at a time.
     */
    Map<String, String> contentHashes(String sourceTable, Collection<String> ids) throws Exception;

    /**
     * Returns the stored vectors of the given rows' chunks whose text is one of {@code contents},
     * by chunk text, so an edited text sends only its new chunks to the model. A chunk's hash is
     * the {@code ContentHash} of the model id and the chunk's text; the index stores that text
     * exactly and its identity pins the model, so an equal stored text is an equal chunk hash.
     * Texts that are not stored are absent. Blocks; called from one thread at a time. Default:
     * nothing is reused.
     */
    default Map<String, float[]> storedVectors(
            String sourceTable, Collection<String> ids, Collection<String> contents)
            throws Exception {
        return Map.of();
    }

    @Override
    default void close() throws Exception {}

    /** Opens a lookup where it runs (task managers); serializable so job graphs can carry it. */
    @FunctionalInterface
    interface Factory extends Serializable {
        ContentHashLookup open() throws Exception;
    }
}
