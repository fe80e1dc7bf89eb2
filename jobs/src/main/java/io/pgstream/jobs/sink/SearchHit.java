package io.pgstream.jobs.sink;

/**
 * One result of a vector search: which chunk of which source row matched, how closely, and what was
 * stored with it.
 *
 * @param id the source row's key as text (see {@link VectorWrite#id()})
 * @param sourceTable {@code schema.table} of the source row
 * @param chunk the chunk number within the row
 * @param score cosine similarity, {@code 1 - cosine distance}: 1 for the same direction, 0 for
 *     orthogonal, -1 for opposite; higher is closer, and both stores report it on this scale
 * @param content the embedded text of the chunk
 * @param metadataJson the row's other columns as a JSON object
 */
public record SearchHit(
        String id,
        String sourceTable,
        int chunk,
        double score,
        String content,
        String metadataJson) {}
