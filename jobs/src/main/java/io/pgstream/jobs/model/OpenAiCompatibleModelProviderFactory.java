package io.pgstream.jobs.model;

import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.embedding.OpenAiConfig;
import io.pgstream.jobs.embedding.OpenAiEmbeddingModel;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

/**
 * {@code 'provider' = 'openai-compatible'}: an OpenAI-compatible {@code /embeddings} endpoint
 * through the job template's client ({@link OpenAiEmbeddingModel}: its retries with backoff and
 * {@code Retry-After}, its timeouts, its limit on open requests), with rows batched into one
 * request each instead of Flink's one request per row.
 *
 * <pre>{@code
 * CREATE MODEL embedder INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH (
 *   'provider' = 'openai-compatible', 'task' = 'embedding',
 *   'endpoint' = 'https://api.openai.com/v1', 'model' = 'text-embedding-3-small',
 *   'dimension' = '1536', 'api-key-env' = 'OPENAI_API_KEY');
 * }</pre>
 */
public final class OpenAiCompatibleModelProviderFactory implements ModelProviderFactory {

    public static final String IDENTIFIER = "openai-compatible";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(ModelOptions.ENDPOINT, ModelOptions.MODEL, ModelOptions.DIMENSION);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                ModelOptions.TASK,
                ModelOptions.API_KEY,
                ModelOptions.API_KEY_ENV,
                ModelOptions.BATCH_SIZE,
                ModelOptions.MAX_LINGER,
                ModelOptions.MAX_CONCURRENT_REQUESTS,
                ModelOptions.TIMEOUT,
                ModelOptions.MAX_RETRIES);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper =
                FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        EmbeddingModelSignature.check(context, options);
        BatchSettings batching = BatchSettings.from(options, true);
        OpenAiConfig config = config(options, batching.maxConcurrentCalls());
        Optional<String> key = options.getOptional(ModelOptions.API_KEY);
        if (key.isPresent() && options.getOptional(ModelOptions.API_KEY_ENV).isPresent()) {
            throw new ValidationException(
                    "Model options 'api-key' and 'api-key-env' exclude each other; keep"
                            + " 'api-key-env' (the key stays out of the catalog)");
        }
        return new EmbeddingPredictProvider(
                key.isPresent() ? withKey(config, key.get()) : OpenAiEmbeddingModel.factory(config),
                batching);
    }

    private static OpenAiConfig config(ReadableConfig options, int concurrentRequests) {
        String endpoint = options.get(ModelOptions.ENDPOINT);
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new ValidationException(
                    "Model option 'endpoint' must start with http:// or https://, e.g."
                            + " https://api.openai.com/v1; got '"
                            + endpoint
                            + "'");
        }
        int dimension = options.get(ModelOptions.DIMENSION);
        if (dimension < 1) {
            throw new ValidationException(
                    "Model option 'dimension' must be the model's vector length (e.g. 1536 for"
                            + " text-embedding-3-small), got "
                            + dimension);
        }
        int retries = options.get(ModelOptions.MAX_RETRIES);
        if (retries < 0) {
            throw new ValidationException(
                    "Model option 'max-retries' must not be negative, got " + retries);
        }
        Duration timeout = options.get(ModelOptions.TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ValidationException(
                    "Model option 'timeout' must be positive, got " + timeout);
        }
        try {
            return OpenAiConfig.builder(endpoint, options.get(ModelOptions.MODEL), dimension)
                    .apiKeyEnv(options.getOptional(ModelOptions.API_KEY_ENV).orElse(null))
                    .requestTimeout(timeout)
                    .maxAttempts(retries + 1)
                    .maxConcurrentRequests(concurrentRequests)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Model options 'endpoint', 'model': " + e.getMessage());
        }
    }

    /** A factory carrying the key given in the model's options (its owner chose to store it). */
    private static EmbeddingModel.Factory withKey(OpenAiConfig config, String key) {
        return () -> OpenAiEmbeddingModel.withApiKey(config, key);
    }
}
