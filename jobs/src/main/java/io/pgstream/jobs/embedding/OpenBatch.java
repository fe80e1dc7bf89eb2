package io.pgstream.jobs.embedding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The upserts collecting for the next model call, at most one per key, with the number of texts
 * (chunks) they hold. A sequence number tells a linger timer whether the batch it was set for is
 * still open. Task thread only.
 */
final class OpenBatch {

    private List<PendingWrite> writes = new ArrayList<>();
    private final Map<String, PendingWrite> byKey = new HashMap<>();
    private int texts;
    private long seq;

    /** The upsert of {@code key} in this batch; null when there is none. */
    PendingWrite get(String key) {
        return byKey.get(key);
    }

    void add(PendingWrite write) {
        writes.add(write);
        byKey.put(write.key, write);
        texts += write.chunks.size();
    }

    void remove(PendingWrite write) {
        writes.remove(write);
        byKey.remove(write.key);
        texts -= write.chunks.size();
    }

    /** Gives {@code write}, which is in this batch, new chunks (a collapse to a newer text). */
    void rechunk(PendingWrite write, List<String> chunks) {
        texts += chunks.size() - write.chunks.size();
        write.chunks = chunks;
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    int texts() {
        return texts;
    }

    /** Identifies the batch open now; changes with every {@link #take}. */
    long seq() {
        return seq;
    }

    /** Closes this batch, returning its upserts (maybe none), and opens an empty one. */
    List<PendingWrite> take() {
        seq++;
        List<PendingWrite> taken = writes;
        writes = new ArrayList<>();
        byKey.clear();
        texts = 0;
        return taken;
    }
}
