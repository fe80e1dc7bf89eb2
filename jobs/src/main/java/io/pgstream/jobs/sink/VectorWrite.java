package io.pgstream.jobs.sink;

import io.pgstream.connector.event.Lsn;
import java.io.Serializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a vector sink writer is asked to do for one source row (or table): the output of the
 * embedding operator, the input of the pgvector and Qdrant writers.
 *
 * <ul>
 *   <li>{@link Kind#UPSERT}: the row's chunk set becomes {@link #chunks()} (chunk numbers 0..n-1;
 *       stored chunks numbered n or higher are removed), with {@link #metadataJson()} replacing the
 *       stored metadata.
 *   <li>{@link Kind#METADATA}: the embedded text did not change (same {@link #contentHash()}):
 *       vectors and content stay, the stored metadata becomes {@link #metadataJson()} plus the
 *       stored values of {@link #keptMetadata()} (so a dropped column leaves it), {@code lsn} and
 *       {@code updated_at} advance. No model call was made.
 *   <li>{@link Kind#DELETE}: all chunks of the row are removed.
 *   <li>{@link Kind#TRUNCATE}: all vectors of {@link #sourceTable()} are removed.
 * </ul>
 *
 * <p>Every kind is version-guarded by {@link #lsn()}, the source transaction's commit LSN: a writer
 * never lets a write with a lower LSN replace (or delete) what a higher one wrote, and lets an
 * equal one through (changes of one transaction, which arrive in their order). So replays after a
 * restore and snapshot/stream overlap cannot move the index backwards. A TRUNCATE removes the
 * table's vectors whose LSN is lower than its own (a truncate and re-insert in one transaction
 * keeps the re-inserted rows). Writes of one row reach a writer in the row's commit order. LSNs are
 * unsigned 64-bit: stores keep {@link Lsn#value()} as a signed 64-bit number (pgvector {@code
 * bigint}, Qdrant integer payload), so each writer's guard compares in unsigned order.
 *
 * @param id the row's key as text (JSON array for composite keys); null only for TRUNCATE
 * @param chunks for UPSERT: chunks 0..n-1 in order; empty otherwise
 * @param contentHash for UPSERT: hex SHA-256 of the whole embedded text (before chunking); null
 *     otherwise
 * @param metadataJson for UPSERT and METADATA: the row's other columns as a JSON object; null
 *     otherwise
 * @param lsn version of the write: commit LSN of the source change
 * @param updatedAt commit time of the source change; may be null
 * @param keptMetadata for METADATA: columns the change did not send (unchanged TOAST), whose stored
 *     values stay; empty otherwise
 */
public record VectorWrite(
        Kind kind,
        String sourceTable,
        String id,
        List<Chunk> chunks,
        String contentHash,
        String metadataJson,
        Lsn lsn,
        Instant updatedAt,
        List<String> keptMetadata)
        implements Serializable {

    /**
     * The operation a writer performs. Not {@code DocumentChange.Kind}: only after comparing
     * content hashes does the embedding operator know whether an upsert needs new vectors ({@link
     * #UPSERT}) or only new metadata ({@link #METADATA}).
     */
    public enum Kind {
        UPSERT,
        METADATA,
        DELETE,
        TRUNCATE
    }

    /**
     * One embedded piece of a row's text.
     *
     * @param index 0-based chunk number within the row
     * @param content exactly the text that was embedded
     * @param embedding the vector; not copied, do not modify
     */
    public record Chunk(int index, String content, float[] embedding) implements Serializable {

        public Chunk {
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(embedding, "embedding");
        }

        /** Equal when index, content and vector values are equal. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Chunk c
                    && index == c.index
                    && content.equals(c.content)
                    && Arrays.equals(embedding, c.embedding);
        }

        @Override
        public int hashCode() {
            return Objects.hash(index, content, Arrays.hashCode(embedding));
        }

        @Override
        public String toString() {
            return "Chunk " + index + " (" + embedding.length + " dims)";
        }
    }

    public VectorWrite {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sourceTable, "sourceTable");
        Objects.requireNonNull(lsn, "lsn");
        chunks = List.copyOf(chunks);
        keptMetadata = keptMetadata == null ? List.of() : List.copyOf(keptMetadata);
        if (kind != Kind.TRUNCATE) {
            Objects.requireNonNull(id, "id");
        }
        if (kind == Kind.UPSERT) {
            if (chunks.isEmpty()) {
                throw new IllegalArgumentException("an upsert needs at least one chunk");
            }
            Objects.requireNonNull(contentHash, "contentHash");
        }
        if (kind == Kind.UPSERT || kind == Kind.METADATA) {
            Objects.requireNonNull(metadataJson, "metadataJson");
        }
    }

    public static VectorWrite upsert(
            String sourceTable,
            String id,
            List<Chunk> chunks,
            String contentHash,
            String metadataJson,
            Lsn lsn,
            Instant updatedAt) {
        return new VectorWrite(
                Kind.UPSERT,
                sourceTable,
                id,
                chunks,
                contentHash,
                metadataJson,
                lsn,
                updatedAt,
                List.of());
    }

    public static VectorWrite metadata(
            String sourceTable, String id, String metadataJson, Lsn lsn, Instant updatedAt) {
        return metadata(sourceTable, id, metadataJson, lsn, updatedAt, List.of());
    }

    /**
     * A metadata refresh: the stored metadata becomes {@code metadataJson} plus the stored values
     * of {@code keptMetadata} (columns the change did not send); other stored keys go.
     */
    public static VectorWrite metadata(
            String sourceTable,
            String id,
            String metadataJson,
            Lsn lsn,
            Instant updatedAt,
            List<String> keptMetadata) {
        return new VectorWrite(
                Kind.METADATA,
                sourceTable,
                id,
                List.of(),
                null,
                metadataJson,
                lsn,
                updatedAt,
                keptMetadata);
    }

    public static VectorWrite delete(String sourceTable, String id, Lsn lsn, Instant updatedAt) {
        return new VectorWrite(
                Kind.DELETE, sourceTable, id, List.of(), null, null, lsn, updatedAt, List.of());
    }

    public static VectorWrite truncate(String sourceTable, Lsn lsn, Instant updatedAt) {
        return new VectorWrite(
                Kind.TRUNCATE, sourceTable, null, List.of(), null, null, lsn, updatedAt, List.of());
    }

    /** Short form without vectors and metadata. */
    @Override
    public String toString() {
        return kind + " " + sourceTable + " id=" + id + " chunks=" + chunks.size() + " lsn=" + lsn;
    }
}
