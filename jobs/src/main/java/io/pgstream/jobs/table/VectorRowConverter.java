package io.pgstream.jobs.table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.sink.VectorWrite;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Turns an upsert changelog row into the {@link VectorWrite} the vector writers apply: INSERT and
 * UPDATE_AFTER become an UPSERT of one chunk (the embedding), DELETE a DELETE, UPDATE_BEFORE
 * nothing. The row's identity is its key as the job file's sink spells it (one column's text, or a
 * JSON array of the texts of several), so Qdrant point ids are derived the same way; the other
 * columns travel as a JSON object ({@link RowJson}). The version is the version column's value, a
 * BIGINT or LSN text {@code X/Y} (NULL and no version column both read as 0, the oldest), compared
 * as an unsigned LSN by the writers' guards.
 */
final class VectorRowConverter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final VectorTableSchema schema;
    private final String target;
    private final int dimension;
    private final RowData.FieldGetter[] getters;

    /**
     * @param target the stored name rows are grouped under (collection or {@code schema.table})
     * @param dimension the vector size every upsert must have
     */
    VectorRowConverter(VectorTableSchema schema, String target, int dimension) {
        this.schema = schema;
        this.target = target;
        this.dimension = dimension;
        RowType type = schema.rowType();
        this.getters = new RowData.FieldGetter[type.getFieldCount()];
        for (int i = 0; i < getters.length; i++) {
            getters[i] = RowData.createFieldGetter(type.getTypeAt(i), i);
        }
    }

    /** The write for {@code row}, or null for an UPDATE_BEFORE. */
    VectorWrite convert(RowData row) {
        return switch (row.getRowKind()) {
            case UPDATE_BEFORE -> null;
            case DELETE ->
                    new VectorWrite(
                            VectorWrite.Kind.DELETE,
                            target,
                            id(row),
                            List.of(),
                            null,
                            columns(row).toString(),
                            version(row),
                            null);
            case INSERT, UPDATE_AFTER ->
                    VectorWrite.upsert(
                            target,
                            id(row),
                            List.of(new VectorWrite.Chunk(0, "", embedding(row))),
                            "",
                            columns(row).toString(),
                            version(row),
                            null);
        };
    }

    private String id(RowData row) {
        int[] key = schema.key();
        if (key.length == 1) {
            return keyText(row, key[0]);
        }
        var array = JsonNodeFactory.instance.arrayNode(key.length);
        for (int k : key) {
            array.add(keyText(row, k));
        }
        return array.toString();
    }

    private String keyText(RowData row, int field) {
        Object v = getters[field].getFieldOrNull(row);
        if (v == null) {
            throw new IllegalArgumentException(
                    "Vector table "
                            + schema.table()
                            + ": primary-key column "
                            + schema.names().get(field)
                            + " is NULL");
        }
        return RowJson.toJson(v, schema.rowType().getTypeAt(field)).asText();
    }

    private ObjectNode columns(RowData row) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < getters.length; i++) {
            if (i != schema.embedding()) {
                o.set(
                        schema.names().get(i),
                        RowJson.toJson(
                                getters[i].getFieldOrNull(row), schema.rowType().getTypeAt(i)));
            }
        }
        return o;
    }

    private float[] embedding(RowData row) {
        int e = schema.embedding();
        if (row.isNullAt(e)) {
            throw new IllegalArgumentException(
                    "Vector table "
                            + schema.table()
                            + ": embedding column "
                            + schema.embeddingName()
                            + " is NULL in an upsert of key "
                            + id(row));
        }
        float[] v = RowJson.floats(row.getArray(e));
        if (v.length != dimension) {
            throw new IllegalArgumentException(
                    "Vector table "
                            + schema.table()
                            + ": an embedding of key "
                            + id(row)
                            + " has "
                            + v.length
                            + " dimensions but the table stores "
                            + dimension);
        }
        return v;
    }

    private Lsn version(RowData row) {
        int v = schema.version();
        if (v < 0 || row.isNullAt(v)) {
            return Lsn.INVALID;
        }
        if (!schema.versionIsLsnText()) {
            return new Lsn(row.getLong(v));
        }
        try {
            return Lsn.parse(row.getString(v).toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Vector table "
                            + schema.table()
                            + ": version column "
                            + schema.versionName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
