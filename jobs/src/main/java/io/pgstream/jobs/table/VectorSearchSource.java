package io.pgstream.jobs.table;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.VectorSearchTableSource;
import org.apache.flink.table.connector.source.search.VectorSearchFunctionProvider;

/**
 * {@code VECTOR_SEARCH} over a {@code pgvector} or {@code qdrant} SQL table: for each query row,
 * the {@code top-k} nearest stored rows with their {@code score}, the cosine similarity (higher is
 * nearer). Only the embedding column can be searched. Synchronous: one search per query row.
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
        return VectorSearchFunctionProvider.of(new StoreSearchFunction(store));
    }

    @Override
    public DynamicTableSource copy() {
        return new VectorSearchSource(store, schema);
    }

    @Override
    public String asSummaryString() {
        return store.describe();
    }
}
