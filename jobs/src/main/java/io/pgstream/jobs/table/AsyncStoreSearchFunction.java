package io.pgstream.jobs.table;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncVectorSearchFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * The asynchronous runtime of {@code VECTOR_SEARCH} on a vector table: searches run on one thread
 * of their own that owns the store's searcher (a JDBC connection or gRPC stub used by one thread,
 * as everywhere in the sinks), so the task thread keeps processing records and checkpoint barriers
 * while a search waits on the store. Public because Flink checks that function classes are.
 */
public final class AsyncStoreSearchFunction extends AsyncVectorSearchFunction {
    private static final long serialVersionUID = 1L;

    private final VectorStore store;
    private transient VectorStore.RowSearcher searcher;
    private transient ExecutorService thread;

    AsyncStoreSearchFunction(VectorStore store) {
        this.store = store;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        searcher = store.openSearcher();
        thread =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "pgstream VECTOR_SEARCH " + store.describe());
                            t.setDaemon(true);
                            return t;
                        });
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncVectorSearch(int topK, RowData query) {
        if (query.isNullAt(0)) {
            return CompletableFuture.completedFuture(List.of());
        }
        float[] vector = RowJson.floats(query.getArray(0)); // the runtime may reuse the row
        CompletableFuture<Collection<RowData>> result = new CompletableFuture<>();
        thread.execute(
                () -> {
                    try {
                        result.complete(searcher.search(vector, topK));
                    } catch (Exception e) {
                        result.completeExceptionally(
                                new java.io.IOException(
                                        "VECTOR_SEARCH on "
                                                + store.describe()
                                                + " failed: "
                                                + e.getMessage(),
                                        e));
                    }
                });
        return result;
    }

    @Override
    public void close() throws Exception {
        if (thread != null) {
            thread.shutdownNow();
        }
        if (searcher != null) {
            searcher.close();
        }
    }
}
