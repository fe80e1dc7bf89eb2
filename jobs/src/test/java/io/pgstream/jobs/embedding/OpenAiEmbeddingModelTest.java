package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.jobs.embedding.budget.RequestBudget;
import io.pgstream.jobs.endpoint.NetworkFailure;
import io.pgstream.jobs.testutils.ClosedPort;
import io.pgstream.jobs.testutils.TestingEmbeddingModel;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Answer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Request;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible client against a real HTTP server on a local port that answers from a
 * script: retries on 429 (waiting what Retry-After asks), 500 and a hanging request; no retry on
 * 400; the limit on concurrent requests; the request's shape and key; response validation.
 */
class OpenAiEmbeddingModelTest {

    private static final String KEY = "sk-test-0123456789";

    private TestingOpenAiServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = TestingOpenAiServer.start(3);
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.close();
    }

    private OpenAiConfig.Builder config() {
        return OpenAiConfig.builder(server.baseUrl(), "test-model", 3)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .requestTimeout(Duration.ofSeconds(10))
                .maxAttempts(4);
    }

    @Test
    void sendsModelInputsAndBearerKeyAndOrdersVectorsByIndex() throws Exception {
        var model = OpenAiEmbeddingModel.withApiKey(config().sendDimensions(true).build(), KEY);

        List<float[]> vectors = model.embed(List.of("first", "second"));

        assertThat(vectors).hasSize(2);
        assertThat(vectors.get(0)).containsExactly(TestingEmbeddingModel.vectorOf("first", 3));
        assertThat(vectors.get(1)).containsExactly(TestingEmbeddingModel.vectorOf("second", 3));
        Request request = server.requests().get(0);
        assertThat(request.authorization()).isEqualTo("Bearer " + KEY);
        assertThat(request.body().path("model").asText()).isEqualTo("test-model");
        assertThat(request.body().path("input").toString()).isEqualTo("[\"first\",\"second\"]");
        assertThat(request.body().path("dimensions").asInt()).isEqualTo(3);
        assertThat(model.dimensions()).isEqualTo(3);
    }

    @Test
    void withoutAKeySendsNoAuthorization() throws Exception {
        OpenAiEmbeddingModel.withApiKey(config().build(), null).embed(List.of("x"));
        assertThat(server.requests().get(0).authorization()).isNull();
        assertThat(server.requests().get(0).body().has("dimensions")).isFalse();
    }

    @Test
    void waitsAtLeastRetryAfterOn429ThenSucceeds() throws Exception {
        server.script(Answer.error(429, "rate_limit_exceeded", "slow down").withRetryAfter("1"));

        List<float[]> vectors =
                OpenAiEmbeddingModel.withApiKey(config().build(), KEY).embed(List.of("x"));

        assertThat(vectors).hasSize(1);
        List<Request> requests = server.requests();
        assertThat(requests).hasSize(2);
        long gap = requests.get(1).nanos() - requests.get(0).nanos();
        assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyAttemptTakesAPermitAndReturnsItWithTheReportedTokens() throws Exception {
        server.script(Answer.error(429, "rate_limit_exceeded", "slow down").withRetryAfter("0"));
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        RequestBudget budget =
                texts -> {
                    events.add("acquire " + texts.size());
                    return new RequestBudget.Permit() {
                        @Override
                        public void answered(int status, long totalTokens) {
                            events.add(status + " " + totalTokens);
                        }

                        @Override
                        public void unanswered() {
                            events.add("unanswered");
                        }
                    };
                };
        var model = OpenAiEmbeddingModel.withApiKey(config().build(), KEY, budget);

        model.embed(List.of("alpha", "beta gamma"));

        long tokens = TestingOpenAiServer.tokensOf(List.of("alpha", "beta gamma"));
        assertThat(events).containsExactly("acquire 2", "429 -1", "acquire 2", "200 " + tokens);
    }

    @Test
    void retries500ThenSucceeds() throws Exception {
        server.script(Answer.of(500, "oops"));
        server.script(Answer.of(503, "busy"));

        assertThat(OpenAiEmbeddingModel.withApiKey(config().build(), KEY).embed(List.of("x")))
                .hasSize(1);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void persistent500FailsAfterMaxAttemptsAsTransient() {
        for (int i = 0; i < 5; i++) {
            server.script(Answer.of(500, "down"));
        }
        var model = OpenAiEmbeddingModel.withApiKey(config().maxAttempts(3).build(), KEY);

        assertThatThrownBy(() -> model.embed(List.of("x")))
                .isInstanceOf(EmbeddingException.class)
                .isNotInstanceOf(PermanentEmbeddingException.class)
                .hasMessageContaining("failed 3 times")
                .hasMessageContaining("HTTP 500: down");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void hangingRequestTimesOutAndIsRetried() throws Exception {
        server.script(Answer.hang());
        var model =
                OpenAiEmbeddingModel.withApiKey(
                        config().requestTimeout(Duration.ofMillis(500)).build(), KEY);

        assertThat(model.embed(List.of("x", "y"))).hasSize(2);
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void badRequestIsPermanentWithoutRetriesAndHidesTheKey() {
        server.script(Answer.error(400, "invalid_request_error", "bad key " + KEY + " or input"));
        var model = OpenAiEmbeddingModel.withApiKey(config().build(), KEY);

        assertThatThrownBy(() -> model.embed(List.of("x")))
                .isInstanceOf(PermanentEmbeddingException.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageNotContaining(KEY);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void limitsConcurrentRequests() throws Exception {
        server.holdMillis(100);
        var model = OpenAiEmbeddingModel.withApiKey(config().maxConcurrentRequests(2).build(), KEY);
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<float[]>>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(callers.submit(() -> model.embed(List.of("t"))));
            }
            for (Future<List<float[]>> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS)).hasSize(1);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(server.requests()).hasSize(6);
        assertThat(server.maxInFlight()).isEqualTo(2);
    }

    @Test
    void responsesWithWrongShapeAreClearErrors() {
        var model = OpenAiEmbeddingModel.withApiKey(config().build(), KEY);
        server.script(Answer.of(200, TestingOpenAiServer.embeddings(List.of(new float[5]))));
        assertThatThrownBy(() -> model.embed(List.of("x")))
                .hasMessageContaining("vector of 5 dimensions")
                .hasMessageContaining("configured: 3");
        server.script(Answer.of(200, TestingOpenAiServer.embeddings(List.of(new float[3]))));
        assertThatThrownBy(() -> model.embed(List.of("x", "y")))
                .hasMessageContaining("returned 1 embeddings for 2 inputs");
    }

    @Test
    void missingKeyVariableIsNamed() {
        OpenAiConfig config = config().apiKeyEnv("PGSTREAM_TEST_UNSET_KEY_VARIABLE").build();
        assertThatThrownBy(() -> OpenAiEmbeddingModel.factory(config).create())
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("environment variable PGSTREAM_TEST_UNSET_KEY_VARIABLE")
                .hasMessageContaining("is not set");
    }

    @Test
    void aClosedPortFailsWithTheUrlAndConnectionRefusedAfterItsRetries() throws Exception {
        int closed = ClosedPort.find();
        var model =
                OpenAiEmbeddingModel.withApiKey(
                        OpenAiConfig.builder("http://127.0.0.1:" + closed + "/v1", "m", 3)
                                .backoff(Duration.ofMillis(10), Duration.ofMillis(20))
                                .maxAttempts(2)
                                .build(),
                        KEY);

        assertThatThrownBy(() -> model.embed(List.of("x")))
                .isInstanceOf(EndpointUnavailableException.class)
                .hasMessage(
                        "http://127.0.0.1:"
                                + closed
                                + "/v1/embeddings: connection refused (failed 2 times for a"
                                + " batch of 1 texts)")
                .satisfies(
                        e ->
                                assertThat(((EndpointUnavailableException) e).network())
                                        .map(NetworkFailure::kind)
                                        .contains(NetworkFailure.Kind.REFUSED));
    }

    @Test
    void aHangingEndpointFailsSayingItTimedOut() {
        server.script(Answer.hang());
        var model =
                OpenAiEmbeddingModel.withApiKey(
                        config().requestTimeout(Duration.ofMillis(300)).maxAttempts(1).build(),
                        KEY);

        assertThatThrownBy(() -> model.embed(List.of("x")))
                .isInstanceOf(EndpointUnavailableException.class)
                .hasMessageContaining("/v1/embeddings: timed out: no answer within 300ms");
    }

    @Test
    void aRejectedKeyFailsTheTaskAtOnceWithoutTheKeyAndIsNoDeadLetter() {
        server.script(Answer.error(401, "invalid_api_key", "Incorrect API key " + KEY));
        var model =
                OpenAiEmbeddingModel.withApiKey(config().apiKeyEnv("TEST_KEY_VAR").build(), KEY);

        assertThatThrownBy(() -> model.embed(List.of("x")))
                .isInstanceOf(EndpointUnavailableException.class)
                .isNotInstanceOf(PermanentEmbeddingException.class)
                .hasMessageContaining(
                        "/v1/embeddings rejected the API key from environment variable"
                                + " TEST_KEY_VAR with HTTP 401")
                .hasMessageNotContaining(KEY);
        assertThat(server.requests()).hasSize(1);
    }
}
