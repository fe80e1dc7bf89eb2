package io.pgstream.connector.table;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.RowValues;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.table.PostgresConnectorOptions.ChangelogModeOption;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.utils.LogicalTypeUtils;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link ChangeEvent}s of one table into {@link RowData} rows of the declared (projected)
 * columns followed by the requested metadata columns, with the row kinds of the table's changelog
 * mode.
 *
 * <ul>
 *   <li>{@code read} (snapshot) and {@code insert}: {@code +I}.
 *   <li>{@code update}, mode {@code all}: {@code -U} with the old row, {@code +U} with the new one;
 *       when the update changed the declared key, {@code -D} of the old row and {@code +I} of the
 *       new one, since an upsert sink drops {@code -U} and would keep the old key's row. Mode
 *       {@code upsert}: {@code +U}; when the update changed the key, a {@code -D} of the old key
 *       first.
 *   <li>{@code delete}: {@code -D}; in mode {@code upsert} without REPLICA IDENTITY FULL only the
 *       key columns are set (the changelog mode declares key-only deletes).
 *   <li>{@code truncate}: skipped with a warning. A changelog of rows cannot express it without the
 *       rows; the README says so.
 * </ul>
 *
 * <p>An unchanged TOASTed column is not sent by PostgreSQL: its value is taken from the old row
 * (present in full under REPLICA IDENTITY FULL). The planner refuses the table when neither can
 * provide it, so a missing value here means the table changed after planning and fails the job
 * rather than emitting a fake NULL.
 *
 * <p>The declared schema is kept while the query runs, whatever {@code ALTER TABLE} does: rows
 * carry the columns of the table's latest Relation message, so an added column is ignored, a
 * declared column the rows no longer have (dropped or renamed) fails the job naming it, and a value
 * whose new type no longer converts to the declared one fails it naming the column and both types.
 * Both failures suppress restarts: a restart would meet the same change again (see {@code
 * docs/sql.md}).
 */
