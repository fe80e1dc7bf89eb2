package io.pgstream.jobs.reconcile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link VectorIndex.Scan} driven by a cursor: each page read says where the next one starts, or
 * that it was the last. pgvector pages by the last (id, chunk) read and Qdrant by its scroll
 * offset; the bookkeeping of where a scan stands lives here once.
 *
 * @param <C> the position a page starts after; null before the first page
 */
final class PagedScan<C> implements VectorIndex.Scan {

    /** Reads one page of stored chunks. */
    interface PageReader<C> {
        /**
         * @param after where the previous page ended; null for the first page
         */
        Page<C> read(C after) throws IOException;
    }

    /**
     * @param next where the next page starts; null when this page was the last
     */
    record Page<C>(List<StoredChunk> chunks, C next) {}

    private final PageReader<C> reader;
    private C after;
    private boolean done;

    PagedScan(PageReader<C> reader) {
        this.reader = reader;
    }

    @Override
    public List<StoredChunk> next() throws IOException {
        if (done) {
            return new ArrayList<>();
        }
        Page<C> page = reader.read(after);
        after = page.next();
        done = after == null;
        return page.chunks();
    }
}
