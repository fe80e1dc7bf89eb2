package io.pgstream.connector.table;

import io.pgstream.connector.event.ChangeEvent;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.RowKind;

/**
 * The metadata a {@code pgstream} table can expose, read with {@code METADATA FROM 'key' VIRTUAL}.
 * Snapshot rows (startup mode {@code initial} or {@code snapshot}) have no commit time, LSN or
 * transaction: those columns are NULL for them.
 */
enum MetadataColumn {
    /** Commit time of the change's transaction. */
    OP_TS("op_ts", DataTypes.TIMESTAMP_LTZ(3)),
    /** The change's own WAL position, {@code X/Y} (a snapshot row's: where it was read). */
    LSN("lsn", DataTypes.STRING()),
    /**
     * The same position as a number, ordered as the WAL is: what a vector table's BIGINT {@code
     * version-column} takes, so an older change never replaces a newer one.
     */
    LSN_NUMBER("lsn_number", DataTypes.BIGINT()),
    SCHEMA_NAME("schema_name", DataTypes.STRING().notNull()),
    TABLE_NAME("table_name", DataTypes.STRING().notNull()),
    /** Transaction id. */
    XID("xid", DataTypes.BIGINT()),
    /** The emitted row's kind: {@code +I}, {@code -U}, {@code +U} or {@code -D}. */
    ROW_KIND("row_kind", DataTypes.STRING().notNull());

    private final String key;
    private final DataType type;

    MetadataColumn(String key, DataType type) {
        this.key = key;
        this.type = type;
    }

    String key() {
        return key;
    }

    DataType type() {
        return type;
    }

    static MetadataColumn of(String key) {
        for (MetadataColumn m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown metadata key '" + key + "'");
    }

    /** This column's value for one emitted row, in Flink's internal form. */
    Object read(ChangeEvent e, RowKind kind) {
        switch (this) {
            case OP_TS:
                return e.commitTime() == null
                        ? null
                        : TimestampData.fromEpochMillis(e.commitTime().toEpochMilli());
            case LSN:
                return e.lsn().isValid() ? StringData.fromString(e.lsn().toString()) : null;
            case LSN_NUMBER:
                return e.lsn().isValid() ? e.lsn().value() : null;
            case SCHEMA_NAME:
                return StringData.fromString(e.schema());
            case TABLE_NAME:
                return StringData.fromString(e.table());
            case XID:
                return e.xid() == 0 ? null : e.xid();
            case ROW_KIND:
                return StringData.fromString(kind.shortString());
            default:
                throw new IllegalStateException(name());
        }
    }
}
