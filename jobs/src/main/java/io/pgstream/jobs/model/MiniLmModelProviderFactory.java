package io.pgstream.jobs.model;

import io.pgstream.jobs.embedding.LocalMiniLmEmbeddingModel;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

/**
 * {@code 'provider' = 'minilm'}: the built-in all-MiniLM-L6-v2 ({@link LocalMiniLmEmbeddingModel},
 * 384 dimensions, normalised, no network), the job file's {@code model: local}.
 *
 * <pre>{@code
 * CREATE MODEL minilm INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)
 * WITH ('provider' = 'minilm', 'task' = 'embedding');
 * }</pre>
 *
 * One model call at a time per subtask: the model already spreads a batch over the cores.
 */
public final class MiniLmModelProviderFactory implements ModelProviderFactory {

    public static final String IDENTIFIER = "minilm";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(ModelOptions.TASK, ModelOptions.BATCH_SIZE, ModelOptions.MAX_LINGER);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper =
                FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        EmbeddingModelSignature.check(context, options);
        return new EmbeddingPredictProvider(
                LocalMiniLmEmbeddingModel.factory(), BatchSettings.from(options, false));
    }
}
