package io.pgstream.jobs.table;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * The shape every vector table must have, checked when a query is planned: a declared primary key
 * (the row identity upserts and deletes address), exactly one {@code ARRAY<FLOAT>} column (the
 * embedding), an optional version column (BIGINT, or STRING holding LSNs), and other columns of
 * types {@link RowJson} can carry. Holds the column positions the writers and searchers need.
 */
public final class VectorTableSchema implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String table;
    private final RowType rowType;
    private final int[] key;
    private final int embedding;
    private final int version;

    private VectorTableSchema(
            String table, RowType rowType, int[] key, int embedding, int version) {
        this.table = table;
        this.rowType = rowType;
        this.key = key;
        this.embedding = embedding;
        this.version = version;
    }

    /**
     * @param table the Flink table's name, for messages
     * @param versionColumn the {@code version-column} option, or null
     * @throws ValidationException naming the table and what to change
     */
    public static VectorTableSchema of(
            String table, ResolvedSchema schema, RowType physical, String versionColumn) {
        List<String> names = physical.getFieldNames();
        List<String> keyColumns =
                schema.getPrimaryKey().map(UniqueConstraint::getColumns).orElse(List.of());
        if (keyColumns.isEmpty()) {
            throw new ValidationException(
                    "Vector table "
                            + table
                            + " needs a PRIMARY KEY (...) NOT ENFORCED: the key that upserts and"
                            + " deletes address rows by");
        }
        int[] key = keyColumns.stream().mapToInt(names::indexOf).toArray();
        List<String> embeddings = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            LogicalType t = physical.getTypeAt(i);
            if (isFloatArray(t)) {
                embeddings.add(names.get(i));
            } else if (!RowJson.supports(t)) {
                throw new ValidationException(
                        "Vector table "
                                + table
                                + ": column "
                                + names.get(i)
                                + " has type "
                                + t.asSummaryString()
                                + ", which a vector store cannot hold; use STRING, BOOLEAN, an"
                                + " integer, FLOAT, DOUBLE, DECIMAL, DATE, TIMESTAMP,"
                                + " TIMESTAMP_LTZ or BYTES");
            }
        }
        if (embeddings.size() != 1) {
            throw new ValidationException(
                    "Vector table "
                            + table
                            + " needs exactly one ARRAY<FLOAT> column (the embedding), found "
                            + (embeddings.isEmpty() ? "none" : String.join(", ", embeddings)));
        }
        int embedding = names.indexOf(embeddings.get(0));
        if (keyColumns.contains(embeddings.get(0))) {
            throw new ValidationException(
                    "Vector table "
                            + table
                            + ": the embedding column cannot be in the primary key");
        }
        int version = -1;
        if (versionColumn != null) {
            version = names.indexOf(versionColumn);
            if (version < 0
                    || physical.getTypeAt(version).getTypeRoot() != LogicalTypeRoot.BIGINT
                            && !isText(physical.getTypeAt(version))) {
                throw new ValidationException(
                        "Vector table "
                                + table
                                + ": 'version-column' = '"
                                + versionColumn
                                + "' must name a BIGINT column, or a STRING column of LSNs (X/Y,"
                                + " like the pgstream source's lsn metadata); columns: "
                                + String.join(", ", names));
            }
        }
        return new VectorTableSchema(table, physical, key, embedding, version);
    }

    private static boolean isText(LogicalType t) {
        return t.getTypeRoot() == LogicalTypeRoot.VARCHAR
                || t.getTypeRoot() == LogicalTypeRoot.CHAR;
    }

    private static boolean isFloatArray(LogicalType t) {
        return t instanceof ArrayType a
                && a.getElementType().getTypeRoot() == LogicalTypeRoot.FLOAT;
    }

    /** The Flink table's name. */
    public String table() {
        return table;
    }

    public RowType rowType() {
        return rowType;
    }

    public List<String> names() {
        return rowType.getFieldNames();
    }

    /** Positions of the primary-key columns, in key order. */
    public int[] key() {
        return key.clone();
    }

    public int embedding() {
        return embedding;
    }

    public String embeddingName() {
        return names().get(embedding);
    }

    /** Position of the version column, or -1. */
    public int version() {
        return version;
    }

    public String versionName() {
        return version < 0 ? null : names().get(version);
    }

    /** Whether the version column holds LSN text ({@code X/Y}) rather than a BIGINT. */
    public boolean versionIsLsnText() {
        return version >= 0 && isText(rowType.getTypeAt(version));
    }
}
