package io.pgstream.jobs.embedding;

import io.pgstream.jobs.embedding.budget.RequestBudget;
import io.pgstream.jobs.endpoint.NetworkFailure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible embeddings endpoint ({@code POST {base-url}/embeddings} with {@code
 * {"model":…,"input":[…]}}): OpenAI, Azure-style proxies, Ollama, vLLM, text-embeddings-inference.
 *
 * <p>Failures: HTTP 429, 408 and 5xx, timeouts and I/O errors are retried up to {@link
 * OpenAiConfig#maxAttempts()} times with exponential backoff and full jitter, waiting at least what
 * {@code Retry-After} asks (seconds or an HTTP date) up to {@link OpenAiConfig#retryAfterMax()};
 * then an {@link EmbeddingException} fails the task (Flink restarts from the last checkpoint; no
 * row is dropped). A 401 or 403 (the key) fails the task at once. Any other 4xx is the input's
 * fault and is thrown at once as a {@link PermanentEmbeddingException} (the row becomes a dead
 * letter). A response with the wrong number of vectors or the wrong vector length is an error that
 * says so (see {@link OpenAiEmbeddingsCodec}, which builds requests and reads answers). A failure
 * to reach the endpoint is an {@link EndpointUnavailableException} whose message names the URL and
 * the cause (connection refused, timed out, TLS); {@link #check()} tries the endpoint once before a
 * job starts.
 *
 * <p>At most {@link OpenAiConfig#maxConcurrentRequests()} requests are open at once per instance (a
 * semaphore held only while a request is on the wire, not during backoff). The API key is read from
 * the environment variable the config names, is sent as a bearer token, and never appears in logs
 * or exception messages. {@link #embed} blocks the calling thread; it is thread-safe.
 *
 * <p>Every request, retries included, first takes a permit from the {@link RequestBudget} the
 * client was created with (the job's shared rate limit; see {@code docs/embedding.md}) and returns
 * it with the response's {@code usage.total_tokens}.
 *
 * <p>It is over 300 lines because the retry loop and the one-shot {@link #check()} share the
 * classification of every answer (key rejected, refused, busy, unreachable) and its messages; the
 * wire format is in {@link OpenAiEmbeddingsCodec}.
 */
public final class OpenAiEmbeddingModel implements EmbeddingModel {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiEmbeddingModel.class);

    /** The text {@link #check()} embeds. */
    public static final String CHECK_TEXT = "pgstream";

    private final OpenAiConfig config;
    private final OpenAiEmbeddingsCodec codec;
    private final HttpClient http;
    private final Semaphore permits;
    private final RetryBackoff backoff;
    private final RequestBudget budget;

    private OpenAiEmbeddingModel(OpenAiConfig config, String apiKey, RequestBudget budget) {
        this.config = config;
        this.codec = new OpenAiEmbeddingsCodec(config, apiKey);
        this.budget = budget;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
        this.permits = new Semaphore(config.maxConcurrentRequests(), true);
        this.backoff =
                new RetryBackoff(
                        config.initialBackoff(), config.maxBackoff(), config.retryAfterMax());
    }

    /**
     * Creates a client, reading the API key from the environment variable {@link
     * OpenAiConfig#apiKeyEnv()} names.
     *
     * @throws EmbeddingException when that variable is not set
     */
    public static OpenAiEmbeddingModel create(OpenAiConfig config) throws EmbeddingException {
        return create(config, RequestBudget.UNLIMITED);
    }

    /** Like {@link #create(OpenAiConfig)}, taking a permit from {@code budget} per request. */
    public static OpenAiEmbeddingModel create(OpenAiConfig config, RequestBudget budget)
            throws EmbeddingException {
        String key = null;
        if (config.apiKeyEnv() != null) {
            key = System.getenv(config.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new EmbeddingException(
                        "The environment variable "
                                + config.apiKeyEnv()
                                + " with the API key for "
                                + config.embeddingsUri()
                                + " is not set on this machine; export it where the job runs"
                                + " (or configure no api-key-env for endpoints without keys)");
            }
        }
        return new OpenAiEmbeddingModel(config, key, budget);
    }

    /** A client with an explicit key (null: none), for programs that manage keys themselves. */
    public static OpenAiEmbeddingModel withApiKey(OpenAiConfig config, String apiKey) {
        return new OpenAiEmbeddingModel(config, apiKey, RequestBudget.UNLIMITED);
    }

    /** A client with an explicit key that takes permits from {@code budget}; for tests. */
    public static OpenAiEmbeddingModel withApiKey(
            OpenAiConfig config, String apiKey, RequestBudget budget) {
        return new OpenAiEmbeddingModel(config, apiKey, budget);
    }

    /** A serializable factory: the key is read on the task manager, not carried in the job. */
    public static EmbeddingModel.Factory factory(OpenAiConfig config) {
        return new EmbeddingModel.Factory() {
            private static final long serialVersionUID = 1L;

            @Override
            public EmbeddingModel create() throws EmbeddingException {
                return OpenAiEmbeddingModel.create(config);
            }

            @Override
            public EmbeddingModel create(RequestBudget budget) throws EmbeddingException {
                return OpenAiEmbeddingModel.create(config, budget);
            }
        };
    }

    @Override
    public int dimensions() {
        return config.dimensions();
    }

    @Override
    public String id() {
        return idOf(config.model());
    }

    /** The {@link #id()} of a model named {@code modelName}, known without creating it. */
    public static String idOf(String modelName) {
        return "openai:" + modelName;
    }

    @Override
    public List<float[]> embed(List<String> texts) throws EmbeddingException {
        if (texts.isEmpty()) {
            return List.of();
        }
        HttpRequest built = codec.request(texts);
        String lastProblem = null;
        for (int attempt = 1; ; attempt++) {
            Optional<Duration> retryAfter = Optional.empty();
            NetworkFailure network = null;
            RequestBudget.Permit permit = permit(texts);
            try {
                HttpResponse<String> response;
                try {
                    response = send(built);
                } catch (IOException | RuntimeException | EmbeddingException e) {
                    permit.unanswered();
                    throw e;
                }
                int status = response.statusCode();
                if (status / 100 == 2) {
                    OpenAiEmbeddingsCodec.Answer answer =
                            OpenAiEmbeddingsCodec.read(response.body());
                    permit.answered(status, answer.totalTokens());
                    return codec.vectors(answer, texts.size());
                }
                permit.answered(status, -1);
                lastProblem = "HTTP " + status + ": " + codec.excerpt(response.body());
                if (status == 401 || status == 403) {
                    throw keyRejected(status);
                }
                if (!retryable(status)) {
                    throw new PermanentEmbeddingException(
                            config.embeddingsUri()
                                    + " refused a batch of "
                                    + texts.size()
                                    + " texts with "
                                    + lastProblem);
                }
                retryAfter =
                        RetryBackoff.parseRetryAfter(
                                response.headers().firstValue("Retry-After"), Instant.now());
            } catch (IOException e) {
                network = NetworkFailure.of(e).orElse(null);
                lastProblem = describe(e, network);
            }
            if (attempt >= config.maxAttempts()) {
                String message =
                        config.embeddingsUri()
                                + ": "
                                + lastProblem
                                + " (failed "
                                + attempt
                                + (attempt == 1 ? " time" : " times")
                                + " for a batch of "
                                + texts.size()
                                + " texts)";
                throw network == null
                        ? new EmbeddingException(message)
                        : EndpointUnavailableException.unreachable(
                                message, config.embeddingsUri(), network, lastProblem);
            }
            Duration wait = backoff.delay(attempt - 1, retryAfter);
            LOG.warn(
                    "{} attempt {} of {} failed ({}); retrying in {} ms",
                    config.embeddingsUri(),
                    attempt,
                    config.maxAttempts(),
                    lastProblem,
                    wait.toMillis());
            pause(wait);
        }
    }

    /**
     * Sends one request embedding {@value #CHECK_TEXT}, without retries, to find out before a job
     * starts whether the endpoint can be used: blocks for at most the connect plus the request
     * timeout.
     *
     * @return empty when it answered with a vector of the configured length; a description when it
     *     answered 408, 429 or 5xx (reachable, but busy or failing for now)
     * @throws EndpointUnavailableException when it cannot be reached, does not answer, or rejects
     *     the key
     * @throws PermanentEmbeddingException when it refuses the request (a wrong model name, path)
     * @throws EmbeddingException when its answer is wrong (another vector length, not JSON)
     */
    public Optional<String> check() throws EmbeddingException {
        HttpResponse<String> response;
        try {
            response = send(codec.request(List.of(CHECK_TEXT)));
        } catch (IOException e) {
            NetworkFailure network = NetworkFailure.of(e).orElse(null);
            String problem = describe(e, network);
            throw network == null
                    ? new EmbeddingException(config.embeddingsUri() + ": " + problem, e)
                    : EndpointUnavailableException.unreachable(
                            config.embeddingsUri() + ": " + problem,
                            config.embeddingsUri(),
                            network,
                            problem);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            codec.vectors(OpenAiEmbeddingsCodec.read(response.body()), 1);
            return Optional.empty();
        }
        String problem = "HTTP " + status + ": " + codec.excerpt(response.body());
        if (status == 401 || status == 403) {
            throw keyRejected(status);
        }
        if (retryable(status)) {
            return Optional.of(problem);
        }
        throw new PermanentEmbeddingException(
                config.embeddingsUri() + " refused a request with " + problem);
    }

    private EndpointUnavailableException keyRejected(int status) {
        return EndpointUnavailableException.keyRejected(
                config.embeddingsUri()
                        + " rejected the API key"
                        + keySource()
                        + " with HTTP "
                        + status,
                config.embeddingsUri(),
                status);
    }

    private RequestBudget.Permit permit(List<String> texts) throws EmbeddingException {
        try {
            return budget.acquire(texts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("Interrupted while waiting for the rate limit", e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, EmbeddingException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("Interrupted while waiting for a request slot", e);
        }
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("Interrupted during a request to " + config.baseUrl(), e);
        } finally {
            permits.release();
        }
    }

    /** Waits on the calling (worker) thread before a retry; never the task thread. */
    private static void pause(Duration wait) throws EmbeddingException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("Interrupted while backing off", e);
        }
    }

    /**
     * What went wrong on the wire, with the timeout that ran out: never a bare "null" (the HTTP
     * client's exceptions for a refused connection carry no message).
     */
    private String describe(IOException e, NetworkFailure network) {
        if (network == null) {
            return "I/O error: " + NetworkFailure.describe(e);
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out after " + seconds(config.connectTimeout());
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out: no answer within " + seconds(config.requestTimeout());
        }
        return network.description();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Where the key came from, for messages: never the key itself. */
    private String keySource() {
        return config.apiKeyEnv() == null
                ? " (no key is configured)"
                : " from environment variable " + config.apiKeyEnv();
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }
}
