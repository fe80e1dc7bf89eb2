package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.ClosedPort;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Answer;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedding endpoint or a Qdrant that cannot be used ends {@code pgstream sync} before its job
 * starts and before anything is created on the server: one line naming the URL and the cause
 * (connection refused, timed out, the API key), exit code 2, no stack trace. Each run is awaited
 * within a bound far below what the retries and restarts of a running job would take.
 */
class SyncEndpointChecksITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    /** Far more than a check needs (a few seconds), far less than a job's retries (minutes). */
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(40);

    /** A variable every environment has; its value stands in for an API key. */
    private static final String KEY_VARIABLE = "PATH";

    @TempDir Path dir;

    @BeforeAll
    static void createTable() throws Exception {
        PG.execute("CREATE TABLE ep_docs (id int PRIMARY KEY, title text, body text)");
    }

    /** A job file for {@code public.ep_docs} on its own slot with these embedding and sink keys. */
    private Path jobFile(String slot, String embedding, String sink) throws Exception {
        return CliJobFile.write(
                dir,
                PG,
                "ep_docs",
                slot,
                "  columns: [title, body]\n  " + embedding,
                "  " + sink,
                dir.resolve("checkpoints-" + slot).toString());
    }

    private static String openAi(String baseUrl, String extra) {
        return String.join(
                "\n  ",
                "model: openai",
                "base-url: " + baseUrl,
                "model-name: test-model",
                "dimensions: 3",
                extra);
    }

    private static String pgvector(String slot) {
        return "type: pgvector\n  table: public." + slot + "_vectors";
    }

    /** Runs sync and waits for it to end on its own, within {@link #ENDS_WITHIN}. */
    private static CliRun syncEnds(Path config) {
        CompletableFuture<CliRun> run =
                CompletableFuture.supplyAsync(
                        () -> CliRun.of("sync", "--config", config.toString(), "--no-progress"));
        await().atMost(ENDS_WITHIN).until(run::isDone);
        return run.join();
    }

    private static void assertOneLineError(CliRun r, int exitCode, String message) {
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err().strip()).isEqualTo("pgstream: error: " + message);
        assertThat(r.exitCode()).isEqualTo(exitCode);
    }

    private static void assertNoSlot(String slot) throws Exception {
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                                        + slot
                                        + "'"))
                .as("checked before anything is set up on the server")
                .isEqualTo(0L);
    }

    @Test
    void anEmbeddingEndpointOnAClosedPortIsConnectionRefused() throws Exception {
        String url = "http://127.0.0.1:" + ClosedPort.find() + "/v1";

        CliRun r = syncEnds(jobFile("ep_refused", openAi(url, ""), pgvector("ep_refused")));

        assertOneLineError(
                r,
                2,
                "cannot reach the embedding endpoint "
                        + url
                        + "/embeddings: connection refused; check embedding.base-url and that"
                        + " the server is running");
        assertNoSlot("ep_refused");
    }

    @Test
    void anEmbeddingEndpointThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            // Connections complete in the backlog; nothing ever reads or answers them.
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/v1";

            CliRun r =
                    syncEnds(
                            jobFile(
                                    "ep_silent",
                                    openAi(url, "request-timeout: 1s"),
                                    pgvector("ep_silent")));

            assertOneLineError(
                    r,
                    2,
                    "the embedding endpoint "
                            + url
                            + "/embeddings timed out: no answer within 1s; check that it is up,"
                            + " or raise embedding.request-timeout");
        }
    }

    @Test
    void aRejectedKeyNamesItsVariableNeverTheKey() throws Exception {
        try (TestingOpenAiServer server = TestingOpenAiServer.start(3)) {
            server.script(Answer.error(401, "invalid_api_key", "Incorrect API key provided"));

            CliRun r =
                    syncEnds(
                            jobFile(
                                    "ep_key",
                                    openAi(server.baseUrl(), "api-key-env: " + KEY_VARIABLE),
                                    pgvector("ep_key")));

            assertOneLineError(
                    r,
                    2,
                    "the embedding endpoint "
                            + server.baseUrl()
                            + "/embeddings rejected the API key from environment variable "
                            + KEY_VARIABLE
                            + " (embedding.api-key-env) with HTTP 401; set "
                            + KEY_VARIABLE
                            + " to a valid key");
            assertThat(r.err()).doesNotContain(System.getenv(KEY_VARIABLE));
            assertThat(server.requests().get(0).authorization())
                    .isEqualTo("Bearer " + System.getenv(KEY_VARIABLE));
        }
    }

    @Test
    void anEndpointReturningOtherDimensionsNamesTheKeyToFix() throws Exception {
        try (TestingOpenAiServer server = TestingOpenAiServer.start(5)) {
            CliRun r =
                    syncEnds(jobFile("ep_dims", openAi(server.baseUrl(), ""), pgvector("ep_dims")));

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.err())
                    .contains(
                            "returned a vector of 5 dimensions for model test-model, configured: 3");
            assertNoSlot("ep_dims");
        }
    }

    @Test
    void aQdrantOnAClosedPortIsConnectionRefused() throws Exception {
        String url = "http://127.0.0.1:" + ClosedPort.find();

        CliRun r =
                syncEnds(
                        jobFile(
                                "ep_qdrant",
                                "",
                                "type: qdrant\n  url: " + url + "\n  collection: ep_docs"));

        assertOneLineError(
                r,
                2,
                "cannot reach Qdrant at "
                        + url
                        + ": connection refused; check sink.url (Qdrant's gRPC port, 6334 by"
                        + " default)");
        assertNoSlot("ep_qdrant");
    }

    @Test
    void aQdrantThatRejectsTheKeyNamesItsVariable() throws Exception {
        try (TestingQdrantServer qdrant = TestingQdrantServer.start("the-right-key")) {
            CliRun r =
                    syncEnds(
                            jobFile(
                                    "ep_qdrant_key",
                                    "",
                                    "type: qdrant\n  url: "
                                            + qdrant.url()
                                            + "\n  collection: ep_docs\n  api-key-env: "
                                            + KEY_VARIABLE));

            assertOneLineError(
                    r,
                    2,
                    "Qdrant at "
                            + qdrant.url()
                            + " rejected the API key from environment variable "
                            + KEY_VARIABLE
                            + " (sink.api-key-env) with UNAUTHENTICATED; set "
                            + KEY_VARIABLE
                            + " to a valid key");
            assertNoSlot("ep_qdrant_key");
        }
    }

    @Test
    void aQdrantThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort();

            CliRun r =
                    syncEnds(
                            jobFile(
                                    "ep_qdrant_silent",
                                    "",
                                    "type: qdrant\n  url: " + url + "\n  collection: ep_docs"));

            assertOneLineError(
                    r,
                    2,
                    "Qdrant at "
                            + url
                            + " timed out: no answer within 5s; check that Qdrant is up and"
                            + " sink.url is its gRPC port");
        }
    }
}
