package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible client against a real HTTP server on a local port that answers from a
 * script: retries on 429 (waiting what Retry-After asks), 500 and a hanging request; no retry on
 * 400; the limit on concurrent requests; the request's shape and key; response validation.
 */
class OpenAiEmbeddingModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-test-0123456789";

    /** One scripted answer; {@code hang} holds the request until the test ends. */
    private record Answer(int status, String retryAfter, boolean hang, String body) {}

    private record Request(long nanos, String authorization, JsonNode body) {}

    private HttpServer server;
    private ExecutorService serverThreads;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch endOfTest = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile long holdMillis;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/v1/embeddings", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        endOfTest.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        serverThreads.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            requests.add(
                    new Request(
                            System.nanoTime(),
                            exchange.getRequestHeaders().getFirst("Authorization"),
                            body));
            Answer answer = script.poll();
            if (answer == null) {
                answer = new Answer(200, null, false, vectors(body.path("input").size(), 3));
            }
            if (answer.hang()) {
                endOfTest.await(60, TimeUnit.SECONDS);
                return;
            }
            if (holdMillis > 0) {
                Thread.sleep(holdMillis); // the server's latency, so that requests overlap
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    /** A response with {@code n} vectors of {@code dims} values, listed in reverse index order. */
    private static String vectors(int n, int dims) {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = n - 1; i >= 0; i--) {
            sb.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[");
            for (int d = 0; d < dims; d++) {
                sb.append(d == 0 ? "" : ",").append(i + d / 10.0);
            }
            sb.append("]}").append(i == 0 ? "" : ",");
        }
        return sb.append("],\"model\":\"m\"}").toString();
    }

    private OpenAiConfig.Builder config() {
        return OpenAiConfig.builder(
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                        "test-model",
                        3)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .requestTimeout(Duration.ofSeconds(10))
                .maxAttempts(4);
    }

    @Test
    void sendsModelInputsAndBearerKeyAndOrdersVectorsByIndex() throws Exception {
        var model = OpenAiEmbeddingModel.withApiKey(config().sendDimensions(true).build(), KEY);

        List<float[]> vectors = model.embed(List.of("first", "second"));

        assertThat(vectors).hasSize(2);
        assertThat(vectors.get(0)).containsExactly(0f, 0.1f, 0.2f);
        assertThat(vectors.get(1)).containsExactly(1f, 1.1f, 1.2f);
        Request request = requests.get(0);
        assertThat(request.authorization()).isEqualTo("Bearer " + KEY);
        assertThat(request.body().path("model").asText()).isEqualTo("test-model");
        assertThat(request.body().path("input").toString()).isEqualTo("[\"first\",\"second\"]");
        assertThat(request.body().path("dimensions").asInt()).isEqualTo(3);
        assertThat(model.dimensions()).isEqualTo(3);
    }

    @Test
    void withoutAKeySendsNoAuthorization() throws Exception {
        OpenAiEmbeddingModel.withApiKey(config().build(), null).embed(List.of("x"));
        assertThat(requests.get(0).authorization()).isNull();
        assertThat(requests.get(0).body().has("dimensions")).isFalse();
    }

    @Test
    void waitsAtLeastRetryAfterOn429ThenSucceeds() throws Exception {
        script.add(new Answer(429, "1", false, "{\"error\":\"slow down\"}"));

        List<float[]> vectors =
                OpenAiEmbeddingModel.withApiKey(config().build(), KEY).embed(List.of("x"));

        assertThat(vectors).hasSize(1);
        assertThat(requests).hasSize(2);
        long gap = requests.get(1).nanos() - requests.get(0).nanos();
        assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retries500ThenSucceeds() throws Exception {
        script.add(new Answer(500, null, false, "oops"));
        script.add(new Answer(503, null, false, "busy"));

        assertThat(OpenAiEmbeddingModel.withApiKey(config().build(), KEY).embed(List.of("x")))
                .hasSize(1);
        assertThat(requests).hasSize(3);
    }

    @Test
    void persistent500FailsAfterMaxAttemptsAsTransient() {
        for (int i = 0; i < 5; i++) {
            script.add(new Answer(500, null, false, "down"));
        }
        var model = OpenAiEmbeddingModel.withApiKey(config().maxAttempts(3).build(), KEY);

        assertThatThrownBy(() -> model.embed(List.of("x")))
                .isInstanceOf(EmbeddingException.class)
                .isNotInstanceOf(PermanentEmbeddingException.class)
                .hasMessageContaining("failed 3 times")
                .hasMessageContaining("HTTP 500: down");
        assertThat(requests).hasSize(3);
    }

    @Test
    void hangingRequestTimesOutAndIsRetried() throws Exception {
        script.add(new Answer(0, null, true, ""));
        var model =
                OpenAiEmbeddingModel.withApiKey(
                        config().requestTimeout(Duration.ofMillis(500)).build(), KEY);

        assertThat(model.embed(List.of("x", "y"))).hasSize(2);
        assertThat(requests).hasSize(2);
    }

    @Test
    void badRequestIsPermanentWithoutRetriesAndHidesTheKey() {
        script.add(new Answer(400, null, false, "{\"error\":\"bad key " + KEY + " or input\"}"));
        var model = OpenAiEmbeddingModel.withApiKey(config().build(), KEY);

        assertThatThrownBy(() -> model.embed(List.of("x")))
                .isInstanceOf(PermanentEmbeddingException.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageNotContaining(KEY);
        assertThat(requests).hasSize(1);
    }

    @Test
    void limitsConcurrentRequests() throws Exception {
        holdMillis = 100;
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
        assertThat(requests).hasSize(6);
        assertThat(maxInFlight.get()).isEqualTo(2);
    }

    @Test
    void responsesWithWrongShapeAreClearErrors() {
        var model = OpenAiEmbeddingModel.withApiKey(config().build(), KEY);
        script.add(new Answer(200, null, false, vectors(1, 5)));
        assertThatThrownBy(() -> model.embed(List.of("x")))
                .hasMessageContaining("vector of 5 dimensions")
                .hasMessageContaining("configured: 3");
        script.add(new Answer(200, null, false, vectors(1, 3)));
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
    void retryAfterAcceptsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(RetryBackoff.parseRetryAfter(Optional.of("7"), now))
                .contains(Duration.ofSeconds(7));
        assertThat(RetryBackoff.parseRetryAfter(Optional.of("Thu, 01 Jan 2026 00:00:30 GMT"), now))
                .contains(Duration.ofSeconds(30));
        assertThat(RetryBackoff.parseRetryAfter(Optional.of("soon"), now)).isEmpty();
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        for (int retry = 0; retry < 10; retry++) {
            assertThat(backoff.delay(retry, Optional.empty()))
                    .isLessThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(backoff.delay(retry, Optional.of(Duration.ofSeconds(5))))
                    .isEqualTo(Duration.ofSeconds(5));
        }
    }
}
