package io.pgstream.jobs.embedding;

import io.pgstream.jobs.sink.ContentHashLookup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vectors one batch knows by chunk text: read back from the index for the chunks of an edited
 * text that it already stores, and computed by the model for the rest. A chunk's hash is the model
 * id and its text ({@link ContentHash}), and every vector here comes from the job's model (the
 * index's identity pins it), so equal text means an equal chunk hash and a reusable vector. Only
 * the vectors of the batch's own chunks are held, and only while the batch runs. One batch thread.
 */
final class ChunkVectors {

    private final Map<String, float[]> byText = new HashMap<>();

    /**
     * Reads from {@code lookup} the stored vectors of the chunked rows in {@code rows} (indexes
     * into {@code batch}), one request per source table; a text of one chunk is never split and its
     * hash was compared already.
     */
    void reuseStored(ContentHashLookup lookup, List<PendingWrite> batch, List<Integer> rows)
            throws Exception {
        if (lookup == null) {
            return;
        }
        Map<String, Set<String>> idsByTable = new LinkedHashMap<>();
        Map<String, Set<String>> textsByTable = new LinkedHashMap<>();
        for (int i : rows) {
            PendingWrite write = batch.get(i);
            if (write.chunks.size() > 1) {
                String table = write.change.sourceTable();
                idsByTable
                        .computeIfAbsent(table, t -> new LinkedHashSet<>())
                        .add(write.change.id());
                textsByTable
                        .computeIfAbsent(table, t -> new LinkedHashSet<>())
                        .addAll(write.chunks);
            }
        }
        for (Map.Entry<String, Set<String>> table : idsByTable.entrySet()) {
            byText.putAll(
                    lookup.storedVectors(
                            table.getKey(), table.getValue(), textsByTable.get(table.getKey())));
        }
    }

    /** The chunks of {@code chunks} with no vector yet, in order (repeats kept). */
    List<String> missing(List<String> chunks) {
        List<String> missing = new ArrayList<>();
        for (String chunk : chunks) {
            if (!byText.containsKey(chunk)) {
                missing.add(chunk);
            }
        }
        return missing;
    }

    /** The model's vectors of {@code texts}, in their order. */
    void computed(List<String> texts, List<float[]> vectors) {
        for (int i = 0; i < texts.size(); i++) {
            byText.put(texts.get(i), vectors.get(i));
        }
    }

    float[] of(String text) {
        float[] vector = byText.get(text);
        if (vector == null) {
            throw new IllegalStateException("no vector for a chunk of " + text.length() + " chars");
        }
        return vector;
    }
}
