package io.pgstream.jobs.sink;

import java.io.Serializable;
import java.util.List;

/**
 * Finds the chunks nearest to a query vector in a vector index, for {@code pgstream search}. The
 * query vector must come from the same model that embedded the index.
 */
public interface VectorSearcher extends AutoCloseable {

    /**
     * Returns at most {@code k} hits, closest first (highest {@link SearchHit#score()}). Blocks;
     * not thread-safe.
     */
    List<SearchHit> search(float[] query, int k) throws Exception;

    @Override
    default void close() throws Exception {}

    /** Opens a searcher; serializable so configuration can carry it. */
    @FunctionalInterface
    interface Factory extends Serializable {
        VectorSearcher open() throws Exception;
    }
}
