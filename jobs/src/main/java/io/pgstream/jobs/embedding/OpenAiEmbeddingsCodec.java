package io.pgstream.jobs.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The wire format of an OpenAI-compatible {@code /embeddings} endpoint: builds the request (JSON
 * body, bearer key) and turns a 2xx answer into vectors, failing with a message that names the
 * endpoint and what is wrong (not JSON, wrong count, bad index, wrong vector length). Kept apart
 * from {@link OpenAiEmbeddingModel}, which owns the connection, retries and rate limit. Stateless
 * and thread-safe.
 */
final class OpenAiEmbeddingsCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_IN_MESSAGE = 300;

    /** A response body, parsed once; {@code root} is null when the body is not JSON. */
    record Answer(JsonNode root, String body) {

        /** The {@code usage.total_tokens} the endpoint reports; -1 when it reports none. */
        long totalTokens() {
            return root == null ? -1 : root.path("usage").path("total_tokens").asLong(-1);
        }
    }

    private final OpenAiConfig config;
    private final String apiKey;

    /**
     * @param apiKey sent as a bearer token; null to send none
     */
    OpenAiEmbeddingsCodec(OpenAiConfig config, String apiKey) {
        this.config = config;
        this.apiKey = apiKey;
    }

    /** A POST to the endpoint embedding {@code texts}, with the request timeout and the key. */
    HttpRequest request(List<String> texts) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(config.embeddingsUri())
                        .timeout(config.requestTimeout())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body(texts)));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request.build();
    }

    /** {@code {"model":…,"input":[…],"dimensions":…,"encoding_format":"float"}}. */
    byte[] body(List<String> texts) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", config.model());
        ArrayNode input = root.putArray("input");
        texts.forEach(input::add);
        if (config.sendDimensions()) {
            root.put("dimensions", config.dimensions());
        }
        root.put("encoding_format", "float");
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON request", e);
        }
    }

    /** Parses a response body; never fails (see {@link Answer#root()}). */
    static Answer read(String body) {
        try {
            return new Answer(JSON.readTree(body), body);
        } catch (IOException e) {
            return new Answer(null, body);
        }
    }

    /**
     * The vectors of a 2xx answer, in input order (by each item's {@code index}).
     *
     * @throws EmbeddingException when the answer is not JSON, holds another number of vectors than
     *     {@code expected}, a bad or repeated index, or a vector of another length than configured
     */
    List<float[]> vectors(Answer answer, int expected) throws EmbeddingException {
        JsonNode root = answer.root();
        if (root == null) {
            throw new EmbeddingException(
                    config.embeddingsUri()
                            + " answered with invalid JSON: "
                            + excerpt(answer.body()));
        }
        JsonNode data = root.path("data");
        if (!data.isArray() || data.size() != expected) {
            throw new EmbeddingException(
                    config.embeddingsUri()
                            + " returned "
                            + (data.isArray() ? data.size() + " embeddings" : "no 'data' array")
                            + " for "
                            + expected
                            + " inputs; is it an OpenAI-compatible /embeddings endpoint?");
        }
        float[][] vectors = new float[expected][];
        for (int i = 0; i < expected; i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").asInt(i);
            JsonNode values = item.path("embedding");
            if (index < 0 || index >= expected || vectors[index] != null) {
                throw new EmbeddingException(
                        config.embeddingsUri() + " returned a bad or repeated index " + index);
            }
            if (!values.isArray() || values.size() != config.dimensions()) {
                throw new EmbeddingException(
                        config.embeddingsUri()
                                + " returned a vector of "
                                + (values.isArray() ? values.size() : 0)
                                + " dimensions for model "
                                + config.model()
                                + ", configured: "
                                + config.dimensions()
                                + "; set the dimensions to the model's vector length");
            }
            float[] vector = new float[values.size()];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) values.get(d).asDouble();
            }
            vectors[index] = vector;
        }
        return new ArrayList<>(Arrays.asList(vectors));
    }

    /** A short piece of a response body for messages, with the key masked should it echo it. */
    String excerpt(String body) {
        String text = body == null ? "" : body.strip();
        if (apiKey != null && !apiKey.isEmpty()) {
            text = text.replace(apiKey, "***");
        }
        return text.length() > MAX_BODY_IN_MESSAGE
                ? text.substring(0, MAX_BODY_IN_MESSAGE) + "…"
                : text;
    }
}
