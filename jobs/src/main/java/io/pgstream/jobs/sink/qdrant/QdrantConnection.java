package io.pgstream.jobs.sink.qdrant;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pgstream.jobs.endpoint.NetworkFailure;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.SearchPoints;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Qdrant client for one task: builds it from the config (plaintext or TLS, API key), waits for
 * each call within the configured timeout, and turns gRPC failures into messages naming the
 * endpoint and collection (never the key). Also makes sure the collection exists with the model's
 * vector size and has payload indexes for the filters the writer uses.
 */
public final class QdrantConnection implements AutoCloseable {

    private final QdrantSinkConfig config;
    private final QdrantClient client;

    public QdrantConnection(QdrantSinkConfig config) {
        this.config = config;
        // No client-side version check: it is a health call made in build() without a deadline,
        // so a server that accepts the connection but never answers would hang the constructor
        // (and sync's start-up check); checkReachable() asks with the configured timeout instead.
        QdrantGrpcClient.Builder builder =
                QdrantGrpcClient.newBuilder(config.host(), config.port(), config.tls(), false)
                        .withTimeout(config.timeout());
        String key = config.resolveApiKey();
        if (key != null) {
            builder.withApiKey(key);
        }
        this.client = new QdrantClient(builder.build());
    }

    public QdrantClient client() {
        return client;
    }

    public QdrantSinkConfig config() {
        return config;
    }

