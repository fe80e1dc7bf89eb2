package io.pgstream.bench.freshness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible {@code POST /v1/embeddings} that answers every request after a fixed
 * latency, whatever its size: the stand-in for a remote embedding service whose cost per call is
 * the network round trip. Vectors are a deterministic function of the text.
 */
final class FixedLatencyEmbeddingServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final long latencyMillis;
    private final int dimensions;

    FixedLatencyEmbeddingServer(long latencyMillis, int dimensions) throws IOException {
        this.latencyMillis = latencyMillis;
        this.dimensions = dimensions;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/v1/embeddings", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            JsonNode input = request.get("input");
            ObjectNode response = JSON.createObjectNode();
            ArrayNode data = response.putArray("data");
            int tokens = 0;
            for (int i = 0; i < input.size(); i++) {
                String text = input.get(i).asText();
                tokens += Math.max(1, text.length() / 4);
                ObjectNode item = data.addObject();
                item.put("object", "embedding");
                item.put("index", i);
                ArrayNode vector = item.putArray("embedding");
                int h = text.hashCode();
                for (int d = 0; d < dimensions; d++) {
                    h = h * 31 + d;
                    vector.add((h & 0xffff) / 65536.0f);
                }
            }
            response.put("model", request.path("model").asText("bench"));
            response.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
            Thread.sleep(latencyMillis);
            byte[] body = JSON.writeValueAsBytes(response);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
