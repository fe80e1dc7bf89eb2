package io.pgstream.jobs.document;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.event.RowValues;
import io.pgstream.connector.format.ChangeEventJson;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns source change events into {@link DocumentChange}s: which row (its key as text), which text
 * to embed (the {@link TextTemplate}), which metadata to store, and which version.
 *
 * <p>Rules: an insert, update or snapshot read is an upsert; an update that changes the key is a
 * delete of the old key followed by an upsert of the new one; a delete is a delete of the key the
 * replica identity sends; a truncate is a truncate of the table. Metadata holds every column that
 * is not part of the text, as JSON with the same value encoding as {@code pgstream tail}. Rows
 * carry the columns of the table's latest Relation message, so a column added or dropped mid-stream
 * appears in (or leaves) the metadata of rows written after it; a column of the text that the row
 * no longer has (dropped or renamed) makes the upsert {@link DocumentChange#unrenderable}, a dead
 * letter, never an embedding of a text with a hole in it (see {@code docs/operations.md}).
 *
 * <p>An update that leaves a long value untouched sends it as "unchanged TOAST", without the value.
 * When that column is part of the text the text must still be the row's whole new text: under
 * {@code REPLICA IDENTITY FULL} the old row carries the value and is used here; otherwise {@link
 * #missingTextColumns} names what {@link DocumentMapping} reads back from the table first ({@link
 * CurrentRowReader}). Only when the value is unknown even then (the row was deleted since; its
 * delete follows) does the upsert carry no text and refresh metadata alone. Unchanged metadata
 * columns are left out of the metadata and named as kept ({@link DocumentChange#keptMetadata}): the
 * writer keeps their stored values and drops every other stored key the metadata lacks, so a
 * dropped column leaves the metadata with the next write of the row.
 */
public final class DocumentMapper implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, List<String>> keyColumns;
    private final TextTemplate template;

    /**
     * @param keyColumns per source table ({@code schema.table}), its key columns in key order
     *     (primary key, or replica identity index), as resolved from the catalog when the job is
     *     built
     */
    public DocumentMapper(Map<String, List<String>> keyColumns, TextTemplate template) {
        this.keyColumns = Map.copyOf(keyColumns);
        this.template = Objects.requireNonNull(template, "template");
    }

    /** Maps one event; emits nothing for tables the job does not index. */
    public void map(ChangeEvent event, Consumer<DocumentChange> out) {
        String table = event.schema() + "." + event.table();
        List<String> key = keyColumns.get(table);
        if (key == null) {
            return;
        }
        Lsn version = event.commitLsn() == null ? Lsn.INVALID : event.commitLsn();
        Operation op = event.operation();
        switch (op) {
            case TRUNCATE:
                out.accept(DocumentChange.truncate(table, version, event.commitTime()));
                return;
            case DELETE:
                out.accept(
                        DocumentChange.delete(
                                table,
                                id(key, event.oldRow(), table),
                                version,
                                event.commitTime()));
                return;
            default:
                Map<String, Object> row = event.row();
                String id = id(key, row, table);
                if (event.oldRow() != null && hasAll(event.oldRow(), key)) {
                    String oldId = id(key, event.oldRow(), table);
                    if (!oldId.equals(id)) {
                        out.accept(
                                DocumentChange.delete(table, oldId, version, event.commitTime()));
                    }
                }
                String absent = absentTextColumn(event);
                if (absent != null) {
                    out.accept(
                            DocumentChange.unrenderable(
                                    table,
                                    id,
                                    absentColumnError(absent, table),
                                    version,
                                    event.commitTime()));
                    return;
                }
                String text = text(event);
                out.accept(
                        DocumentChange.upsert(
                                table,
                                id,
                                text,
                                metadata(row),
                                version,
                                event.commitTime(),
                                keptMetadata(event)));
        }
    }

    /**
     * The text's columns an update left as unchanged TOAST that the old row does not carry either:
     * their current values must be read from the table before {@link #map} can render the text.
     */
    public Set<String> missingTextColumns(ChangeEvent event) {
        if (event.unchangedToastColumns().isEmpty()
                || !keyColumns.containsKey(event.schema() + "." + event.table())
                || absentTextColumn(event) != null) {
            return Set.of();
        }
        Set<String> missing = new LinkedHashSet<>();
        for (String column : template.columns()) {
            if (event.unchangedToastColumns().contains(column)
                    && (event.oldRow() == null || !event.oldRow().containsKey(column))) {
                missing.add(column);
            }
        }
        return missing;
    }

    /** The row's text, or null when a column of it is unchanged TOAST and unknown here. */
    private String text(ChangeEvent event) {
        Map<String, Object> row = event.row();
        if (event.unchangedToastColumns().isEmpty()) {
            return template.render(row);
        }
        Map<String, Object> values = null;
        for (String column : template.columns()) {
            if (!event.unchangedToastColumns().contains(column)) {
                continue;
            }
            if (event.oldRow() == null || !event.oldRow().containsKey(column)) {
                return null;
            }
            if (values == null) {
                values = new HashMap<>(row);
            }
            values.put(column, event.oldRow().get(column));
        }
        return template.render(values == null ? row : values);
    }

    /**
     * A column of the text that the row does not have at all (no value, not unchanged TOAST): it
     * was dropped or renamed since the job was built. Null when the text can be rendered.
     */
    private String absentTextColumn(ChangeEvent event) {
        for (String column : template.columns()) {
            if (!event.row().containsKey(column)
                    && !event.unchangedToastColumns().contains(column)) {
                return column;
            }
        }
        return null;
    }

    static String absentColumnError(String column, String table) {
        return "column "
                + column
                + " of embedding.template is no longer in "
                + table
                + " (dropped or renamed): change the template in the job file, restart sync,"
                + " then run pgstream dead-letters replay";
    }

    /** Metadata columns left as unchanged TOAST: the index keeps their stored values. */
    private List<String> keptMetadata(ChangeEvent event) {
        if (event.unchangedToastColumns().isEmpty()) {
            return List.of();
        }
        List<String> kept = new ArrayList<>();
        for (String column : event.unchangedToastColumns()) {
            if (!template.columns().contains(column)) {
                kept.add(column);
            }
        }
        return kept;
    }

    private static boolean hasAll(Map<String, Object> row, List<String> columns) {
        for (String c : columns) {
            if (!row.containsKey(c)) {
                return false;
            }
        }
        return true;
    }

    /** The key as text: one column's text form, or a JSON array of several. */
    static String id(List<String> key, Map<String, Object> row, String table) {
        if (row == null || !hasAll(row, key)) {
            throw new IllegalStateException(
                    "a change of "
                            + table
                            + " does not carry its key columns "
                            + key
                            + "; set REPLICA IDENTITY to the primary key or FULL");
        }
        if (key.size() == 1) {
            return keyText(row.get(key.get(0)));
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < key.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = row.get(key.get(i));
            if (v == null) {
                sb.append("null");
            } else {
                ChangeEventJson.string(sb, keyText(v));
            }
        }
        return sb.append(']').toString();
    }

    private static String keyText(Object value) {
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).toPlainString();
        }
        return RowValues.toString(value);
    }

    private String metadata(Map<String, Object> row) {
        StringBuilder sb = new StringBuilder("{");
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (template.columns().contains(e.getKey())) {
                continue;
            }
            if (!written.isEmpty()) {
                sb.append(',');
            }
            ChangeEventJson.string(sb, e.getKey());
            sb.append(':');
            ChangeEventJson.value(sb, e.getValue());
            written.add(e.getKey());
        }
        return sb.append('}').toString();
    }
}
