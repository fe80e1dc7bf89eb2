package io.pgstream.jobs.embedding;

import io.pgstream.jobs.embedding.budget.BudgetCoordinator;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.VectorWrite;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.CoordinatedOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/**
 * Creates the {@link EmbeddingOperator} of a job together with its {@link BudgetCoordinator}: one
 * coordinator per operator on the JobManager, so the rate limit is one budget for all parallel
 * subtasks. Subtasks reach it with coordination requests (see {@link
 * io.pgstream.jobs.embedding.budget.BudgetClient}).
 */
public final class EmbeddingOperatorFactory extends AbstractStreamOperatorFactory<VectorWrite>
        implements OneInputStreamOperatorFactory<RoutedChange, VectorWrite>,
                CoordinatedOperatorFactory<VectorWrite> {
    private static final long serialVersionUID = 1L;

    private final EmbeddingModel.Factory modelFactory;
    private final ContentHashLookup.Factory lookupFactory;
    private final EmbeddingOperatorConfig config;

    /**
     * See {@link EmbeddingOperator#EmbeddingOperator(EmbeddingModel.Factory,
     * ContentHashLookup.Factory, EmbeddingOperatorConfig)}.
     */
    public EmbeddingOperatorFactory(
            EmbeddingModel.Factory modelFactory,
            ContentHashLookup.Factory lookupFactory,
            EmbeddingOperatorConfig config) {
        this.modelFactory = modelFactory;
        this.lookupFactory = lookupFactory;
        this.config = config;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<VectorWrite>> T createStreamOperator(
            StreamOperatorParameters<VectorWrite> parameters) {
        return (T) new EmbeddingOperator(parameters, modelFactory, lookupFactory, config);
    }

    @Override
    public OperatorCoordinator.Provider getCoordinatorProvider(
            String operatorName, OperatorID operatorId) {
        return new BudgetCoordinator.Provider(operatorId, operatorName, config.rateLimit());
    }

    @Override
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return EmbeddingOperator.class;
    }
}
