package io.pgstream.jobs.sink.qdrant;

import io.pgstream.jobs.sink.SinkOptions;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the Qdrant collection is and how to write to it. Immutable and serializable. The API key is
 * resolved where the job runs from the environment variable named by {@code api-key-env}; a key
 * given directly ({@link #withApiKey}, for embedding and tests) is never printed.
 */
public final class QdrantSinkConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Deadline of each Qdrant call; not a job-file key. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final boolean tls;
    private final String apiKeyEnv;
    private final String apiKey;
    private final String collection;
    private final int dimensions;
    private final QdrantDistance distance;
    private final int batchSize;
    private final Duration timeout;
    private final Duration maxLinger;

    private QdrantSinkConfig(Draft d) {
        this.host = d.host;
        this.port = d.port;
        this.tls = d.tls;
        this.apiKeyEnv = d.apiKeyEnv;
        this.apiKey = d.apiKey;
        this.collection = Objects.requireNonNull(d.collection, "collection");
        this.dimensions = d.dimensions;
        this.distance = Objects.requireNonNull(d.distance, "distance");
        this.batchSize = d.batchSize;
        this.timeout = Objects.requireNonNull(d.timeout, "timeout");
        this.maxLinger = d.maxLinger;
        if (collection.isBlank()) {
            throw new IllegalArgumentException("Qdrant collection name is empty");
        }
        if (dimensions < 1) {
            throw new IllegalArgumentException(
                    "Qdrant dimensions must be positive, got " + dimensions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size must be positive, got " + batchSize);
        }
    }

    /**
     * @param url {@code http://host:port} (plaintext) or {@code https://host:port} (TLS); the port
     *     defaults to 6334, Qdrant's gRPC port
     */
    public static QdrantSinkConfig of(String url, String collection, int dimensions) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid Qdrant url '" + url + "': expected http://host:6334 or https://...");
        }
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "Invalid Qdrant url '"
                            + url
                            + "': expected http://host:6334 (plaintext) or https://host:6334"
                            + " (TLS)");
        }
        Draft d = new Draft();
        d.host = uri.getHost();
        d.port = uri.getPort() < 0 ? 6334 : uri.getPort();
        d.tls = "https".equals(scheme);
        d.collection = collection;
        d.dimensions = dimensions;
        d.distance = QdrantDistance.COSINE;
        d.batchSize = SinkOptions.BATCH_SIZE.defaultValue();
        d.timeout = DEFAULT_TIMEOUT;
        d.maxLinger = SinkOptions.MAX_LINGER.defaultValue();
        return new QdrantSinkConfig(d);
    }

    /** Reads the key from {@code variable} where the job runs; drops a key given directly. */
    public QdrantSinkConfig withApiKeyEnv(String variable) {
        return with(
                d -> {
                    d.apiKeyEnv = variable;
                    d.apiKey = null;
                });
    }

    /** Uses {@code key} as given; drops a variable named by {@link #withApiKeyEnv}. */
    public QdrantSinkConfig withApiKey(String key) {
        return with(
                d -> {
                    d.apiKeyEnv = null;
                    d.apiKey = key;
                });
    }

    public QdrantSinkConfig withBatchSize(int n) {
        return with(d -> d.batchSize = n);
    }

    /**
     * @param linger null to flush on batch size and checkpoints only
     */
    public QdrantSinkConfig withMaxLinger(Duration linger) {
        return with(d -> d.maxLinger = linger);
    }

    public QdrantSinkConfig withTimeout(Duration t) {
        return with(d -> d.timeout = t);
    }

    /** A copy with what {@code change} sets; the constructor checks the result again. */
    private QdrantSinkConfig with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new QdrantSinkConfig(d);
    }

    /**
     * The fields of a config being made, so each wither names only what it changes instead of
     * repeating every constructor argument.
     */
    private static final class Draft {
        String host;
        int port;
        boolean tls;
        String apiKeyEnv;
        String apiKey;
        String collection;
        int dimensions;
        QdrantDistance distance;
        int batchSize;
        Duration timeout;
        Duration maxLinger;

        Draft() {}

        Draft(QdrantSinkConfig c) {
            host = c.host;
            port = c.port;
            tls = c.tls;
            apiKeyEnv = c.apiKeyEnv;
            apiKey = c.apiKey;
            collection = c.collection;
            dimensions = c.dimensions;
            distance = c.distance;
            batchSize = c.batchSize;
            timeout = c.timeout;
            maxLinger = c.maxLinger;
        }
    }

    /**
     * The API key, or null for none.
     *
     * @throws IllegalStateException when {@code api-key-env} names a variable that is not set
     */
    String resolveApiKey() {
        if (apiKey != null) {
            return apiKey;
        }
        if (apiKeyEnv == null) {
            return null;
        }
        String key = System.getenv(apiKeyEnv);
        if (key == null || key.isEmpty()) {
            throw new IllegalStateException(
                    "Qdrant api-key-env names "
                            + apiKeyEnv
                            + ", which is not set where this task runs: export it on every task"
                            + " manager");
        }
        return key;
    }

    /** The environment variable holding the API key, or null (none, or a key given directly). */
    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean tls() {
        return tls;
    }

    public String collection() {
        return collection;
    }

    public int dimensions() {
        return dimensions;
    }

    public QdrantDistance distance() {
        return distance;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration timeout() {
        return timeout;
    }

    /** {@code http(s)://host:port}, for messages. */
    public String endpoint() {
        return (tls ? "https://" : "http://") + host + ":" + port;
    }

    /**
     * How long a buffered write may wait for more before the writer flushes it without a
     * checkpoint; null flushes on batch size and checkpoints only. Default {@link
     * SinkOptions#MAX_LINGER}.
     */
    public Duration maxLinger() {
        return maxLinger;
    }

    @Override
    public String toString() {
        return "Qdrant collection "
                + collection
                + " ("
                + dimensions
                + " dims, "
                + distance
                + ") at "
                + endpoint()
                + (apiKey != null || apiKeyEnv != null ? " with API key" : "");
    }
}
