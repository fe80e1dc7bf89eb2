package io.pgstream.jobs.table;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.VectorSearchFunction;

/**
 * The runtime of {@code VECTOR_SEARCH} on a vector table: opens the store's searcher on the task
 * manager and runs one search per query row (a NULL query vector finds nothing). Public because
 * Flink checks that function classes are.
 */
public final class StoreSearchFunction extends VectorSearchFunction {
    private static final long serialVersionUID = 1L;

    private final VectorStore store;
    private transient VectorStore.RowSearcher searcher;

    StoreSearchFunction(VectorStore store) {
        this.store = store;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        searcher = store.openSearcher();
    }

    @Override
    public Collection<RowData> vectorSearch(int topK, RowData query) throws IOException {
        if (query.isNullAt(0)) {
            return List.of();
        }
        try {
            return searcher.search(RowJson.floats(query.getArray(0)), topK);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(
                    "VECTOR_SEARCH on " + store.describe() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        if (searcher != null) {
            searcher.close();
        }
    }
}
