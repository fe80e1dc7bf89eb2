package io.pgstream.connector.source.enumerator;

import io.pgstream.connector.source.split.PostgresSplit;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the enumerator checkpoints: the splits not yet handed to a reader, and the slots already
 * handed out (their progress lives in the readers' state, so they must never be assigned twice).
 * {@code discovered} says whether slot setup has already run: a restored job does not repeat it.
 * {@code finishedChunks} are the snapshot chunks whose rows were all emitted: a restore reads only
 * the others. {@code tables} are the published tables the job covers: a table published on a
 * restore and missing there is new, and gets its snapshot.
 */
public final class PostgresEnumeratorState {

    private final boolean discovered;
    private final List<PostgresSplit> pending;
    private final Set<String> assignedSlots;
    private final Set<String> finishedChunks;
    private final Set<String> tables;

    public PostgresEnumeratorState(
            boolean discovered, List<PostgresSplit> pending, Set<String> assignedSlots) {
        this(discovered, pending, assignedSlots, Set.of(), null);
    }

    /**
     * @param tables the published tables the job covers ({@code schema.table}); null when unknown
     *     (state written by a version that did not record them)
     */
    public PostgresEnumeratorState(
            boolean discovered,
            List<PostgresSplit> pending,
            Set<String> assignedSlots,
            Set<String> finishedChunks,
            Set<String> tables) {
        this.discovered = discovered;
        this.pending = List.copyOf(pending);
        this.assignedSlots = Collections.unmodifiableSet(new LinkedHashSet<>(assignedSlots));
        this.finishedChunks = Collections.unmodifiableSet(new LinkedHashSet<>(finishedChunks));
        this.tables =
                tables == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(tables));
    }

    public Set<String> finishedChunks() {
        return finishedChunks;
    }

    /**
     * The published tables the job has covered, snapshotted or not; a restore snapshots those
     * published now and missing here. Null for state from before they were recorded.
     */
    public Set<String> tables() {
        return tables;
    }

    /** The state of a job that has not started yet. */
    public static PostgresEnumeratorState initial() {
        return new PostgresEnumeratorState(false, List.of(), Set.of());
    }

    public boolean discovered() {
        return discovered;
    }

    public List<PostgresSplit> pending() {
        return pending;
    }

    public Set<String> assignedSlots() {
        return assignedSlots;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PostgresEnumeratorState)) {
            return false;
        }
        PostgresEnumeratorState that = (PostgresEnumeratorState) o;
        return discovered == that.discovered
                && pending.equals(that.pending)
                && assignedSlots.equals(that.assignedSlots)
                && finishedChunks.equals(that.finishedChunks)
                && Objects.equals(tables, that.tables);
    }

    @Override
    public int hashCode() {
        return Objects.hash(discovered, pending, assignedSlots, finishedChunks, tables);
    }

    @Override
    public String toString() {
        return "PostgresEnumeratorState{discovered="
                + discovered
                + ", pending="
                + pending
                + ", assigned="
                + assignedSlots
                + ", finishedChunks="
                + finishedChunks.size()
                + ", tables="
                + tables
                + "}";
    }
}
