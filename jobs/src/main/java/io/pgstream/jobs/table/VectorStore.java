package io.pgstream.jobs.table;

import io.pgstream.jobs.sink.VectorWrite;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.table.data.RowData;

/**
 * What a SQL vector table needs of its store: the Sink V2 its rows go to and a way to search it.
 * One implementation per store ({@link PgVectorStore}, {@link QdrantStore}); the planner-facing
 * classes ({@link VectorTableSink}, {@link VectorSearchSource}) are the same for both.
 */
interface VectorStore extends Serializable {

    /** Where the converted rows are written. */
    Sink<VectorWrite> sink();

    /** Opens a searcher; called on the task manager. */
    RowSearcher openSearcher() throws Exception;

    /** The store and its table or collection, for plans and messages; no secrets. */
    String describe();

    /** Finds the rows nearest a query vector. */
    interface RowSearcher extends AutoCloseable {
        /**
         * At most {@code k} rows, nearest first: the table's columns followed by the score (DOUBLE,
         * cosine similarity, higher is nearer).
         */
        List<RowData> search(float[] query, int k) throws Exception;
    }
}
