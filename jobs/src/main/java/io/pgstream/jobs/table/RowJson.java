package io.pgstream.jobs.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * Flink's internal values as JSON and back, for the few types a vector store holds. JSON is the
 * common currency: it is the Qdrant payload, and PostgreSQL turns it into typed columns with {@code
 * jsonb_populate_recordset} (and back with {@code to_jsonb}), so one mapping serves both stores.
 * Timestamps travel as ISO-8601 text, bytes as PostgreSQL's {@code \x} hex, vectors as arrays.
 */
final class RowJson implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RowJson() {}

    /** Whether a column of type {@code t} can be stored (the embedding aside). */
    static boolean supports(LogicalType t) {
        return switch (t.getTypeRoot()) {
            case CHAR,
                    VARCHAR,
                    BOOLEAN,
                    TINYINT,
                    SMALLINT,
                    INTEGER,
                    BIGINT,
                    FLOAT,
                    DOUBLE,
                    DECIMAL,
                    DATE,
                    TIMESTAMP_WITHOUT_TIME_ZONE,
                    TIMESTAMP_WITH_LOCAL_TIME_ZONE,
                    BINARY,
                    VARBINARY ->
                    true;
            default -> false;
        };
    }

    /** {@code value} (internal data of type {@code t}, may be null) as JSON. */
    static JsonNode toJson(Object value, LogicalType t) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (t.getTypeRoot()) {
            case CHAR, VARCHAR -> NODES.textNode(value.toString());
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case TINYINT -> NODES.numberNode((Byte) value);
            case SMALLINT -> NODES.numberNode((Short) value);
            case INTEGER -> NODES.numberNode((Integer) value);
            case BIGINT -> NODES.numberNode((Long) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case DECIMAL -> NODES.numberNode(((DecimalData) value).toBigDecimal());
            case DATE -> NODES.textNode(LocalDate.ofEpochDay((Integer) value).toString());
            case TIMESTAMP_WITHOUT_TIME_ZONE ->
                    NODES.textNode(((TimestampData) value).toLocalDateTime().toString());
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
                    NODES.textNode(((TimestampData) value).toInstant().toString());
            case BINARY, VARBINARY ->
                    NODES.textNode("\\x" + HexFormat.of().formatHex((byte[]) value));
            case ARRAY -> vector(floats((ArrayData) value));
            default -> throw new IllegalArgumentException("unsupported type " + t);
        };
    }

    /** {@code node} as internal data of type {@code t}; null for JSON null or a missing value. */
    static Object fromJson(JsonNode node, LogicalType t) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return switch (t.getTypeRoot()) {
            case CHAR, VARCHAR -> StringData.fromString(node.asText());
            case BOOLEAN -> node.asBoolean();
            case TINYINT -> (byte) node.asInt();
            case SMALLINT -> (short) node.asInt();
            case INTEGER -> node.asInt();
            case BIGINT -> node.asLong();
            case FLOAT -> (float) node.asDouble();
            case DOUBLE -> node.asDouble();
            case DECIMAL -> {
                DecimalType d = (DecimalType) t;
                yield DecimalData.fromBigDecimal(
                        new BigDecimal(node.asText()), d.getPrecision(), d.getScale());
            }
            case DATE -> (int) LocalDate.parse(node.asText()).toEpochDay();
            case TIMESTAMP_WITHOUT_TIME_ZONE ->
                    TimestampData.fromLocalDateTime(LocalDateTime.parse(node.asText()));
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
                    TimestampData.fromInstant(instant(node.asText()));
            case BINARY, VARBINARY -> HexFormat.of().parseHex(node.asText().substring(2));
            case ARRAY -> new GenericArrayData(floats(node));
            default -> throw new IllegalArgumentException("unsupported type " + t);
        };
    }

    /** The floats of an {@code ARRAY<FLOAT>} value; a null element is an error. */
    static float[] floats(ArrayData array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            if (array.isNullAt(i)) {
                throw new IllegalArgumentException("an embedding has a NULL element at " + i);
            }
            v[i] = array.getFloat(i);
        }
        return v;
    }

    /** A vector from a JSON array, or from its text (pgvector's {@code to_jsonb} gives text). */
    private static float[] floats(JsonNode node) {
        JsonNode array = node;
        if (node.isTextual()) {
            try {
                array = JSON.readTree(node.textValue());
            } catch (IOException e) {
                throw new IllegalArgumentException("not a vector: " + node.textValue(), e);
            }
        }
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }

    private static ArrayNode vector(float[] v) {
        ArrayNode a = NODES.arrayNode(v.length);
        for (float f : v) {
            a.add(f);
        }
        return a;
    }

    /** pgvector's text form of a vector, {@code [1.0,2.0]}. */
    static String vectorText(float[] v) {
        return vector(v).toString();
    }

    /** JSON text as a tree. */
    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** {@code list} of JSON values as one JSON array's text. */
    static String array(List<? extends JsonNode> list) {
        ArrayNode a = NODES.arrayNode(list.size());
        a.addAll(list);
        return a.toString();
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.parse(text);
        }
    }
}
