package io.pgstream.jobs.reconcile;

import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import java.util.List;

/**
 * The job's vector index as {@code pgstream reconcile} needs it: the stored chunks of a page of
 * rows, a scan of every stored chunk of a source table a page at a time, and the sink's own
 * version-guarded applier for repairs. Implementations: {@link PgVectorIndex}, {@link QdrantIndex}.
 * Used by one thread; blocking.
 */
public interface VectorIndex extends AutoCloseable {

    /** Whether the index (table or collection) exists; a missing one holds nothing. */
    boolean exists() throws IOException;

    /**
     * Every stored chunk of the given rows of {@code sourceTable}, with content and hash. For
     * Qdrant, which is asked by point id, the chunks looked for are 0..n of each row (one beyond
     * the expected count, which finds a chunk set that did not shrink).
     */
    List<StoredChunk> chunksOf(String sourceTable, List<RowExpectation> rows) throws IOException;

    /** A scan of {@code sourceTable}'s stored chunks (id, chunk, lsn), in pages. */
    Scan scan(String sourceTable, int pageSize);

    /** Creates the index when missing, as {@code sync} would, before repairs write to it. */
    void prepare() throws IOException;

    /** Applies repair writes with the sink's version guard; returns when they are durable. */
    void apply(List<VectorWrite> writes) throws IOException;

    /** Drops the write connection after a connection failure, so the next apply opens anew. */
    default void reconnect() throws IOException {}

    @Override
    void close() throws IOException;

    /** A scan in progress: holds only its position. */
    interface Scan {
        /** The next page; empty after the last. */
        List<StoredChunk> next() throws IOException;
    }
}
