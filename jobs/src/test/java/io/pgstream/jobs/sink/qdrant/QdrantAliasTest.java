package io.pgstream.jobs.sink.qdrant;

import static io.pgstream.jobs.testutils.VectorWrites.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.pgstream.jobs.sink.SearchHit;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorSearcher;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import io.pgstream.jobs.testutils.VectorWrites;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.RenameAlias;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.PointId;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link QdrantAlias} through the official client against {@link TestingQdrantServer}, and the
 * server's aliases as Qdrant's: read paths resolve them, one request's actions apply together or
 * not at all, and the real server's errors for a name clash or an unknown name.
 */
class QdrantAliasTest {

    private static final int DIMS = 4;

    private TestingQdrantServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestingQdrantServer.start(null);
    }

    @AfterEach
    void stop() {
        assertThat(server.violations()).isEmpty();
        server.close();
    }

    private QdrantConnection connection(String collection) {
        return new QdrantConnection(QdrantSinkConfig.of(server.url(), collection, DIMS));
    }

    private void write(String collection, String id) throws Exception {
        QdrantSinkConfig config = QdrantSinkConfig.of(server.url(), collection, DIMS);
        try (QdrantConnection q = new QdrantConnection(config)) {
            q.ensureCollection();
        }
        VectorWrites.applyAndClose(
                new QdrantWriter(
                        config,
                        null,
                        null,
                        new UnregisteredMetricsGroup(),
                        SinkRetry.defaults("t")),
                List.of(upsert("public.docs", id, "text " + id, 1, DIMS, 10)));
    }

    private List<String> search(String name) throws Exception {
        try (VectorSearcher s =
                QdrantSearcher.factory(QdrantSinkConfig.of(server.url(), name, DIMS)).open()) {
            return s.search(new float[] {1, 0, 0, 0}, 10).stream().map(SearchHit::id).toList();
        }
    }

    @Test
    void ensureCreatesTheAliasAndReadsThroughItReachTheCollection() throws Exception {
        write("docs_v1", "a");
        try (QdrantConnection q = connection("docs_v1")) {
            new QdrantAlias("docs").ensure(q);
            new QdrantAlias("docs").ensure(q); // an existing alias is left alone

            assertThat(server.aliases()).isEqualTo(Map.of("docs", "docs_v1"));
            assertThat(search("docs")).containsExactly("a");
            assertThat(q.await(q.client().collectionExistsAsync("docs"), "exists")).isTrue();
            assertThat(q.await(q.client().getCollectionInfoAsync("docs"), "info").getPointsCount())
                    .isEqualTo(1);
            PointId id =
                    server.points("docs_v1").keySet().stream()
                            .map(u -> PointId.newBuilder().setUuid(u).build())
                            .findFirst()
                            .orElseThrow();
            try (QdrantConnection viaAlias = connection("docs")) {
                assertThat(viaAlias.retrieve(List.of(id), List.of("id"), "retrieving")).hasSize(1);
            }
            assertThat(q.await(q.client().listCollectionAliasesAsync("docs_v1"), "list"))
                    .containsExactly("docs");
        }
    }

    @Test
    void switchMovesTheAliasInOneRequest() throws Exception {
        write("docs_v1", "a");
        write("docs_v2", "b");
        try (QdrantConnection v1 = connection("docs_v1");
                QdrantConnection v2 = connection("docs_v2")) {
            new QdrantAlias("docs").ensure(v1);
            int before = server.calls().size();

            new QdrantAlias("docs").switchTo(v2);

            assertThat(server.calls().subList(before, server.calls().size()))
                    .containsExactly("updateAliases");
            assertThat(server.aliases()).isEqualTo(Map.of("docs", "docs_v2"));
            assertThat(search("docs")).containsExactly("b");
            assertThat(new QdrantAlias("docs").target(v1)).isEqualTo("docs_v2");
        }
    }

    @Test
    void aRequestWithAFailingActionChangesNothing() throws Exception {
        write("docs_v1", "a");
        try (QdrantConnection q = connection("docs_v1")) {
            Throwable e =
                    failure(
                            q,
                            AliasOperations.newBuilder()
                                    .setCreateAlias(
                                            CreateAlias.newBuilder()
                                                    .setAliasName("docs")
                                                    .setCollectionName("docs_v1"))
                                    .build(),
                            AliasOperations.newBuilder()
                                    .setRenameAlias(
                                            RenameAlias.newBuilder()
                                                    .setOldAliasName("missing")
                                                    .setNewAliasName("other"))
                                    .build());

            assertThat(e).hasMessage("NOT_FOUND: Alias missing does not exists!");
            assertThat(server.aliases()).isEmpty();
        }
    }

    @Test
    void namesClashAsOnQdrant() throws Exception {
        write("docs_v1", "a");
        write("docs_v2", "b");
        try (QdrantConnection q = connection("docs_v1")) {
            assertThat(failure(q, create("docs_v2", "docs_v1")))
                    .hasMessage("ALREADY_EXISTS: Collection `docs_v2` already exists!");
            assertThat(failure(q, create("docs", "nowhere")))
                    .hasMessage("NOT_FOUND: Collection `nowhere` doesn't exist!");
            assertThatThrownBy(() -> new QdrantAlias("docs_v2").ensure(q))
                    .isInstanceOf(IOException.class)
                    .hasMessage(
                            "sink.alias docs_v2 is the name of a Qdrant collection, and an alias"
                                    + " cannot have a collection's name: choose another name for"
                                    + " the alias");

            new QdrantAlias("docs").ensure(q);
            try (QdrantConnection clash = connection("docs")) {
                assertThat(
                                clash.client()
                                        .createCollectionAsync(
                                                "docs",
                                                VectorParams.newBuilder()
                                                        .setSize(DIMS)
                                                        .setDistance(Distance.Cosine)
                                                        .build()))
                        .failsWithin(java.time.Duration.ofSeconds(10))
                        .withThrowableOfType(ExecutionException.class)
                        .havingCause()
                        .withMessage(
                                "INVALID_ARGUMENT: Can't create collection with name docs. Alias"
                                        + " with the same name already exists");
            }
        }
    }

    private static AliasOperations create(String alias, String collection) {
        return AliasOperations.newBuilder()
                .setCreateAlias(
                        CreateAlias.newBuilder().setAliasName(alias).setCollectionName(collection))
                .build();
    }

    private static Throwable failure(QdrantConnection q, AliasOperations... actions) {
        try {
            q.client().updateAliasesAsync(List.of(actions)).get();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the request succeeded");
    }
}
