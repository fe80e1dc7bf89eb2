package io.pgstream.jobs.templates;

import io.pgstream.connector.slot.PgStreamSetupException;
import io.pgstream.connector.slot.PgStreamSetupException.Reason;
import io.pgstream.jobs.embedding.EmbeddingException;
import io.pgstream.jobs.embedding.EmbeddingOptions;
import io.pgstream.jobs.embedding.EndpointUnavailableException;
import io.pgstream.jobs.embedding.OpenAiConfig;
import io.pgstream.jobs.embedding.OpenAiEmbeddingModel;
import io.pgstream.jobs.embedding.PermanentEmbeddingException;
import io.pgstream.jobs.endpoint.NetworkFailure;
import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.sink.qdrant.QdrantConnection;
import io.pgstream.jobs.sink.qdrant.QdrantSinkConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries the job's remote endpoints once before the job starts, so that an embedding endpoint or a
 * Qdrant that cannot be used ends {@code pgstream sync} within seconds with one line naming the URL
 * and the cause, instead of after the retries and the restart budget of a running job.
 *
 * <p>An endpoint that cannot be reached, does not answer or rejects the API key is a {@link
 * PgStreamSetupException} (the server needs fixing, exit code 2); an answer that shows a job-file
 * mistake (another vector length, a model the endpoint does not know) is a {@link
 * JobConfigException} naming the key. An endpoint that answers 429 or 5xx is up: the job starts,
 * and a warning says what it answered.
 */
public final class EndpointChecks {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointChecks.class);

    /** How long a check waits to connect: a reachable endpoint accepts within milliseconds. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private EndpointChecks() {}

    /** Checks the embedding endpoint (model: openai) and Qdrant (sink type: qdrant), if any. */
    public static void check(JobConfig job) throws PgStreamSetupException {
        if (job.embedding().model() == EmbeddingOptions.Model.OPENAI) {
            embedding(job.embedding());
        }
        if (job.sink().type() == SinkOptions.Type.QDRANT) {
            qdrant(job);
        }
    }

    /** Embeds {@value OpenAiEmbeddingModel#CHECK_TEXT} once, which also checks the dimensions. */
    static void embedding(JobConfig.Embedding e) throws PgStreamSetupException {
        OpenAiConfig config = Models.openAi(e).forSingleCheck(CONNECT_TIMEOUT);
        String uri = config.embeddingsUri().toString();
        try {
            Optional<String> busy = OpenAiEmbeddingModel.create(config).check();
            busy.ifPresent(
                    answer ->
                            LOG.warn(
                                    "the embedding endpoint {} answered a check request with {};"
                                            + " starting anyway (the job retries)",
                                    uri,
                                    answer));
        } catch (EndpointUnavailableException unusable) {
            throw new PgStreamSetupException(
                    Reason.CONNECTION, embeddingProblem(unusable, e), unusable);
        } catch (PermanentEmbeddingException refused) {
            throw new JobConfigException(
                    "embedding: "
                            + refused.getMessage()
                            + "; check embedding.base-url and embedding.model-name");
        } catch (EmbeddingException wrongAnswer) {
            throw new JobConfigException("embedding: " + wrongAnswer.getMessage());
        }
    }

    /** The line for an endpoint that cannot be used, with what to check. */
    static String embeddingProblem(EndpointUnavailableException e, JobConfig.Embedding config) {
        String uri = e.endpoint().toString();
        if (e.keyRejected()) {
            return config.apiKeyEnv() == null
                    ? "the embedding endpoint "
                            + uri
                            + " answered "
                            + e.detail()
                            + ": it needs an API key and none is configured; set"
                            + " embedding.api-key-env to the environment variable holding it"
                    : "the embedding endpoint "
                            + uri
                            + " rejected the API key from environment variable "
                            + config.apiKeyEnv()
                            + " (embedding.api-key-env) with "
                            + e.detail()
                            + "; set "
                            + config.apiKeyEnv()
                            + " to a valid key";
        }
        NetworkFailure.Kind kind = e.network().map(NetworkFailure::kind).orElse(null);
        if (kind == NetworkFailure.Kind.TIMED_OUT && e.detail().startsWith("timed out")) {
            return "the embedding endpoint "
                    + uri
                    + " "
                    + e.detail()
                    + "; check that it is up, or raise embedding.request-timeout";
        }
        return "cannot reach the embedding endpoint "
                + uri
                + ": "
                + e.detail()
                + (kind == NetworkFailure.Kind.TLS
                        ? "; check http:// or https:// in embedding.base-url and the server's"
                                + " certificate"
                        : "; check embedding.base-url and that the server is running");
    }

    /** Asks Qdrant whether the collection exists: reachability and the API key in one call. */
    static void qdrant(JobConfig job) throws PgStreamSetupException {
        QdrantSinkConfig config = VectorStores.qdrant(job).withTimeout(CONNECT_TIMEOUT);
        try (QdrantConnection connection = new QdrantConnection(config)) {
            connection.checkReachable();
        } catch (IOException e) {
            throw new PgStreamSetupException(Reason.CONNECTION, e.getMessage(), e);
        }
    }
}
