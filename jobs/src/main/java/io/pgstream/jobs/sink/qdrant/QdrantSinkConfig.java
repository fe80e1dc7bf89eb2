package io.pgstream.jobs.sink.qdrant;

import io.pgstream.jobs.sink.SinkOptions;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

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

    private QdrantSinkConfig(
            String host,
            int port,
            boolean tls,
            String apiKeyEnv,
            String apiKey,
            String collection,
            int dimensions,
            QdrantDistance distance,
            int batchSize,
            Duration timeout,
            Duration maxLinger) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.apiKeyEnv = apiKeyEnv;
        this.apiKey = apiKey;
        this.collection = Objects.requireNonNull(collection, "collection");
        this.dimensions = dimensions;
        this.distance = Objects.requireNonNull(distance, "distance");
        this.batchSize = batchSize;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxLinger = maxLinger;
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
        return new QdrantSinkConfig(
                uri.getHost(),
                uri.getPort() < 0 ? 6334 : uri.getPort(),
                "https".equals(scheme),
                null,
                null,
                collection,
                dimensions,
                QdrantDistance.COSINE,
                SinkOptions.BATCH_SIZE.defaultValue(),
                DEFAULT_TIMEOUT,
                SinkOptions.MAX_LINGER.defaultValue());
    }

    public QdrantSinkConfig withApiKeyEnv(String variable) {
        return new QdrantSinkConfig(
                host,
                port,
                tls,
                variable,
                null,
                collection,
                dimensions,
                distance,
                batchSize,
                timeout,
                maxLinger);
    }

    public QdrantSinkConfig withApiKey(String key) {
        return new QdrantSinkConfig(
                host,
                port,
                tls,
                null,
                key,
                collection,
                dimensions,
                distance,
                batchSize,
                timeout,
                maxLinger);
    }

    public QdrantSinkConfig withBatchSize(int n) {
        return new QdrantSinkConfig(
                host,
                port,
                tls,
                apiKeyEnv,
                apiKey,
                collection,
                dimensions,
                distance,
                n,
                timeout,
                maxLinger);
    }

    /**
     * @param linger null to flush on batch size and checkpoints only
     */
    public QdrantSinkConfig withMaxLinger(Duration linger) {
        return new QdrantSinkConfig(
                host,
                port,
                tls,
                apiKeyEnv,
                apiKey,
                collection,
                dimensions,
                distance,
                batchSize,
                timeout,
                linger);
    }

    public QdrantSinkConfig withTimeout(Duration t) {
        return new QdrantSinkConfig(
                host,
                port,
                tls,
                apiKeyEnv,
                apiKey,
                collection,
                dimensions,
                distance,
                batchSize,
                t,
                maxLinger);
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
