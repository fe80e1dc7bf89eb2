package io.pgstream.jobs.model;

import io.pgstream.jobs.embedding.EmbeddingOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The {@code WITH} options of {@code CREATE MODEL … WITH ('provider' = 'minilm' |
 * 'openai-compatible', …)}. Defaults are the job file's {@code embedding:} ones ({@link
 * EmbeddingOptions}), read from there so that each exists once; only the SQL spelling of a key
 * differs where the SQL contract names it so ({@code endpoint}, {@code dimension}, {@code timeout},
 * {@code max-retries}).
 */
public final class ModelOptions {

    private ModelOptions() {}

    /** The one task these providers serve. */
    public static final String EMBEDDING_TASK = "embedding";

    public static final ConfigOption<String> TASK =
            ConfigOptions.key("task")
                    .stringType()
                    .defaultValue(EMBEDDING_TASK)
                    .withDescription("What the model does; only 'embedding'.");

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Base URL of an OpenAI-compatible API, as the job file's base-url;"
                                    + " requests go to {endpoint}/embeddings.");

    public static final ConfigOption<String> MODEL =
            ConfigOptions.key("model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The endpoint's model name, e.g. text-embedding-3-small.");

    public static final ConfigOption<String> API_KEY =
            ConfigOptions.key("api-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The API key itself; prefer api-key-env, which keeps it out of the"
                                    + " catalog and the job graph.");

    public static final ConfigOption<String> API_KEY_ENV =
            ConfigOptions.key("api-key-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Environment variable holding the API key, read where the job runs.");

    public static final ConfigOption<Integer> DIMENSION =
            ConfigOptions.key("dimension")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Vector length the endpoint returns; required for openai-compatible.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("batch-size")
                    .intType()
                    .defaultValue(EmbeddingOptions.BATCH_SIZE.defaultValue())
                    .withDescription("Most rows embedded by one model call.");

    /**
     * Shorter than the job file's {@code max-linger}: ML_PREDICT lets only {@code
     * max-concurrent-operations} rows (10 by default) wait at once, so a long wait for a full batch
     * would only add latency.
     */
    public static final ConfigOption<Duration> MAX_LINGER =
            ConfigOptions.key("max-linger")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "Longest time a row waits for others to share its model call.");

    public static final ConfigOption<Integer> MAX_CONCURRENT_REQUESTS =
            ConfigOptions.key("max-concurrent-requests")
                    .intType()
                    .defaultValue(EmbeddingOptions.MAX_CONCURRENT_REQUESTS.defaultValue())
                    .withDescription("Model calls open at once per parallel subtask.");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("timeout")
                    .durationType()
                    .defaultValue(EmbeddingOptions.REQUEST_TIMEOUT.defaultValue())
                    .withDescription("Deadline of one request to the endpoint.");

    public static final ConfigOption<Integer> MAX_RETRIES =
            ConfigOptions.key("max-retries")
                    .intType()
                    .defaultValue(EmbeddingOptions.MAX_ATTEMPTS.defaultValue() - 1)
                    .withDescription(
                            "Retries of a call on 429, 5xx and timeouts, after the first try.");
}
