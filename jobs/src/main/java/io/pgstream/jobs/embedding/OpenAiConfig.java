package io.pgstream.jobs.embedding;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything an {@link OpenAiEmbeddingModel} needs, as one immutable, serializable value: where the
 * endpoint is, which model and vector length, the name of the environment variable holding the API
 * key (never the key itself, so job graphs and logs never carry it), timeouts, the retry budget and
 * the limit on concurrent requests. Build with {@link #builder(String, String, int)}.
 */
public final class OpenAiConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final URI baseUrl;
    private final String model;
    private final int dimensions;
    private final boolean sendDimensions;
    private final String apiKeyEnv;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration retryAfterMax;
    private final int maxConcurrentRequests;

    private OpenAiConfig(Builder b) {
        this.baseUrl = b.baseUrl;
        this.model = b.model;
        this.dimensions = b.dimensions;
        this.sendDimensions = b.sendDimensions;
        this.apiKeyEnv = b.apiKeyEnv;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.retryAfterMax = b.retryAfterMax;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
    }

    /**
     * @param baseUrl e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1};
     *     requests go to {@code {baseUrl}/embeddings}
     * @param model the model name the endpoint expects, e.g. {@code text-embedding-3-small}
     * @param dimensions the vector length the model returns (responses are checked against it)
     */
    public static Builder builder(String baseUrl, String model, int dimensions) {
        return new Builder(baseUrl, model, dimensions);
    }

    /** {@code {baseUrl}/embeddings}. */
    public URI embeddingsUri() {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "embeddings");
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public String model() {
        return model;
    }

    public int dimensions() {
        return dimensions;
    }

    /** Whether requests carry {@code "dimensions"} (models that can shorten their vectors). */
    public boolean sendDimensions() {
        return sendDimensions;
    }

    /** Name of the environment variable with the API key; null: send no Authorization header. */
    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Tries per batch, the first one included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The longest wait a {@code Retry-After} header can ask for; a longer one is cut to this. */
    public Duration retryAfterMax() {
        return retryAfterMax;
    }

    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /**
     * This configuration for a single check request: one attempt, connecting within {@code
     * connectTimeout} at most, so a start-up check fails in seconds instead of after the retries.
     */
    public OpenAiConfig forSingleCheck(Duration connectTimeout) {
        Builder b = new Builder(baseUrl.toString(), model, dimensions);
        b.sendDimensions = sendDimensions;
        b.apiKeyEnv = apiKeyEnv;
        b.connectTimeout =
                connectTimeout.compareTo(this.connectTimeout) < 0
                        ? connectTimeout
                        : this.connectTimeout;
        b.requestTimeout = requestTimeout;
        b.maxAttempts = 1;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.retryAfterMax = retryAfterMax;
        b.maxConcurrentRequests = 1;
        return b.build();
    }

    @Override
    public String toString() {
        return "OpenAiConfig{"
                + embeddingsUri()
                + ", model="
                + model
                + ", dimensions="
                + dimensions
                + ", apiKeyEnv="
                + apiKeyEnv
                + '}';
    }

    /**
     * Builder with the job file's defaults ({@link EmbeddingOptions}: request timeout, attempts,
     * {@code Retry-After} cap, concurrent requests) and the client's own: 10 s to connect, backoff
     * from 500 ms to 30 s.
     */
    public static final class Builder {
        private final URI baseUrl;
        private final String model;
        private final int dimensions;
        private boolean sendDimensions;
        private String apiKeyEnv;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = EmbeddingOptions.REQUEST_TIMEOUT.defaultValue();
        private int maxAttempts = EmbeddingOptions.MAX_ATTEMPTS.defaultValue();
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration retryAfterMax = EmbeddingOptions.RETRY_AFTER_MAX.defaultValue();
        private int maxConcurrentRequests = EmbeddingOptions.MAX_CONCURRENT_REQUESTS.defaultValue();

        private Builder(String baseUrl, String model, int dimensions) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            URI uri;
            try {
                uri = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Embedding base URL '" + baseUrl + "' is not a URL: " + e.getMessage());
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException(
                        "Embedding base URL '"
                                + baseUrl
                                + "' must start with http:// or https://, e.g."
                                + " https://api.openai.com/v1");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException(
                        "An embedding model name is required, e.g. text-embedding-3-small");
            }
            if (dimensions < 1) {
                throw new IllegalArgumentException(
                        "Embedding dimensions must be positive (the model's vector length, e.g."
                                + " 1536 for text-embedding-3-small), got "
                                + dimensions);
            }
            this.baseUrl = uri;
            this.model = model;
            this.dimensions = dimensions;
        }

        public Builder sendDimensions(boolean send) {
            this.sendDimensions = send;
            return this;
        }

        /** Environment variable holding the API key, e.g. {@code OPENAI_API_KEY}. */
        public Builder apiKeyEnv(String name) {
            this.apiKeyEnv = name == null || name.isBlank() ? null : name;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "request timeout");
            return this;
        }

        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException(
                        "Embedding max attempts must be at least 1, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial backoff");
            this.maxBackoff = positive(max, "max backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException(
                        "Embedding max backoff " + max + " is below the initial one " + initial);
            }
            return this;
        }

        /** Caps the wait a {@code Retry-After} header asks for (see {@link RetryBackoff}). */
        public Builder retryAfterMax(Duration max) {
            this.retryAfterMax = positive(max, "retry-after-max");
            return this;
        }

        public Builder maxConcurrentRequests(int n) {
            if (n < 1) {
                throw new IllegalArgumentException(
                        "Embedding max concurrent requests must be at least 1, got " + n);
            }
            this.maxConcurrentRequests = n;
            return this;
        }

        public OpenAiConfig build() {
            return new OpenAiConfig(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("Embedding " + what + " must be positive");
            }
            return d;
        }
    }
}
