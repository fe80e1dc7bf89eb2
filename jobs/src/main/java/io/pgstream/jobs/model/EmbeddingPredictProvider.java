package io.pgstream.jobs.model;

import io.pgstream.jobs.embedding.EmbeddingModel;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;

/** What both providers return: a batching {@link EmbeddingPredictFunction} over one model. */
final class EmbeddingPredictProvider implements AsyncPredictRuntimeProvider {

    private final EmbeddingModel.Factory modelFactory;
    private final BatchSettings settings;

    EmbeddingPredictProvider(EmbeddingModel.Factory modelFactory, BatchSettings settings) {
        this.modelFactory = modelFactory;
        this.settings = settings;
    }

    @Override
    public AsyncPredictFunction createAsyncPredictFunction(Context context) {
        return new EmbeddingPredictFunction(modelFactory, settings);
    }

    /** Immutable: the planner's copy can be this one. */
    @Override
    public ModelProvider copy() {
        return this;
    }
}
