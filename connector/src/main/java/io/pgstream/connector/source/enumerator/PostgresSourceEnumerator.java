package io.pgstream.connector.source.enumerator;

import io.pgstream.connector.source.split.PostgresSplit;
import io.pgstream.connector.source.split.SplitKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands snapshot chunks to whichever reader asks and each replication split (one slot) to exactly
 * one reader, after the snapshot.
 *
 * <p>On a fresh start it runs {@link SplitDiscovery} asynchronously (slot setup is network I/O),
 * then assigns split {@code i} of the slot-name-sorted list to subtask {@code i % parallelism}, so
 * the same slot lands on the same subtask run after run. Splits come back through {@link
 * #addSplitsBack} when a reader fails before its first checkpoint; after a checkpoint they are in
 * that reader's state instead, and the enumerator remembers them as assigned.
 *
 * <p>On a restore it asks discovery for tables published now and unknown to the restored state
 * (added to the configuration since the savepoint) and plans their chunks. Readers hold restored
 * stream splits until {@link StreamReleasedEvent}, which goes out once every chunk is read and a
 * checkpoint covers them: the same order as a fresh start, so the same guarantee.
 *
 * <p>It is over 300 lines because fresh start, restore, chunk requests and the stream release are
 * one state machine over the same pending and assigned splits.
 */
public final class PostgresSourceEnumerator
        implements SplitEnumerator<PostgresSplit, PostgresEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceEnumerator.class);

    private final SplitEnumeratorContext<PostgresSplit> context;
    private final SplitDiscovery discovery;
    private final List<PostgresSplit> pending;

    /**
     * Whether the job has a stopping position. Only then is a reader with nothing left to read told
     * so: a reader of an unbounded job stays open, so a stop-with-savepoint never meets a subtask
     * that is finishing and a split given back on failover always has somewhere to go.
     */
    private final boolean bounded;

    private final Set<String> assignedSlots;
    private final Set<String> finishedChunks;

    /** The published tables the job covers; null while unknown (state from older versions). */
    private Set<String> tables;

    /** Whether fresh discovery ran, in this run or before the restore. */
    private boolean discovered;

    /** Whether this run's discovery (fresh, or added tables on a restore) has finished. */
    private boolean ready;

    /** Whether the stream splits may be handed out: the snapshot, if any, is done downstream. */
    private boolean released;

    /** The first checkpoint taken after the snapshot finished; its completion releases. */
    private long releaseCheckpoint = -1;

    private boolean checkpointSeen;

    private boolean chunksFinishedInThisRun;

    /** Chunk requests not served yet, one entry per request (a reader keeps two in flight). */
    private final Deque<Integer> waitingForChunk = new ArrayDeque<>();

    /**
     * Readers already told that no more splits come (bounded jobs). Told once per attempt: a reader
     * that was told may finish, and an event to a finished task is "lost", which Flink answers with
     * a failover. A restarted reader registers again and is told again.
     */
    private final Set<Integer> toldNoMoreSplits = new HashSet<>();

    public PostgresSourceEnumerator(
            SplitEnumeratorContext<PostgresSplit> context,
            SplitDiscovery discovery,
            boolean bounded,
            PostgresEnumeratorState restored) {
        this.context = context;
        this.discovery = discovery;
        this.bounded = bounded;
        this.pending = new ArrayList<>(restored.pending());
        this.assignedSlots = new LinkedHashSet<>(restored.assignedSlots());
        this.finishedChunks = new LinkedHashSet<>(restored.finishedChunks());
        this.tables = restored.tables() == null ? null : new LinkedHashSet<>(restored.tables());
        this.discovered = restored.discovered();
    }

    @Override
    public void start() {
        if (!discovered) {
            context.callAsync(discovery::discover, this::discovered);
            return;
        }
        Set<String> known = tables == null ? null : Set.copyOf(tables);
        context.callAsync(() -> discovery.discoverAddedTables(known), this::discovered);
    }

    /** Coordinator thread: takes in what discovery found, fresh or on a restore. */
    private void discovered(SplitDiscovery.Discovered found, Throwable error) {
        if (error != null) {
            throw new FlinkRuntimeException(
                    "pgstream could not prepare replication: " + error.getMessage(), error);
        }
        boolean restore = discovered;
        Set<String> added = new LinkedHashSet<>();
        for (PostgresSplit split : found.splits()) {
            if (!assignedSlots.contains(split.splitId())
                    && !finishedChunks.contains(split.splitId())) {
                pending.add(split);
                if (split.isSnapshot()) {
                    added.add(split.chunk().table().toString());
                }
            }
        }
        if (restore && !added.isEmpty()) {
            LOG.info("Tables new since the savepoint, snapshotted before streaming: {}", added);
        }
        if (tables == null) {
            tables = new LinkedHashSet<>();
        }
        tables.addAll(found.tables());
        discovered = true;
        ready = true;
        sortPending();
        serveChunkRequests();
        LOG.info(
                "Replication splits ready: {} snapshot chunk(s), stream splits {}",
                pending.stream().filter(PostgresSplit::isSnapshot).count(),
                pending.stream().filter(sp -> !sp.isSnapshot()).toList());
        if (!snapshotDone()) {
            assignPending();
        } else if (!chunksFinishedInThisRun || !streams()) {
            // Nothing to read first; a restored snapshot that had finished was covered by the
            // checkpoint restored from.
            release();
        } else {
            // Restored chunks finished while discovery ran: as after any snapshot, the stream
            // waits for a checkpoint that covers them.
            scheduleReleaseWithoutCheckpoints();
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Snapshot chunks go to whichever reader asks; stream splits are pushed.
        waitingForChunk.add(subtaskId);
        serveChunkRequests();
        assignPending();
    }

    private void serveChunkRequests() {
        if (!ready) {
            return;
        }
        Iterator<Integer> readers = waitingForChunk.iterator();
        while (readers.hasNext()) {
            int reader = readers.next();
            if (!context.registeredReaders().containsKey(reader)) {
                readers.remove();
                continue;
            }
            PostgresSplit chunk =
                    pending.stream().filter(PostgresSplit::isSnapshot).findFirst().orElse(null);
            if (chunk == null) {
                return;
            }
            pending.remove(chunk);
            context.assignSplit(chunk, reader);
            assignedSlots.add(chunk.splitId());
            readers.remove();
        }
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        if (event instanceof ChunksFinishedEvent) {
            finishedChunks.addAll(((ChunksFinishedEvent) event).splitIds());
            chunksFinishedInThisRun = true;
            if (!released && ready && snapshotDone() && !streams()) {
                // Nothing to stream (snapshot-only): nothing to order the snapshot against.
                release();
            } else if (!released && ready && snapshotDone()) {
                LOG.info(
                        "Snapshot finished ({} chunks); the stream starts after the next"
                                + " checkpoint",
                        finishedChunks.size());
                scheduleReleaseWithoutCheckpoints();
            }
            assignPending();
        }
    }

    /** Whether the job has stream splits, pending here or held by readers. */
    private boolean streams() {
        return pending.stream().anyMatch(sp -> !sp.isSnapshot())
                || assignedSlots.stream()
                        .anyMatch(id -> PostgresSplit.kindOfId(id) == SplitKind.STREAM);
    }

    /** The stream may start: readers get the event, then their stream splits. */
    private void release() {
        released = true;
        for (int reader : context.registeredReaders().keySet()) {
            context.sendEventToSourceReader(reader, new StreamReleasedEvent());
        }
        assignPending();
    }

    /** All chunks handed out and reported finished (true when there never were any). */
    private boolean snapshotDone() {
        return pending.stream().noneMatch(PostgresSplit::isSnapshot)
                && assignedSlots.stream()
                        .filter(id -> PostgresSplit.kindOfId(id) == SplitKind.SNAPSHOT_CHUNK)
                        .allMatch(finishedChunks::contains);
    }

    /**
     * Without checkpointing no checkpoint will ever release the stream; if none has been seen 10 s
     * after the snapshot finished, release it then (records are long flushed downstream by then).
     */
    private void scheduleReleaseWithoutCheckpoints() {
        context.callAsync(
                () -> {
                    Thread.sleep(10_000);
                    return null;
                },
                (ignored, error) -> {
                    if (!released && !checkpointSeen) {
                        LOG.info("No checkpoint seen: starting the stream after the snapshot");
                        release();
                    }
                });
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (!released && releaseCheckpoint >= 0 && checkpointId >= releaseCheckpoint) {
            release();
        }
    }

    private void sortPending() {
        pending.sort(
                (a, b) -> {
                    if (a.isSnapshot() != b.isSnapshot()) {
                        return a.isSnapshot() ? -1 : 1;
                    }
                    // Chunks keep their planned order (the sort is stable).
                    return a.isSnapshot() ? 0 : a.slotName().compareTo(b.slotName());
                });
    }

    @Override
    public void addSplitsBack(List<PostgresSplit> splits, int subtaskId) {
        for (PostgresSplit split : splits) {
            assignedSlots.remove(split.splitId());
            pending.add(split);
        }
        sortPending();
        serveChunkRequests();
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        toldNoMoreSplits.remove(subtaskId);
        if (released) {
            // A reader (re)started after the release: its restored stream splits may go.
            context.sendEventToSourceReader(subtaskId, new StreamReleasedEvent());
        }
        assignPending();
    }

    private void assignPending() {
        if (!ready || !released) {
            return;
        }
        int parallelism = context.currentParallelism();
        Set<Integer> registered = context.registeredReaders().keySet();
        Iterator<PostgresSplit> it = pending.iterator();
        int index = 0;
        while (it.hasNext()) {
            PostgresSplit split = it.next();
            if (split.isSnapshot()) {
                continue;
            }
            int owner = ownerOf(split, index++, parallelism);
            if (registered.contains(owner)) {
                context.assignSplit(split, owner);
                assignedSlots.add(split.splitId());
                it.remove();
            }
        }
        // Splits are fixed once discovered: in a bounded job a reader that has what it will ever
        // get is told so, which lets the job finish.
        if (!bounded) {
            return;
        }
        for (int reader : registered) {
            boolean waiting = false;
            int i = 0;
            for (PostgresSplit split : pending) {
                waiting |= split.isSnapshot() || ownerOf(split, i++, parallelism) == reader;
            }
            if (!waiting && toldNoMoreSplits.add(reader)) {
                context.signalNoMoreSplits(reader);
            }
        }
    }

    /**
     * The subtask that reads a split: by the slot's position among all slots of the job, so the
     * spread is even and stable. A split given back is re-placed by its position among pending
     * splits, which keeps it on a live reader.
     */
    private static int ownerOf(PostgresSplit split, int index, int parallelism) {
        return index % parallelism;
    }

    @Override
    public PostgresEnumeratorState snapshotState(long checkpointId) {
        checkpointSeen = true;
        if (!released && releaseCheckpoint < 0 && ready && snapshotDone()) {
            releaseCheckpoint = checkpointId;
        }
        return new PostgresEnumeratorState(
                discovered, pending, assignedSlots, finishedChunks, tables);
    }

    @Override
    public void close() {}
}
