package io.pgstream.jobs.sink;

import java.io.Serializable;
import java.time.Instant;
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
 *       vectors and content stay, metadata is merged (keys present here replace stored ones),
 *       {@code lsn} and {@code updated_at} advance. No model call was made.
 *   <li>{@link Kind#DELETE}: all chunks of the row are removed.
 *   <li>{@link Kind#TRUNCATE}: all vectors of {@link #sourceTable()} are removed.
 * </ul>
 *
 * <p>Every kind is version-guarded by {@link #lsn()}, the source transaction's commit LSN: a writer
 * never lets a write with a lower LSN replace (or delete) what a higher one wrote, and lets an
 * equal one through (changes of one transaction, which arrive in their order). So replays after a
 * restore and snapshot/stream overlap cannot move the index backwards. A TRUNCATE removes the
 * table's vectors whose LSN is lower than its own (a truncate and re-insert in one transaction
 * keeps the re-inserted rows). Writes of one row reach a writer in the row's commit order.
 */
public final class VectorWrite implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The operation a writer performs. */
    public enum Kind {
        UPSERT,
        METADATA,
        DELETE,
        TRUNCATE
    }

    /** One embedded piece of a row's text. */
    public static final class Chunk implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final String content;
        private final float[] embedding;

        public Chunk(int index, String content, float[] embedding) {
            this.index = index;
            this.content = Objects.requireNonNull(content, "content");
            this.embedding = Objects.requireNonNull(embedding, "embedding");
        }

        /** 0-based chunk number within the row. */
        public int index() {
            return index;
        }

        /** Exactly the text that was embedded. */
        public String content() {
            return content;
        }

        /** The vector; not copied, do not modify. */
        public float[] embedding() {
            return embedding;
        }
    }

    private final Kind kind;
    private final String sourceTable;
    private final String id;
    private final List<Chunk> chunks;
    private final String contentHash;
    private final String metadataJson;
    private final long lsn;
    private final Instant updatedAt;

    private VectorWrite(
            Kind kind,
            String sourceTable,
            String id,
            List<Chunk> chunks,
            String contentHash,
            String metadataJson,
            long lsn,
            Instant updatedAt) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.sourceTable = Objects.requireNonNull(sourceTable, "sourceTable");
        this.id = id;
        this.chunks = List.copyOf(chunks);
        this.contentHash = contentHash;
        this.metadataJson = metadataJson;
        this.lsn = lsn;
        this.updatedAt = updatedAt;
    }

    public static VectorWrite upsert(
            String sourceTable,
            String id,
            List<Chunk> chunks,
            String contentHash,
            String metadataJson,
            long lsn,
            Instant updatedAt) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("an upsert needs at least one chunk");
        }
        return new VectorWrite(
                Kind.UPSERT,
                sourceTable,
                Objects.requireNonNull(id, "id"),
                chunks,
                Objects.requireNonNull(contentHash, "contentHash"),
                Objects.requireNonNull(metadataJson, "metadataJson"),
                lsn,
                updatedAt);
    }

    public static VectorWrite metadata(
            String sourceTable, String id, String metadataJson, long lsn, Instant updatedAt) {
        return new VectorWrite(
                Kind.METADATA,
                sourceTable,
                Objects.requireNonNull(id, "id"),
                List.of(),
                null,
                Objects.requireNonNull(metadataJson, "metadataJson"),
                lsn,
                updatedAt);
    }

    public static VectorWrite delete(String sourceTable, String id, long lsn, Instant updatedAt) {
        return new VectorWrite(
                Kind.DELETE,
                sourceTable,
                Objects.requireNonNull(id, "id"),
                List.of(),
                null,
                null,
                lsn,
                updatedAt);
    }

    public static VectorWrite truncate(String sourceTable, long lsn, Instant updatedAt) {
        return new VectorWrite(
                Kind.TRUNCATE, sourceTable, null, List.of(), null, null, lsn, updatedAt);
    }

    public Kind kind() {
        return kind;
    }

    /** {@code schema.table} of the source row, unquoted. */
    public String sourceTable() {
        return sourceTable;
    }

    /** The row's key as text (JSON array for composite keys); null only for TRUNCATE. */
    public String id() {
        return id;
    }

    /** For UPSERT: chunks 0..n-1 in order; empty otherwise. */
    public List<Chunk> chunks() {
        return chunks;
    }

    /** For UPSERT: hex SHA-256 of the whole embedded text (before chunking); null otherwise. */
    public String contentHash() {
        return contentHash;
    }

    /** For UPSERT and METADATA: the row's other columns as a JSON object; null otherwise. */
    public String metadataJson() {
        return metadataJson;
    }

    /** Version of the write: commit LSN of the source change (see {@link VectorWrite}). */
    public long lsn() {
        return lsn;
    }

    /** Commit time of the source change; may be null. */
    public Instant updatedAt() {
        return updatedAt;
    }

    @Override
    public String toString() {
        return kind + " " + sourceTable + " id=" + id + " chunks=" + chunks.size() + " lsn=" + lsn;
    }
}
