package io.pgstream.jobs.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Objects;

/**
 * Which model and text template built a vector index. Every index records it (pgvector in a JSON
 * comment on its table, Qdrant in its collection's metadata), so a job whose job file names another
 * model or template refuses to write into it instead of leaving vectors of two models side by side
 * (equal dimensions do not make vectors of different models comparable).
 *
 * @param model the model's id, as {@code EmbeddingModel#id()} reports it
 * @param dimensions the vector length
 * @param template the text template, or {@code columns: a, b} for {@code embedding.columns}
 */
public record IndexIdentity(String model, int dimensions, String template) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Marks a table comment as pgstream's, so a person's own comment is not taken for one. */
    private static final String MARKER = "pgstream_index";

    public IndexIdentity {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(template, "template");
    }

    /** {@code {"pgstream_index":1,"model":…,"dimensions":…,"template":…}}. */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put(MARKER, 1);
        node.put("model", model);
        node.put("dimensions", dimensions);
        node.put("template", template);
        return node.toString();
    }

    /** The identity a {@link #toJson()} text holds; null for null or any other text. */
    public static IndexIdentity parse(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null
                    || !node.has(MARKER)
                    || !node.path("model").isTextual()
                    || !node.path("template").isTextual()) {
                return null;
            }
            return new IndexIdentity(
                    node.get("model").asText(),
                    node.path("dimensions").asInt(),
                    node.get("template").asText());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * What differs between this identity (of the index) and {@code wanted} (of the job file), as
     * {@code model A, the job file says B}; null when they agree.
     */
    public String differenceFrom(IndexIdentity wanted) {
        if (!model.equals(wanted.model) || dimensions != wanted.dimensions) {
            return "model " + describeModel() + ", the job file says " + wanted.describeModel();
        }
        if (!template.equals(wanted.template)) {
            return "template "
                    + quoted(template)
                    + ", the job file says "
                    + quoted(wanted.template);
        }
        return null;
    }

    private String describeModel() {
        return model + " (" + dimensions + " dimensions)";
    }

    private static String quoted(String text) {
        return JSON.getNodeFactory().textNode(text).toString();
    }
}