final class RowDataDeserializationSchema implements ChangeEventDeserializationSchema<RowData> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RowDataDeserializationSchema.class);

    private final TableId table;
    private final String[] columns;
    private final ValueConverter[] converters;
    private final String[] planned;
    private final Class<?>[] internalClasses;
    private final MetadataColumn[] metadata;
    private final ChangelogModeOption mode;
    private final String[] keyColumns;
    private final TypeInformation<RowData> producedType;

    RowDataDeserializationSchema(
            TableId table,
            List<String> columns,
            List<ValueConverter> converters,
            List<String> planned,
            List<LogicalType> declared,
            List<MetadataColumn> metadata,
            ChangelogModeOption mode,
            List<String> keyColumns,
            TypeInformation<RowData> producedType) {
        this.table = table;
        this.columns = columns.toArray(String[]::new);
        this.converters = converters.toArray(ValueConverter[]::new);
        this.planned = planned.toArray(String[]::new);
        this.internalClasses =
                declared.stream()
                        .map(LogicalTypeUtils::toInternalConversionClass)
                        .toArray(Class<?>[]::new);
        this.metadata = metadata.toArray(MetadataColumn[]::new);
        this.mode = mode;
        this.keyColumns = keyColumns.toArray(String[]::new);
        this.producedType = producedType;
    }

    @Override
    public void deserialize(ChangeEvent e, Collector<RowData> out) {
        if (!e.schema().equals(table.schema()) || !e.table().equals(table.table())) {
            return; // another table of a shared publication
        }
        switch (e.operation()) {
            case READ:
            case INSERT:
                out.collect(row(RowKind.INSERT, e.row(), null, e));
                break;
            case UPDATE:
                if (mode == ChangelogModeOption.ALL) {
                    if (e.oldRow() == null) {
                        throw new IllegalStateException(
                                "An UPDATE of "
                                        + table
                                        + " came without the old row, which changelog-mode 'all'"
                                        + " needs: run ALTER TABLE "
                                        + table.quoted()
                                        + " REPLICA IDENTITY FULL");
                    }
                    if (keyChanged(e.oldRow(), e.row())) {
                        out.collect(row(RowKind.DELETE, e.oldRow(), null, e));
                        out.collect(row(RowKind.INSERT, e.row(), e.oldRow(), e));
                        break;
                    }
                    out.collect(row(RowKind.UPDATE_BEFORE, e.oldRow(), null, e));
                } else if (e.oldRow() != null && keyChanged(e.oldRow(), e.row())) {
                    out.collect(row(RowKind.DELETE, e.oldRow(), null, e));
                }
                out.collect(row(RowKind.UPDATE_AFTER, e.row(), e.oldRow(), e));
                break;
            case DELETE:
                out.collect(row(RowKind.DELETE, e.oldRow(), null, e));
                break;
            case TRUNCATE:
                LOG.warn(
                        "TRUNCATE of {} at {} skipped: a row changelog cannot express it; the"
                                + " downstream result still holds the truncated rows",
                        table,
                        e.commitLsn());
                break;
            default:
                throw new IllegalStateException("Unknown operation " + e.operation());
        }
    }

    private boolean keyChanged(Map<String, Object> oldRow, Map<String, Object> newRow) {
        for (String k : keyColumns) {
            if (oldRow.containsKey(k)
                    && newRow.containsKey(k)
                    && !RowValues.valuesEqual(oldRow.get(k), newRow.get(k))) {
                return true;
            }
        }
        return false;
    }

    /**
     * One row of {@code values}; a column missing from them (an unchanged TOAST value) is taken
     * from {@code fallback}, the old row.
     */
    private GenericRowData row(
            RowKind kind, Map<String, Object> values, Map<String, Object> fallback, ChangeEvent e) {
        if (values == null) {
            throw new IllegalStateException(
                    "A " + e.operation().code() + " of " + table + " came without its row");
        }
        GenericRowData row = new GenericRowData(kind, columns.length + metadata.length);
        for (int i = 0; i < columns.length; i++) {
            String name = columns[i];
            Object v;
            if (values.containsKey(name)) {
                v = values.get(name);
            } else if (fallback != null && fallback.containsKey(name)) {
                v = fallback.get(name);
            } else if (e.unchangedToastColumns().contains(name)) {
                throw new IllegalStateException(
                        "Column '"
                                + name
                                + "' of "
                                + table
                                + " was not sent (an unchanged TOAST value) and no old value is"
                                + " available; run ALTER TABLE "
                                + table.quoted()
                                + " REPLICA IDENTITY FULL");
            } else if (kind == RowKind.DELETE && keyOnly(values)) {
                v = null; // a non-key column of a key-only delete
            } else {
                throw new SuppressRestartsException(
                        new IllegalStateException(
                                "Column '"
                                        + name
                                        + "' of the query's table is no longer in "
                                        + table
                                        + " (dropped or renamed; change at LSN "
                                        + e.lsn()
                                        + "): change the CREATE TABLE to the table's columns and"
                                        + " restart the query"));
            }
            row.setField(i, v == null ? null : convert(i, v));
        }
        for (int m = 0; m < metadata.length; m++) {
            row.setField(columns.length + m, metadata[m].read(e, kind));
        }
        return row;
    }

    /** Whether a delete's old row holds the key columns only (no REPLICA IDENTITY FULL). */
    private boolean keyOnly(Map<String, Object> values) {
        return values.keySet().stream().allMatch(c -> List.of(keyColumns).contains(c));
    }

    /** {@code v} as column {@code i}'s declared type, or a failure naming the type change. */
    private Object convert(int i, Object v) {
        try {
            Object internal = converters[i].toInternal(v);
            if (internal == null || internalClasses[i].isInstance(internal)) {
                return internal;
            }
        } catch (ClassCastException notTheTypePlanned) {
            // reported below, with the column and both types
        }
        throw new SuppressRestartsException(
                new IllegalStateException(
                        "Column '"
                                + columns[i]
                                + "' of "
                                + table
                                + " changed type since the query was planned ("
                                + planned[i]
                                + "): a "
                                + v.getClass().getSimpleName()
                                + " value arrives now, which does not convert; declare a type"
                                + " that holds the column's new type and restart the query"));
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
