package io.pgstream.jobs.table;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.VectorSearchTableSource;
import org.apache.flink.table.connector.source.search.AsyncVectorSearchFunctionProvider;
import org.apache.flink.table.connector.source.search.VectorSearchFunctionProvider;
import org.apache.flink.table.functions.AsyncVectorSearchFunction;
import org.apache.flink.table.functions.VectorSearchFunction;

/**
 * {@code VECTOR_SEARCH} over a {@code pgvector} or {@code qdrant} SQL table: for each query row,
 * the {@code top-k} nearest stored rows with their {@code score}, the cosine similarity (higher is
 * nearer). Only the embedding column can be searched. Offers both runtimes, synchronous ({@link
 * StoreSearchFunction}) and asynchronous ({@link AsyncStoreSearchFunction}).
 */
final class VectorSearchSource implements VectorSearchTableSource {

    private final VectorStore store;
    private final VectorTableSchema schema;

    VectorSearchSource(VectorStore store, VectorTableSchema schema) {
        this.store = store;
        this.schema = schema;
    }

    @Override
    public VectorSearchRuntimeProvider getSearchRuntimeProvider(VectorSearchContext context) {
        int[][] columns = context.getSearchColumns();
        if (columns.length != 1 || columns[0].length != 1 || columns[0][0] != schema.embedding()) {
            throw new ValidationException(
                    "VECTOR_SEARCH on "
                            + schema.table()
                            + " can only search its embedding column "
                            + schema.embeddingName()
                            + ": use DESCRIPTOR("
                            + schema.embeddingName()
                            + ")");
        }
        return new Provider(store);
    }

    @Override
    public DynamicTableSource copy() {
        return new VectorSearchSource(store, schema);
    }

    @Override
    public String asSummaryString() {
        return store.describe();
    }

    /** Both runtimes; the planner picks the asynchronous one unless the query asks otherwise. */
    private record Provider(VectorStore store)
            implements VectorSearchFunctionProvider, AsyncVectorSearchFunctionProvider {

        @Override
        public VectorSearchFunction createVectorSearchFunction() {
            return new StoreSearchFunction(store);
        }

        @Override
        public AsyncVectorSearchFunction createAsyncVectorSearchFunction() {
            return new AsyncStoreSearchFunction(store);
        }
    }
}
