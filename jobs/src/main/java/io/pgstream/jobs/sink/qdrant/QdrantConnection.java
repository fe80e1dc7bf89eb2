package io.pgstream.jobs.sink.qdrant;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import java.io.IOException;
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
        QdrantGrpcClient.Builder builder =
                QdrantGrpcClient.newBuilder(config.host(), config.port(), config.tls())
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
        String detail = cause == null ? "unknown error" : cause.getMessage();
        if (cause instanceof StatusRuntimeException) {
            Status.Code code = ((StatusRuntimeException) cause).getStatus().getCode();
            if (code == Status.Code.UNAVAILABLE) {
                detail = "cannot reach Qdrant at " + config.endpoint() + " (" + detail + ")";
            } else if (code == Status.Code.UNAUTHENTICATED
                    || code == Status.Code.PERMISSION_DENIED) {
                detail = "Qdrant refused the API key (" + detail + "): check api-key-env";
            }
        }
        return new IOException(
                "Qdrant collection "
                        + config.collection()
                        + " at "
                        + config.endpoint()
                        + ": "
                        + what
                        + " failed: "
                        + detail,
                cause);
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
