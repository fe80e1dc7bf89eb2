package io.pgstream.jobs.embedding;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the embedding stage, declared once: the operator's batching and bounds, optional
 * chunking, and the OpenAI-compatible client. Read into value objects by {@link
 * EmbeddingOperatorConfig#fromConfiguration} and {@link OpenAiConfig#fromConfiguration}.
 */
public final class EmbeddingOptions {

    private EmbeddingOptions() {}

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("embedding.batch-size")
                    .intType()
                    .defaultValue(64)
                    .withDescription("Texts (chunks) per model call.");

    public static final ConfigOption<Duration> MAX_LINGER =
            ConfigOptions.key("embedding.max-linger")
                    .durationType()
                    .defaultValue(Duration.ofMillis(50))
                    .withDescription(
                            "Longest time a change waits for its batch to fill before the batch is"
                                    + " sent anyway.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_BATCHES =
            ConfigOptions.key("embedding.max-in-flight-batches")
                    .intType()
                    .defaultValue(2)
                    .withDescription("Model calls running at once per parallel subtask.");

    public static final ConfigOption<Integer> MAX_BUFFERED_ROWS =
            ConfigOptions.key("embedding.max-buffered-rows")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Changes held per subtask (waiting, being embedded or waiting for an"
                                    + " earlier one); when reached, input is back-pressured.");

    public static final ConfigOption<Integer> MAX_TEXT_CHARS =
            ConfigOptions.key("embedding.max-text-chars")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "With chunking off, a longer text is a dead letter instead of a model"
                                    + " call; 0: no limit.");

    public static final ConfigOption<TextChunker.Unit> CHUNK_UNIT =
            ConfigOptions.key("embedding.chunk.unit")
                    .enumType(TextChunker.Unit.class)
                    .defaultValue(TextChunker.Unit.CHARACTERS)
                    .withDescription("What chunk size and overlap count: CHARACTERS or WORDS.");

    public static final ConfigOption<Integer> CHUNK_SIZE =
            ConfigOptions.key("embedding.chunk.size")
                    .intType()
                    .noDefaultValue()
                    .withDescription("Chunk size; unset: no chunking, one vector per row.");

    public static final ConfigOption<Integer> CHUNK_OVERLAP =
            ConfigOptions.key("embedding.chunk.overlap")
                    .intType()
                    .defaultValue(0)
                    .withDescription("How much consecutive chunks share.");

    public static final ConfigOption<String> OPENAI_BASE_URL =
            ConfigOptions.key("embedding.openai.base-url")
                    .stringType()
                    .defaultValue("https://api.openai.com/v1")
                    .withDescription("Requests go to {base-url}/embeddings.");

    public static final ConfigOption<String> OPENAI_MODEL =
            ConfigOptions.key("embedding.openai.model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Model name, e.g. text-embedding-3-small.");

    public static final ConfigOption<Integer> OPENAI_DIMENSIONS =
            ConfigOptions.key("embedding.openai.dimensions")
                    .intType()
                    .noDefaultValue()
                    .withDescription("Vector length the model returns.");

    public static final ConfigOption<Boolean> OPENAI_SEND_DIMENSIONS =
            ConfigOptions.key("embedding.openai.send-dimensions")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Send 'dimensions' in requests (models that can shorten vectors).");

    public static final ConfigOption<String> OPENAI_API_KEY_ENV =
            ConfigOptions.key("embedding.openai.api-key-env")
                    .stringType()
                    .defaultValue("OPENAI_API_KEY")
                    .withDescription("Environment variable with the API key; empty: send no key.");

    public static final ConfigOption<Duration> OPENAI_CONNECT_TIMEOUT =
            ConfigOptions.key("embedding.openai.connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10));

    public static final ConfigOption<Duration> OPENAI_REQUEST_TIMEOUT =
            ConfigOptions.key("embedding.openai.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60));

    public static final ConfigOption<Integer> OPENAI_MAX_ATTEMPTS =
            ConfigOptions.key("embedding.openai.max-attempts")
                    .intType()
                    .defaultValue(6)
                    .withDescription(
                            "Tries per batch on 429, 5xx and timeouts, the first included.");

    public static final ConfigOption<Duration> OPENAI_INITIAL_BACKOFF =
            ConfigOptions.key("embedding.openai.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500));

    public static final ConfigOption<Duration> OPENAI_MAX_BACKOFF =
            ConfigOptions.key("embedding.openai.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30));

    public static final ConfigOption<Duration> OPENAI_RETRY_AFTER_MAX =
            ConfigOptions.key("embedding.openai.retry-after-max")
                    .durationType()
                    .defaultValue(OpenAiConfig.DEFAULT_RETRY_AFTER_MAX)
                    .withDescription(
                            "Longest wait a Retry-After header may ask for; a longer one is cut"
                                    + " to this.");

    public static final ConfigOption<Integer> OPENAI_MAX_CONCURRENT_REQUESTS =
            ConfigOptions.key("embedding.openai.max-concurrent-requests")
                    .intType()
                    .defaultValue(4)
                    .withDescription("Requests open at once per model instance.");

    public static final ConfigOption<Integer> RATE_LIMIT_REQUESTS_PER_MINUTE =
            ConfigOptions.key("embedding.rate-limit.requests-per-minute")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "Requests per minute to the model over all parallel subtasks; 0: no"
                                    + " limit.");

    public static final ConfigOption<Long> RATE_LIMIT_TOKENS_PER_MINUTE =
            ConfigOptions.key("embedding.rate-limit.tokens-per-minute")
                    .longType()
                    .defaultValue(0L)
                    .withDescription(
                            "Tokens per minute to the model over all parallel subtasks; 0: no"
                                    + " limit.");

    public static final ConfigOption<Double> PRICE_PER_MILLION_TOKENS =
            ConfigOptions.key("embedding.price-per-million-tokens")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription("Price of a million tokens, for the estimatedCost metric.");
}