    /** Waits for {@code call}; {@code what} says what was being done, for the error. */
    public <T> T await(Future<T> call, String what) throws IOException {
        try {
            return call.get(config.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while " + what, e);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new IOException(
                    "Qdrant at " + config.endpoint() + " did not answer in time while " + what, e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        }
    }

    private IOException failure(String what, Throwable cause) {
        return new IOException(
                "Qdrant collection "
                        + config.collection()
                        + ": "
                        + what
                        + " failed: "
                        + describe(cause),
                cause);
    }

    /**
     * Why a call failed, naming the endpoint: connection refused, timed out, the API key (never the
     * key itself), else the server's own words.
     */
    private String describe(Throwable cause) {
        String at = "Qdrant at " + config.endpoint();
        String detail = cause == null ? "unknown error" : cause.getMessage();
        if (cause instanceof StatusRuntimeException) {
            Status.Code code = ((StatusRuntimeException) cause).getStatus().getCode();
            if (code == Status.Code.UNAVAILABLE) {
                return "cannot reach "
                        + at
                        + ": "
                        + NetworkFailure.of(cause).map(NetworkFailure::description).orElse(detail)
                        + "; check sink.url (Qdrant's gRPC port, 6334 by default)";
            } else if (code == Status.Code.DEADLINE_EXCEEDED) {
                return at
                        + " timed out: no answer within "
                        + seconds(config.timeout())
                        + "; check that Qdrant is up and sink.url is its gRPC port";
            } else if (code == Status.Code.UNAUTHENTICATED
                    || code == Status.Code.PERMISSION_DENIED) {
                return keyRejected(at, code);
            }
        }
        return at + ": " + detail;
    }

    private String keyRejected(String at, Status.Code code) {
        String variable = config.apiKeyEnv();
        return variable == null
                ? at
                        + " answered "
                        + code
                        + ": it needs an API key and none is configured; set sink.api-key-env to"
                        + " the environment variable holding it"
                : at
                        + " rejected the API key from environment variable "
                        + variable
                        + " (sink.api-key-env) with "
                        + code
                        + "; set "
                        + variable
                        + " to a valid key";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /**
     * The points with these ids in the configured collection, with only {@code payloadFields} and
     * no vectors; ids that are not stored are left out. {@code what} names the read, for the error.
     */
    public List<RetrievedPoint> retrieve(List<PointId> ids, List<String> payloadFields, String what)
            throws IOException {
        return await(
                client.retrieveAsync(
                        GetPoints.newBuilder()
                                .setCollectionName(config.collection())
                                .addAllIds(ids)
                                .setWithPayload(WithPayloadSelectorFactory.include(payloadFields))
                                .setWithVectors(WithVectorsSelector.newBuilder().setEnable(false))
                                .build(),
                        config.timeout()),
                what);
    }

    /**
     * The {@code k} points nearest to {@code query}, best first, with their payload and, when
     * asked, their vectors: what {@code pgstream search} and {@code VECTOR_SEARCH} both read.
     *
     * @throws IllegalArgumentException when the query has another length than the collection's
     *     vectors (a query embedded with another model)
     */
    public List<ScoredPoint> nearest(float[] query, int k, boolean withVectors) throws IOException {
        if (query.length != config.dimensions()) {
            throw new IllegalArgumentException(
                    "The query vector has "
                            + query.length
                            + " dimensions but collection "
                            + config.collection()
                            + " stores "
                            + config.dimensions()
                            + ": embed the query with the model that built the index");
        }
        SearchPoints.Builder request =
                SearchPoints.newBuilder()
                        .setCollectionName(config.collection())
                        .setLimit(k)
                        .setWithPayload(WithPayloadSelectorFactory.enable(true))
                        .setWithVectors(WithVectorsSelectorFactory.enable(withVectors));
        for (float f : query) {
            request.addVector(f);
        }
        return await(client().searchAsync(request.build(), config.timeout()), "searching");
    }

    /**
     * Asks whether the collection exists, to learn before a job starts that Qdrant answers and
     * accepts the key; blocks for at most the configured timeout (plus a grace period).
     *
     * @throws IOException naming the endpoint and why: connection refused, timed out, TLS, the key
     */
    public void checkReachable() throws IOException {
        try {
            client.collectionExistsAsync(config.collection())
                    .get(config.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while checking Qdrant at " + config.endpoint(), e);
        } catch (TimeoutException e) {
            throw new IOException(
                    "Qdrant at "
                            + config.endpoint()
                            + " timed out: no answer within "
                            + seconds(config.timeout()),
                    e);
        } catch (ExecutionException e) {
            throw new IOException(describe(e.getCause()), e.getCause());
        }
    }

    /**
     * Creates the collection when missing (size and distance from the config) with keyword or
     * integer indexes on the payload fields the writer filters by; refuses an existing collection
     * whose vector size differs, naming both sizes.
     */
    public void ensureCollection() throws IOException {
        String name = config.collection();
        boolean exists = await(client.collectionExistsAsync(name), "checking the collection");
        if (exists) {
            CollectionInfo info =
                    await(client.getCollectionInfoAsync(name), "reading the collection");
            VectorsConfig vectors = info.getConfig().getParams().getVectorsConfig();
            if (!vectors.hasParams()) {
                throw new IOException(
                        "Qdrant collection "
                                + name
                                + " uses named vectors; pgstream writes one unnamed vector: use"
                                + " another collection");
            }
            long size = vectors.getParams().getSize();
            if (size != config.dimensions()) {
                throw new IOException(
                        "Qdrant collection "
                                + name
                                + " stores vectors of "
                                + size
                                + " dimensions but the embedding model produces "
                                + config.dimensions()
                                + ": use another collection, or delete this one to rebuild it");
            }
            return;
        }
        try {
            await(
                    client.createCollectionAsync(
                            CreateCollection.newBuilder()
                                    .setCollectionName(name)
                                    .setVectorsConfig(
                                            VectorsConfig.newBuilder()
                                                    .setParams(
                                                            VectorParams.newBuilder()
                                                                    .setSize(config.dimensions())
                                                                    .setDistance(
                                                                            config.distance()
                                                                                    .proto())))
                                    .build()),
                    "creating the collection");
        } catch (IOException e) {
            // Another subtask may have created it a moment ago.
            if (!await(client.collectionExistsAsync(name), "checking the collection")) {
                throw e;
            }
        }
        index(QdrantPayloads.SOURCE_TABLE, PayloadSchemaType.Keyword);
        index(QdrantPayloads.ID, PayloadSchemaType.Keyword);
        index(QdrantPayloads.CHUNK, PayloadSchemaType.Integer);
        index(QdrantPayloads.LSN, PayloadSchemaType.Integer);
    }

    private void index(String field, PayloadSchemaType type) throws IOException {
        await(
                client.createPayloadIndexAsync(
                        config.collection(), field, type, null, true, null, config.timeout()),
                "indexing payload field " + field);
    }

    @Override
    public void close() {
        client.close();
    }
}
