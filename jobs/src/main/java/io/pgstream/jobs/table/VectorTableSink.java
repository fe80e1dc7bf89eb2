package io.pgstream.jobs.table;

import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.types.RowKind;

/**
 * The upsert sink of a {@code pgvector} or {@code qdrant} SQL table: accepts INSERT, UPDATE_AFTER
 * and DELETE by primary key (no UPDATE_BEFORE needed) and writes through the store's Sink V2; an
 * INSERT of a stored key replaces it.
 */
final class VectorTableSink implements DynamicTableSink {

    private final VectorStore store;
    private final VectorRowConverter converter;

    VectorTableSink(VectorStore store, VectorRowConverter converter) {
        this.store = store;
        this.converter = converter;
    }

    /**
     * Upsert for an updating input; insert-only for an append-only one (e.g. rows out of {@code
     * ML_PREDICT}), where each row upserts its key just the same: declaring upsert there would make
     * the planner demand an {@code ON CONFLICT} clause for every append-only query.
     */
    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        if (requestedMode.containsOnly(RowKind.INSERT)) {
            return ChangelogMode.insertOnly();
        }
        return ChangelogMode.newBuilder()
                .addContainedKind(RowKind.INSERT)
                .addContainedKind(RowKind.UPDATE_AFTER)
                .addContainedKind(RowKind.DELETE)
                .build();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        return SinkV2Provider.of(new RowDataVectorSink(store.sink(), converter));
    }

    @Override
    public DynamicTableSink copy() {
        return new VectorTableSink(store, converter);
    }

    @Override
    public String asSummaryString() {
        return store.describe();
    }
}
