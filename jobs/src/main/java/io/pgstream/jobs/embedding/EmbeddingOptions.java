package io.pgstream.jobs.embedding;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job file's {@code embedding:} section, declared once: which model, how a row becomes text,
 * the operator's batching and bounds, optional chunking, the shared rate limit and the
 * OpenAI-compatible client. Keys are the job file's dotted paths; the defaults here are the only
 * ones ({@link EmbeddingOperatorConfig#defaults()} and {@link OpenAiConfig#builder} read them).
 */
public final class EmbeddingOptions {

    private EmbeddingOptions() {}

    /** The {@code embedding.model} values. */
    public enum Model {
        /** The in-jar quantized all-MiniLM-L6-v2, 384 dimensions, no network. */
        LOCAL,
        /** An OpenAI-compatible {@code /embeddings} endpoint. */
        OPENAI
    }

    /** The local model's vector length; {@code embedding.dimensions} must be this or unset. */
    public static final int LOCAL_DIMENSIONS = 384;

    public static final ConfigOption<Model> MODEL =
            ConfigOptions.key("embedding.model")
                    .enumType(Model.class)
                    .defaultValue(Model.LOCAL)
                    .withDescription("Which model embeds: local or openai.");

    public static final ConfigOption<String> TEMPLATE =
            ConfigOptions.key("embedding.template")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Text of a row, with {column} placeholders; exactly one of template"
                                    + " and columns.");

    public static final ConfigOption<List<String>> COLUMNS =
            ConfigOptions.key("embedding.columns")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription("Columns whose values, joined, are the text of a row.");

    public static final ConfigOption<String> BASE_URL =
            ConfigOptions.key("embedding.base-url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("With model openai: requests go to {base-url}/embeddings.");

    public static final ConfigOption<String> MODEL_NAME =
            ConfigOptions.key("embedding.model-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("With model openai: e.g. text-embedding-3-small.");

    public static final ConfigOption<String> API_KEY_ENV =
            ConfigOptions.key("embedding.api-key-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "With model openai: environment variable holding the API key; unset:"
                                    + " send no key.");

    public static final ConfigOption<Integer> DIMENSIONS =
            ConfigOptions.key("embedding.dimensions")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Vector length; required with model openai, 384 for the local model.");

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
                    .defaultValue(4)
                    .withDescription("Model calls running at once per parallel subtask.");

    /**
     * A healthy batch of 64 short texts takes a fraction of a second; one that takes a minute is
     * stuck in native code, and failing the task beats holding the batch through every checkpoint.
     */
    public static final ConfigOption<Duration> LOCAL_TIMEOUT =
            ConfigOptions.key("embedding.local.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "With model local: longest time one batch may take; a slower one fails"
                                    + " the task, which restarts from its last checkpoint.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("embedding.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("With model openai: deadline of one request.");

    public static final ConfigOption<Integer> MAX_ATTEMPTS =
            ConfigOptions.key("embedding.max-attempts")
                    .intType()
                    .defaultValue(6)
                    .withDescription(
                            "With model openai: tries per batch on 429, 5xx and timeouts, the first"
                                    + " included.");

    /**
     * OpenAI's and Azure's rate limits ask for seconds up to about a minute; anything longer is a
     * proxy or an outage, better reported by failing than waited out with a batch held.
     */
    public static final ConfigOption<Duration> RETRY_AFTER_MAX =
            ConfigOptions.key("embedding.retry-after-max")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "With model openai: longest wait a Retry-After header may ask for; a"
                                    + " longer one is cut to this.");

    public static final ConfigOption<Integer> MAX_CONCURRENT_REQUESTS =
            ConfigOptions.key("embedding.max-concurrent-requests")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "With model openai: requests open at once per model instance.");

    public static final ConfigOption<Integer> MAX_TEXT_CHARS =
            ConfigOptions.key("embedding.max-text-chars")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "With chunking off, a longer text is a dead letter instead of a model"
                                    + " call; 0: no limit.");

    public static final ConfigOption<Integer> CHUNKING_MAX_CHARS =
            ConfigOptions.key("embedding.chunking.max-chars")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Split texts longer than this into pieces, one vector each (at least"
                                    + " 16); unset: one vector per row.");

    public static final ConfigOption<Integer> CHUNKING_OVERLAP_CHARS =
            ConfigOptions.key("embedding.chunking.overlap-chars")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "At most this many characters (whole words) of a piece's end start the next"
                                    + " piece; default: max-chars / 8.");

    public static final ConfigOption<Integer> RATE_LIMIT_REQUESTS_PER_MINUTE =
            ConfigOptions.key("embedding.rate-limit.requests-per-minute")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "With model openai: requests per minute over all parallel subtasks;"
                                    + " unset: no limit.");

    public static final ConfigOption<Integer> RATE_LIMIT_TOKENS_PER_MINUTE =
            ConfigOptions.key("embedding.rate-limit.tokens-per-minute")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "With model openai: tokens per minute over all parallel subtasks;"
                                    + " unset: no limit.");

    public static final ConfigOption<Double> PRICE_PER_MILLION_TOKENS =
            ConfigOptions.key("embedding.price-per-million-tokens")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription(
                            "With model openai: price of a million tokens, for the estimatedCost"
                                    + " metric.");
}
