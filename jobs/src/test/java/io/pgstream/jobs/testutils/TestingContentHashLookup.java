package io.pgstream.jobs.testutils;

import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.VectorWrite;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake {@link ContentHashLookup}: hashes (and chunk vectors) the test says the sink stores, and a
 * record of every hash request (table and ids) the operator made. Registered by name like {@link
 * TestingEmbeddingModel}.
 */
public final class TestingContentHashLookup implements ContentHashLookup {

    private static final Map<String, TestingContentHashLookup> REGISTRY = new ConcurrentHashMap<>();

    private final Map<String, String> stored = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final Map<String, List<VectorWrite.Chunk>> chunks = new ConcurrentHashMap<>();
    private final List<String> vectorRequests = new CopyOnWriteArrayList<>();

    public static TestingContentHashLookup register(String name) {
        TestingContentHashLookup lookup = new TestingContentHashLookup();
        REGISTRY.put(name, lookup);
        return lookup;
    }

    public static ContentHashLookup.Factory factory(String name) {
        return () -> REGISTRY.get(name);
    }

    /** Pretends the sink stores {@code hash} for row {@code id} of {@code table}. */
    public void store(String table, String id, String hash) {
        stored.put(table + '\u0000' + id, hash);
    }

    /** Applies a write as a sink would: an upsert's hash and chunk set replace the row's. */
    public void apply(VectorWrite write) {
        String key = write.sourceTable() + '\u0000' + write.id();
        switch (write.kind()) {
            case UPSERT -> {
                stored.put(key, write.contentHash());
                chunks.put(key, write.chunks());
            }
            case DELETE -> {
                stored.remove(key);
                chunks.remove(key);
            }
            default -> {}
        }
    }

    @Override
    public Map<String, float[]> storedVectors(
            String sourceTable, Collection<String> ids, Collection<String> contents) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        vectorRequests.add(sourceTable + ":" + String.join(",", sorted));
        Map<String, float[]> result = new HashMap<>();
        for (String id : ids) {
            for (VectorWrite.Chunk c :
                    chunks.getOrDefault(sourceTable + '\u0000' + id, List.of())) {
                if (contents.contains(c.content())) {
                    result.put(c.content(), c.embedding());
                }
            }
        }
        return result;
    }

    @Override
    public Map<String, String> contentHashes(String sourceTable, Collection<String> ids) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        requests.add(sourceTable + ":" + String.join(",", sorted));
        Map<String, String> result = new HashMap<>();
        for (String id : ids) {
            String hash = stored.get(sourceTable + '\u0000' + id);
            if (hash != null) {
                result.put(id, hash);
            }
        }
        return result;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Whether the operator has closed this lookup. */
    public boolean closed() {
        return closed;
    }

    /** Every stored-vector request so far as {@code table:id1,id2} (ids sorted). */
    public List<String> vectorRequests() {
        return List.copyOf(vectorRequests);
    }

    /** Every request so far as {@code table:id1,id2} (ids sorted). */
    public List<String> requests() {
        return List.copyOf(requests);
    }
}
