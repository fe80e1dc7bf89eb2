package io.pgstream.jobs.document;

import io.pgstream.connector.event.Lsn;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One source row change as the vector pipeline sees it: the row's identity, the text to embed and
 * the metadata to store beside the vector. Produced from a {@code ChangeEvent} by {@link
 * DocumentMapper}, consumed by the embedding operator, which turns it into a {@code VectorWrite}.
 *
 * <p>{@code text} is null when the change does not carry the text: always for {@link Kind#DELETE}
 * and {@link Kind#TRUNCATE}, for an {@link Kind#UPSERT} whose text columns were unchanged TOAST
 * values ({@link #textKnown()} false): such an upsert refreshes metadata only, and for an upsert
 * whose text cannot be rendered ({@link #textError()} set): a dead letter.
 *
 * @param kind what happens to the row's vectors
 * @param sourceTable {@code schema.table} of the source row, unquoted
 * @param id the row's key as text: the single key column's text form, or a JSON array of the key
 *     columns' text forms for composite keys; null only for {@link Kind#TRUNCATE}
 * @param text the exact text to embed; null for deletes, truncates and text-unchanged upserts
 * @param metadataJson the row's other columns as one JSON object (unchanged TOAST columns omitted);
 *     null for deletes and truncates
 * @param lsn version of this change: the commit LSN of its transaction. Snapshot reads carry their
 *     chunk's low watermark (every transaction committed before it is in the row read), so a
 *     streamed change the snapshot already holds has a lower version. Changes of one transaction
 *     share a version and keep their order. Writers never let a lower version replace a higher one;
 *     an equal version replaces (the same transaction, applied in commit order). LSNs are unsigned:
 *     compare them with {@link Lsn#compareTo}, never as signed {@code long}s.
 * @param commitTime commit time of the change's transaction (snapshot reads: time of the read); may
 *     be null
 * @param keptMetadata metadata columns the change did not send (unchanged TOAST): their stored
 *     values stay; every other stored metadata key not in {@code metadataJson} goes (a dropped
 *     column). Empty: {@code metadataJson} is the whole metadata
 * @param textError why the row's text cannot be rendered (a template column was dropped or renamed
 *     in the table): the upsert becomes a dead letter rather than an embedding of a wrong text;
 *     null otherwise
 */
public record DocumentChange(
        Kind kind,
        String sourceTable,
        String id,
        String text,
        String metadataJson,
        Lsn lsn,
        Instant commitTime,
        List<String> keptMetadata,
        String textError)
        implements Serializable {

    /**
     * What the source change does to the row's vectors. Not {@code VectorWrite.Kind}: a source
     * change does not know yet whether its text changed (that needs the stored content hash, which
     * the embedding operator looks up), so it has no "metadata only" kind; an {@link #UPSERT}
     * becomes a vector upsert or a metadata-only write there.
     */
    public enum Kind {
        /** Insert, update or snapshot read: the row's vectors become this text and metadata. */
        UPSERT,
        /** The row is gone: all its vectors are removed. */
        DELETE,
        /** The whole source table was truncated: all its vectors are removed. */
        TRUNCATE
    }

    public DocumentChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sourceTable, "sourceTable");
        Objects.requireNonNull(lsn, "lsn");
        if (kind != Kind.TRUNCATE) {
            Objects.requireNonNull(id, "id");
        }
        if (kind == Kind.UPSERT) {
            Objects.requireNonNull(metadataJson, "metadataJson");
        }
        keptMetadata = keptMetadata == null ? List.of() : List.copyOf(keptMetadata);
    }

    /** An upsert; {@code text} null means "text unchanged, refresh metadata only". */
    public static DocumentChange upsert(
            String sourceTable,
            String id,
            String text,
            String metadataJson,
            Lsn lsn,
            Instant commitTime) {
        return upsert(sourceTable, id, text, metadataJson, lsn, commitTime, List.of());
    }

    /** An upsert whose {@code keptMetadata} columns were not sent (unchanged TOAST). */
    public static DocumentChange upsert(
            String sourceTable,
            String id,
            String text,
            String metadataJson,
            Lsn lsn,
            Instant commitTime,
            List<String> keptMetadata) {
        return new DocumentChange(
                Kind.UPSERT,
                sourceTable,
                id,
                text,
                metadataJson,
                lsn,
                commitTime,
                keptMetadata,
                null);
    }

    /** An upsert whose text cannot be rendered, for {@code textError}: a dead letter. */
    public static DocumentChange unrenderable(
            String sourceTable, String id, String textError, Lsn lsn, Instant commitTime) {
        return new DocumentChange(
                Kind.UPSERT,
                sourceTable,
                id,
                null,
                "{}",
                lsn,
                commitTime,
                List.of(),
                Objects.requireNonNull(textError, "textError"));
    }

    public static DocumentChange delete(
            String sourceTable, String id, Lsn lsn, Instant commitTime) {
        return new DocumentChange(
                Kind.DELETE, sourceTable, id, null, null, lsn, commitTime, List.of(), null);
    }

    public static DocumentChange truncate(String sourceTable, Lsn lsn, Instant commitTime) {
        return new DocumentChange(
                Kind.TRUNCATE, sourceTable, null, null, null, lsn, commitTime, List.of(), null);
    }

    /** Whether {@link #text()} is the row's text (false: unchanged TOAST, keep the vectors). */
    public boolean textKnown() {
        return text != null;
    }

    /** Key under which changes must stay ordered and may collapse: table plus id. */
    public String rowKey() {
        return id == null ? sourceTable : sourceTable + '\u0000' + id;
    }

    /** Short form without the text and metadata, which may be long or sensitive. */
    @Override
    public String toString() {
        return kind + " " + sourceTable + " id=" + id + " lsn=" + lsn + " textKnown=" + textKnown();
    }
}
