package io.pgstream.connector.event;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One row change of one table, with the position and transaction it belongs to.
 *
 * <p>Rows map column names (in table order) to typed values: {@code Boolean}, {@code Short}, {@code
 * Integer}, {@code Long} (int8 and oid), {@code Float}, {@code Double}, {@code BigDecimal} or
 * {@link NumericSpecial} (numeric), {@code String} (text types, inet/cidr/macaddr and any type
 * without a dedicated mapping, in its PostgreSQL text form), {@code java.util.UUID}, {@link
 * PgJson}, {@code byte[]}, {@code LocalDate}, {@code LocalTime}, {@code OffsetTime}, {@code
 * LocalDateTime}, {@code Instant} (timestamptz), {@link PgInterval}, {@code float[]} (pgvector),
 * and {@code List} (one-dimensional arrays, elements may be null). SQL NULL is a present key with a
 * null value.
 *
 * <p>A column whose value is an unchanged TOASTed datum is <em>absent</em> from {@link #row()} and
 * named in {@link #unchangedToastColumns()}: PostgreSQL did not send it, and a fake null would
 * overwrite real data downstream.
 *
 * <p>Instances are immutable; build them with {@link #builder(Operation)}.
 *
 * <p>It is over 300 lines because it is a value class with a builder, accessors and equality for
 * every field; it holds no other logic.
 */
public final class ChangeEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Operation operation;
    private final String schema;
    private final String table;
    private final Map<String, Object> row;
    private final Map<String, Object> oldRow;
    private final Set<String> unchangedToastColumns;
    private final Lsn commitLsn;
    private final Lsn lsn;
    private final Instant commitTime;
    private final long xid;
    private final boolean truncateCascade;
    private final boolean truncateRestartIdentity;

    private ChangeEvent(Builder b) {
        this.operation = Objects.requireNonNull(b.operation, "operation");
        this.schema = Objects.requireNonNull(b.schema, "schema");
        this.table = Objects.requireNonNull(b.table, "table");
        this.row = b.row == null ? null : Collections.unmodifiableMap(b.row);
        this.oldRow = b.oldRow == null ? null : Collections.unmodifiableMap(b.oldRow);
        this.unchangedToastColumns =
                b.unchangedToastColumns == null
                        ? Set.of()
                        : Collections.unmodifiableSet(b.unchangedToastColumns);
        this.commitLsn = Objects.requireNonNull(b.commitLsn, "commitLsn");
        this.lsn = Objects.requireNonNull(b.lsn, "lsn");
        this.commitTime = b.commitTime;
        this.xid = b.xid;
        this.truncateCascade = b.truncateCascade;
        this.truncateRestartIdentity = b.truncateRestartIdentity;
    }

    /**
     * A copy carrying the transaction's commit position and time: changes of a streamed transaction
     * are decoded before their commit is known.
     */
    public ChangeEvent withCommit(Lsn commitLsn, Instant commitTime) {
        return new ChangeEvent(this, Objects.requireNonNull(commitLsn, "commitLsn"), commitTime);
    }

    /** Shares this event's immutable row maps; only the commit fields differ. */
    private ChangeEvent(ChangeEvent e, Lsn commitLsn, Instant commitTime) {
        this.operation = e.operation;
        this.schema = e.schema;
        this.table = e.table;
        this.row = e.row;
        this.oldRow = e.oldRow;
        this.unchangedToastColumns = e.unchangedToastColumns;
        this.commitLsn = commitLsn;
        this.lsn = e.lsn;
        this.commitTime = commitTime;
        this.xid = e.xid;
        this.truncateCascade = e.truncateCascade;
        this.truncateRestartIdentity = e.truncateRestartIdentity;
    }

    /** A builder initialised with every field of this event. */
    public Builder toBuilder() {
        Builder b = new Builder(operation);
        b.schema = schema;
        b.table = table;
        b.row = row == null ? null : new LinkedHashMap<>(row);
        b.oldRow = oldRow == null ? null : new LinkedHashMap<>(oldRow);
        if (!unchangedToastColumns.isEmpty()) {
            b.unchangedToastColumns = new LinkedHashSet<>(unchangedToastColumns);
        }
        b.commitLsn = commitLsn;
        b.lsn = lsn;
        b.commitTime = commitTime;
        b.xid = xid;
        b.truncateCascade = truncateCascade;
        b.truncateRestartIdentity = truncateRestartIdentity;
        return b;
    }

    public static Builder builder(Operation operation) {
        return new Builder(operation);
    }

    public Operation operation() {
        return operation;
    }

    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    /** The new row for insert, update and read; null for delete and truncate. */
    public Map<String, Object> row() {
        return row;
    }

    /**
     * What the replica identity provides of the old row: the key columns (DEFAULT / USING INDEX) or
     * every column (FULL); null when the server sent nothing (an update that did not change the key
     * under DEFAULT identity) and for insert, read and truncate.
     */
    public Map<String, Object> oldRow() {
        return oldRow;
    }

    /** Columns whose unchanged TOAST value the server did not send; absent from {@link #row()}. */
    public Set<String> unchangedToastColumns() {
        return unchangedToastColumns;
    }

    /** The commit LSN of the transaction this change belongs to. */
    public Lsn commitLsn() {
        return commitLsn;
    }

    /** This change's own WAL position ({@link Lsn#INVALID} for snapshot rows). */
    public Lsn lsn() {
        return lsn;
    }

    /** Commit time of the transaction, microsecond precision; null for snapshot rows. */
    public Instant commitTime() {
        return commitTime;
    }

    /** Transaction id; 0 for snapshot rows. */
    public long xid() {
        return xid;
    }

    /** For truncate: whether {@code CASCADE} was given. */
    public boolean truncateCascade() {
        return truncateCascade;
    }

    /** For truncate: whether {@code RESTART IDENTITY} was given. */
    public boolean truncateRestartIdentity() {
        return truncateRestartIdentity;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ChangeEvent)) {
            return false;
        }
        ChangeEvent that = (ChangeEvent) o;
        return xid == that.xid
                && truncateCascade == that.truncateCascade
                && truncateRestartIdentity == that.truncateRestartIdentity
                && operation == that.operation
                && schema.equals(that.schema)
                && table.equals(that.table)
                && RowValues.rowsEqual(row, that.row)
                && RowValues.rowsEqual(oldRow, that.oldRow)
                && unchangedToastColumns.equals(that.unchangedToastColumns)
                && commitLsn.equals(that.commitLsn)
                && lsn.equals(that.lsn)
                && Objects.equals(commitTime, that.commitTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(operation, schema, table, commitLsn, lsn, xid);
    }

    @Override
    public String toString() {
        return operation.code()
                + " "
                + schema
                + "."
                + table
                + " lsn="
                + lsn
                + " commit="
                + commitLsn
                + " xid="
                + xid
                + " row="
                + RowValues.toString(row)
                + " old="
                + RowValues.toString(oldRow)
                + (unchangedToastColumns.isEmpty()
                        ? ""
                        : " unchangedToast=" + unchangedToastColumns);
    }

    /** Builds a {@link ChangeEvent}; not thread-safe, one event per builder. */
    public static final class Builder {
        private final Operation operation;
        private String schema;
        private String table;
        private LinkedHashMap<String, Object> row;
        private LinkedHashMap<String, Object> oldRow;
        private LinkedHashSet<String> unchangedToastColumns;
        private Lsn commitLsn = Lsn.INVALID;
        private Lsn lsn = Lsn.INVALID;
        private Instant commitTime;
        private long xid;
        private boolean truncateCascade;
        private boolean truncateRestartIdentity;

        private Builder(Operation operation) {
            this.operation = operation;
        }

        public Builder table(String schema, String table) {
            this.schema = schema;
            this.table = table;
            return this;
        }

        public Builder row(Map<String, Object> row) {
            this.row = row == null ? null : new LinkedHashMap<>(row);
            return this;
        }

        /**
         * Takes {@code row} as the new row without copying it: the decoder's hot path builds a
         * fresh map per change and hands it over. The caller must not touch it afterwards.
         */
        public Builder ownedRow(LinkedHashMap<String, Object> row) {
            this.row = row;
            return this;
        }

        /** Like {@link #ownedRow} for the old row or key. */
        public Builder ownedOldRow(LinkedHashMap<String, Object> oldRow) {
            this.oldRow = oldRow;
            return this;
        }

        public Builder oldRow(Map<String, Object> oldRow) {
            this.oldRow = oldRow == null ? null : new LinkedHashMap<>(oldRow);
            return this;
        }

        public Builder unchangedToastColumn(String column) {
            if (unchangedToastColumns == null) {
                unchangedToastColumns = new LinkedHashSet<>();
            }
            unchangedToastColumns.add(column);
            return this;
        }

        /** No longer marks {@code columns} as unchanged TOAST (their values were filled in). */
        public Builder clearUnchangedToastColumns(Collection<String> columns) {
            if (unchangedToastColumns != null) {
                unchangedToastColumns.removeAll(columns);
            }
            return this;
        }

        public Builder commitLsn(Lsn commitLsn) {
            this.commitLsn = commitLsn;
            return this;
        }

        public Builder lsn(Lsn lsn) {
            this.lsn = lsn;
            return this;
        }

        public Builder commitTime(Instant commitTime) {
            this.commitTime = commitTime;
            return this;
        }

        public Builder xid(long xid) {
            this.xid = xid;
            return this;
        }

        public Builder truncateFlags(boolean cascade, boolean restartIdentity) {
            this.truncateCascade = cascade;
            this.truncateRestartIdentity = restartIdentity;
            return this;
        }

        public ChangeEvent build() {
            return new ChangeEvent(this);
        }
    }
}
