package io.pgstream.jobs.embedding;

import io.pgstream.connector.event.Lsn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * What the embedding operator knows of each key's stored text: a content hash with the LSN that
 * wrote it. Held changes stage their hash here in memory; keyed state takes it only when the write
 * is emitted (see {@link OrderedOutput}), so a change re-issued after a restore never finds its own
 * hash and is skipped. Entries older than a TRUNCATE of their table count as absent. Task thread
 * only; methods that read or write keyed state need the key as the operator's current key.
 */
final class ContentHashes {

    /** Hash of a key known to have no vectors (deleted, refused): never equal to a real hash. */
    static final String TOMBSTONE = "";

    private final ValueState<Tuple2<String, Long>> emitted;
    private final ListState<Tuple2<String, Long>> truncatesState;
    private final Map<String, Lsn> truncatedAt = new HashMap<>();
    private final Map<String, Tuple2<String, Long>> staged = new HashMap<>();

    private ContentHashes(
            ValueState<Tuple2<String, Long>> emitted,
            ListState<Tuple2<String, Long>> truncatesState) {
        this.emitted = emitted;
        this.truncatesState = truncatesState;
    }

    /** Registers (or restores) the keyed hashes and the truncate LSNs per table. */
    static ContentHashes restore(StateInitializationContext context) throws Exception {
        TypeInformation<Tuple2<String, Long>> entryType = Types.TUPLE(Types.STRING, Types.LONG);
        ContentHashes hashes =
                new ContentHashes(
                        context.getKeyedStateStore()
                                .getState(new ValueStateDescriptor<>("content-hash", entryType)),
                        // Every subtask sees every truncate, so a union of all subtasks' lists is
                        // right after rescaling too: the highest LSN per table wins.
                        context.getOperatorStateStore()
                                .getUnionListState(
                                        new ListStateDescriptor<>("truncated-at", entryType)));
        for (Tuple2<String, Long> t : hashes.truncatesState.get()) {
            hashes.truncatedAt.merge(t.f0, new Lsn(t.f1), Lsn::max);
        }
        return hashes;
    }

    /**
     * The entry of {@code key} (the current key): the newest one staged by a held change, else the
     * emitted one; null when there is none or it was written before {@code table} was truncated.
     */
    Tuple2<String, Long> known(String key, String table) throws Exception {
        Tuple2<String, Long> entry = staged.get(key);
        if (entry == null) {
            entry = emitted.value();
        }
        Lsn truncate = truncatedAt.get(table);
        if (entry != null && truncate != null && truncate.isAfter(new Lsn(entry.f1))) {
            return null; // written before the table was truncated: gone
        }
        return entry;
    }

    /** Whether this job saw {@code table} truncated: its rows are then never looked up. */
    boolean truncated(String table) {
        return truncatedAt.containsKey(table);
    }

    /** Stages the hash a held change will write; newer changes of the key see it. */
    Tuple2<String, Long> stage(String key, String hash, Lsn lsn) {
        Tuple2<String, Long> entry = Tuple2.of(hash, lsn.value());
        staged.put(key, entry);
        return entry;
    }

    /**
     * A refused row has no vectors for its text: the next upsert must embed again. Replaces {@code
     * write}'s staged entry by a tombstone (unless a newer change staged another one).
     */
    void forget(PendingWrite write) {
        Tuple2<String, Long> tombstone = Tuple2.of(TOMBSTONE, write.change.lsn().value());
        if (Objects.equals(staged.get(write.key), write.hashAfter)) {
            staged.put(write.key, tombstone);
        }
        write.hashAfter = tombstone;
    }

    /** {@code key}'s write with {@code entry} was emitted: keyed state takes the entry. */
    void emitted(String key, Tuple2<String, Long> entry) {
        try {
            emitted.update(entry);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the content hash of " + key, e);
        }
        staged.remove(key, entry);
    }

    /** Entries of {@code table} written before {@code lsn} count as absent from now on. */
    void truncate(String table, Lsn lsn) {
        truncatedAt.merge(table, lsn, Lsn::max);
    }

    /** Writes the truncate LSNs to operator state (the keyed hashes snapshot themselves). */
    void snapshot() throws Exception {
        List<Tuple2<String, Long>> entries = new ArrayList<>();
        truncatedAt.forEach((table, lsn) -> entries.add(Tuple2.of(table, lsn.value())));
        truncatesState.update(entries);
    }
}
