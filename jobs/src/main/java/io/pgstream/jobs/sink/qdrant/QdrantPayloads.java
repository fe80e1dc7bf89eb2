package io.pgstream.jobs.sink.qdrant;

import static io.qdrant.client.ValueFactory.list;
import static io.qdrant.client.ValueFactory.nullValue;
import static io.qdrant.client.ValueFactory.value;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgstream.jobs.sink.VectorWrite;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A point's payload: source info at the top level ({@code source_table, id, chunk, content,
 * content_hash, lsn, updated_at}) and the row's other columns as one object under {@code metadata},
 * so a column can never clash with a source-info key. Converts JSON text to Qdrant values (integers
 * stay integers) and back.
 */
public final class QdrantPayloads {
    public static final String SOURCE_TABLE = "source_table";
    public static final String ID = "id";
    public static final String CHUNK = "chunk";
    public static final String CONTENT = "content";
    public static final String CONTENT_HASH = "content_hash";
    public static final String LSN = "lsn";
    public static final String UPDATED_AT = "updated_at";
    public static final String METADATA = "metadata";

    private static final ObjectMapper JSON = new ObjectMapper();

    private QdrantPayloads() {}

    /** The full payload of one chunk of an UPSERT. */
    static Map<String, Value> chunk(VectorWrite w, VectorWrite.Chunk chunk) {
        Map<String, Value> p = new LinkedHashMap<>();
        p.put(SOURCE_TABLE, value(w.sourceTable()));
        p.put(ID, value(w.id()));
        p.put(CHUNK, value(chunk.index()));
        p.put(CONTENT, value(chunk.content()));
        p.put(CONTENT_HASH, value(w.contentHash()));
        p.put(LSN, value(w.lsn().value()));
        p.put(UPDATED_AT, w.updatedAt() == null ? nullValue() : value(w.updatedAt().toString()));
        p.put(METADATA, value(jsonObject(w.metadataJson())));
        return p;
    }

    /** A JSON object's fields as Qdrant values. */
    static Map<String, Value> jsonObject(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not valid JSON: " + e.getMessage(), e);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("metadata must be a JSON object, got " + json);
        }
        Map<String, Value> fields = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> fields.put(e.getKey(), toValue(e.getValue())));
        return fields;
    }

    private static Value toValue(JsonNode n) {
        if (n.isNull()) {
            return nullValue();
        } else if (n.isBoolean()) {
            return value(n.booleanValue());
        } else if (n.isIntegralNumber() && n.canConvertToLong()) {
            return value(n.longValue());
        } else if (n.isNumber()) {
            return value(n.doubleValue());
        } else if (n.isTextual()) {
            return value(n.textValue());
        } else if (n.isArray()) {
            List<Value> items = new ArrayList<>();
            n.forEach(item -> items.add(toValue(item)));
            return list(items);
        } else if (n.isObject()) {
            Map<String, Value> fields = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            it.forEachRemaining(e -> fields.put(e.getKey(), toValue(e.getValue())));
            return value(fields);
        }
        return value(n.asText());
    }

    /** A Qdrant value as JSON text. */
    public static String toJson(Value v) {
        return toNode(v).toString();
    }

    private static JsonNode toNode(Value v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (v.getKindCase()) {
            case BOOL_VALUE:
                return f.booleanNode(v.getBoolValue());
            case INTEGER_VALUE:
                return f.numberNode(v.getIntegerValue());
            case DOUBLE_VALUE:
                return f.numberNode(v.getDoubleValue());
            case STRING_VALUE:
                return f.textNode(v.getStringValue());
            case LIST_VALUE:
                ArrayNode a = f.arrayNode();
                v.getListValue().getValuesList().forEach(item -> a.add(toNode(item)));
                return a;
            case STRUCT_VALUE:
                ObjectNode o = f.objectNode();
                v.getStructValue().getFieldsMap().forEach((k, item) -> o.set(k, toNode(item)));
                return o;
            default:
                return f.nullNode();
        }
    }
}
