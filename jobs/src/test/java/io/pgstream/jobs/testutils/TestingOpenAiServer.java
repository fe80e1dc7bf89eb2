package io.pgstream.jobs.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible embeddings endpoint on a real local port ({@code POST {baseUrl}/embeddings},
 * {@code {"model":…,"input":[…]}} in, {@code {"data":[{"index":i,"embedding":[…]}]}} out) for tests
 * of the HTTP client and of jobs that embed through it.
 *
 * <p>Every request is recorded ({@link #requests()}), then answered by the next scripted {@link
 * Answer} if the test queued one ({@link #script}), else by the {@link Responder} ({@link
 * #respondWith}). The default responder is {@link #vectors}: {@link
 * TestingEmbeddingModel#vectorOf(String, int)} of every input, listed in reverse index order so
 * that a client must order by {@code index}, with {@code usage.total_tokens} the sum of {@link
 * #tokensOf} over the inputs. Requests are served on their own threads, so responders must be
 * thread-safe. {@link #close()} releases requests held by {@link Answer#hang()}.
 */
public final class TestingOpenAiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received: when ({@link System#nanoTime()}), its Authorization, its body. */
    public record Request(long nanos, String authorization, JsonNode body) {

        /** The texts to embed, in request order. */
        public List<String> inputs() {
            List<String> texts = new ArrayList<>();
            body.path("input").forEach(t -> texts.add(t.asText()));
            return texts;
        }

        /** Whether any input contains {@code marker}. */
        public boolean mentions(String marker) {
            return inputs().stream().anyMatch(t -> t.contains(marker));
        }
    }

    /** A response: status, optional Retry-After header and body; or no response at all. */
    public record Answer(int status, String retryAfter, boolean hangs, String body) {

        public static Answer of(int status, String body) {
            return new Answer(status, null, false, body);
        }

        /** An error in OpenAI's shape: {@code {"error":{"message":…,"type":…}}}. */
        public static Answer error(int status, String type, String message) {
            ObjectNode error = JSON.createObjectNode();
            error.putObject("error")
                    .put("message", message)
                    .put("type", type)
                    .putNull("param")
                    .putNull("code");
            return of(status, error.toString());
        }

        /** Holds the request unanswered until the server closes (a request timeout). */
        public static Answer hang() {
            return new Answer(0, null, true, "");
        }

        public Answer withRetryAfter(String value) {
            return new Answer(status, value, hangs, body);
        }
    }

    /** Decides the answer to a request; called on the server's threads. */
    @FunctionalInterface
    public interface Responder {
        Answer answer(Request request);
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final int dimensions;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Responder responder = this::vectors;
    private volatile long holdMillis;

    private TestingOpenAiServer(int dimensions) throws IOException {
        this.dimensions = dimensions;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/v1/embeddings", this::handle);
        server.start();
    }

    /** Starts a server whose default answers carry vectors of {@code dimensions} values. */
    public static TestingOpenAiServer start(int dimensions) throws IOException {
        return new TestingOpenAiServer(dimensions);
    }

    /** The {@code base-url} to configure: {@code http://127.0.0.1:port/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Queues an answer for the next request that finds the queue non-empty. */
    public void script(Answer answer) {
        script.add(answer);
    }

    /** Answers requests without a scripted answer. */
    public void respondWith(Responder r) {
        this.responder = r;
    }

    /** Delays every answer by {@code millis} (the server's latency, so that requests overlap). */
    public void holdMillis(long millis) {
        this.holdMillis = millis;
    }

    /** The default answer: a vector per input, listed in reverse index order. */
    public Answer vectors(Request request) {
        List<float[]> vectors = new ArrayList<>();
        for (String text : request.inputs()) {
            vectors.add(TestingEmbeddingModel.vectorOf(text, dimensions));
        }
        return Answer.of(200, embeddings(vectors, tokensOf(request.inputs())));
    }

    /**
     * This server's token count of a text: one per three characters, rounded up (denser than the
     * clients' first estimate of one per four, so that estimates must be corrected).
     */
    public static long tokensOf(String text) {
        return Math.max(1, (text.length() + 2) / 3);
    }

    /** {@link #tokensOf(String)} summed over {@code texts}. */
    public static long tokensOf(List<String> texts) {
        return texts.stream().mapToLong(TestingOpenAiServer::tokensOf).sum();
    }

    /** A successful response body holding {@code vectors}, reporting no token usage (0). */
    public static String embeddings(List<float[]> vectors) {
        return embeddings(vectors, 0);
    }

    /** A successful response body holding {@code vectors}, listed in reverse index order. */
    public static String embeddings(List<float[]> vectors, long totalTokens) {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = vectors.size() - 1; i >= 0; i--) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode values = item.putArray("embedding");
            for (float v : vectors.get(i)) {
                values.add(v);
            }
        }
        root.put("model", "testing");
        root.putObject("usage").put("prompt_tokens", totalTokens).put("total_tokens", totalTokens);
        return root.toString();
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The most requests that were open at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Request request =
                    new Request(
                            System.nanoTime(),
                            exchange.getRequestHeaders().getFirst("Authorization"),
                            JSON.readTree(exchange.getRequestBody()));
            requests.add(request);
            Answer answer = script.poll();
            if (answer == null) {
                answer = responder.answer(request);
            }
            if (answer.hangs()) {
                closed.await(60, TimeUnit.SECONDS);
                return;
            }
            if (holdMillis > 0) {
                Thread.sleep(holdMillis);
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
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

    @Override
    public void close() throws InterruptedException {
        closed.countDown();
        server.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
