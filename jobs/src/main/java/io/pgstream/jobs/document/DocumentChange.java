package io.pgstream.jobs.document;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One source row change as the vector pipeline sees it: the row's identity, the text to embed and
 * the metadata to store beside the vector. Produced from a {@code ChangeEvent} by {@link
 * DocumentMapper}, consumed by the embedding operator.
 *
 * <p>{@code text} is null when the change does not carry the text: always for {@link Kind#DELETE}
 * and {@link Kind#TRUNCATE}, and for an {@link Kind#UPSERT} whose text columns were unchanged TOAST
 * values ({@link #textKnown()} false): such an upsert refreshes metadata only.
 */
public final class DocumentChange implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What happens to the row's vectors. */
    public enum Kind {
        /** Insert, update or snapshot read: the row's vectors become this text and metadata. */
        UPSERT,
        /** The row is gone: all its vectors are removed. */
        DELETE,
        /** The whole source table was truncated: all its vectors are removed. */
        TRUNCATE
    }

    private final Kind kind;
    private final String sourceTable;
    private final String id;
    private final String text;
    private final String metadataJson;
    private final long lsn;
    private final Instant commitTime;

    private DocumentChange(
            Kind kind,
            String sourceTable,
            String id,
            String text,
            String metadataJson,
            long lsn,
            Instant commitTime) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.sourceTable = Objects.requireNonNull(sourceTable, "sourceTable");
        this.id = id;
        this.text = text;
        this.metadataJson = metadataJson;
        this.lsn = lsn;
        this.commitTime = commitTime;
    }

    /** An upsert; {@code text} null means "text unchanged, refresh metadata only". */
    public static DocumentChange upsert(
            String sourceTable,
            String id,
            String text,
            String metadataJson,
            long lsn,
            Instant commitTime) {
        return new DocumentChange(
                Kind.UPSERT,
                sourceTable,
                Objects.requireNonNull(id, "id"),
                text,
                Objects.requireNonNull(metadataJson, "metadataJson"),
                lsn,
                commitTime);
    }

    public static DocumentChange delete(
            String sourceTable, String id, long lsn, Instant commitTime) {
        return new DocumentChange(
                Kind.DELETE,
                sourceTable,
                Objects.requireNonNull(id, "id"),
                null,
                null,
                lsn,
                commitTime);
    }

    public static DocumentChange truncate(String sourceTable, long lsn, Instant commitTime) {
        return new DocumentChange(Kind.TRUNCATE, sourceTable, null, null, null, lsn, commitTime);
    }

    public Kind kind() {
        return kind;
    }

    /** {@code schema.table} of the source row, unquoted. */
    public String sourceTable() {
        return sourceTable;
    }

    /**
     * The row's key as text: the single key column's text form, or a JSON array of the key columns'
     * text forms for composite keys. Null only for {@link Kind#TRUNCATE}.
     */
    public String id() {
        return id;
    }

    /** The exact text to embed; null for deletes, truncates and text-unchanged upserts. */
    public String text() {
        return text;
    }

    /** Whether {@link #text()} is the row's text (false: unchanged TOAST, keep the vectors). */
    public boolean textKnown() {
        return text != null;
    }

    /**
     * The row's other columns as one JSON object (unchanged TOAST columns omitted); null for
     * deletes and truncates.
     */
    public String metadataJson() {
        return metadataJson;
    }

    /**
     * Version of this change: the commit LSN of its transaction. Snapshot reads carry their chunk's
     * low watermark (every transaction committed before it is in the row read), so a streamed
     * change the snapshot already holds has a lower version. Changes of one transaction share a
     * version and keep their order. Writers never let a lower version replace a higher one; an
     * equal version replaces (the same transaction, applied in commit order).
     */
    public long lsn() {
        return lsn;
    }

    /** Commit time of the change's transaction (snapshot reads: time of the read); may be null. */
    public Instant commitTime() {
        return commitTime;
    }

    /** Key under which changes must stay ordered and may collapse: table plus id. */
    public String rowKey() {
        return id == null ? sourceTable : sourceTable + '\u0000' + id;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DocumentChange)) {
            return false;
        }
        DocumentChange that = (DocumentChange) o;
        return lsn == that.lsn
                && kind == that.kind
                && sourceTable.equals(that.sourceTable)
                && Objects.equals(id, that.id)
                && Objects.equals(text, that.text)
                && Objects.equals(metadataJson, that.metadataJson)
                && Objects.equals(commitTime, that.commitTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, sourceTable, id, lsn);
    }

    @Override
    public String toString() {
        return kind + " " + sourceTable + " id=" + id + " lsn=" + lsn + " textKnown=" + textKnown();
    }
}
