package io.pgstream.jobs.templates;

import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.embedding.EmbeddingOperatorConfig;
import io.pgstream.jobs.embedding.EmbeddingOptions;
import io.pgstream.jobs.embedding.LocalMiniLmEmbeddingModel;
import io.pgstream.jobs.embedding.OpenAiConfig;
import io.pgstream.jobs.embedding.OpenAiEmbeddingModel;
import io.pgstream.jobs.embedding.TextChunker;
import io.pgstream.jobs.embedding.budget.RateLimit;

/** The job file's {@code embedding:} section as a model factory and operator settings. */
public final class Models {

    private Models() {}

    /** The model the job embeds with (created on the task managers). */
    public static EmbeddingModel.Factory factory(JobConfig.Embedding e) {
        if (e.model() == EmbeddingOptions.Model.LOCAL) {
            return LocalMiniLmEmbeddingModel.factory(e.localTimeout());
        }
        return OpenAiEmbeddingModel.factory(openAi(e));
    }

    /**
     * The id the job's model reports ({@link EmbeddingModel#id()}), known without loading it: part
     * of every content hash and of the index's identity.
     */
    public static String id(JobConfig.Embedding e) {
        return e.model() == EmbeddingOptions.Model.LOCAL
                ? LocalMiniLmEmbeddingModel.ID
                : OpenAiEmbeddingModel.idOf(e.modelName());
    }

    /** The OpenAI-compatible client's configuration of a {@code model: openai} job. */
    public static OpenAiConfig openAi(JobConfig.Embedding e) {
        OpenAiConfig.Builder b =
                OpenAiConfig.builder(e.baseUrl(), e.modelName(), e.dimensions())
                        .requestTimeout(e.requestTimeout())
                        .maxAttempts(e.maxAttempts())
                        .retryAfterMax(e.retryAfterMax())
                        .maxConcurrentRequests(e.maxConcurrentRequests());
        if (e.apiKeyEnv() != null) {
            b.apiKeyEnv(e.apiKeyEnv());
        }
        return b.build();
    }

    /** Batching, bounds, chunking and the shared rate limit of the embedding operator. */
    public static EmbeddingOperatorConfig operator(JobConfig.Embedding e) {
        EmbeddingOperatorConfig c =
                EmbeddingOperatorConfig.defaults()
                        .withBatchSize(e.batchSize())
                        .withMaxLinger(e.maxLinger())
                        .withMaxInFlightBatches(e.maxInFlightBatches())
                        .withMaxTextChars(e.maxTextChars())
                        .withRateLimit(
                                RateLimit.perMinute(e.requestsPerMinute(), e.tokensPerMinute()))
                        .withPricePerMillionTokens(e.pricePerMillionTokens());
        if (e.chunking()) {
            c = c.withChunker(TextChunker.characters(e.chunkChars(), e.chunkOverlapChars()));
        }
        return c;
    }
}
