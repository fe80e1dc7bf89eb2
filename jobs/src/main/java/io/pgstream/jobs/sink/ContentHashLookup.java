package io.pgstream.jobs.sink;

import java.io.Serializable;
import java.util.Collection;
import java.util.Map;

/**
 * Reads the content hashes a vector index holds, so the embedding operator can skip the model when
 * a row's text did not change since it was embedded (for example when a restore replays changes
 * that were already written). Implemented by each sink over its own store.
 */
public interface ContentHashLookup extends AutoCloseable {

    /**
     * Returns the stored content hash per id for the given rows of one source table; ids with no
     * stored vectors are absent from the result. Blocks; called from one thread at a time.
     */
    Map<String, String> contentHashes(String sourceTable, Collection<String> ids) throws Exception;

    @Override
    default void close() throws Exception {}

    /** Opens a lookup where it runs (task managers); serializable so job graphs can carry it. */
    @FunctionalInterface
    interface Factory extends Serializable {
        ContentHashLookup open() throws Exception;
    }
}
