package io.pgstream.connector.source.enumerator;

import io.pgstream.connector.source.split.PostgresSplit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 * Hands each replication split (one slot) to exactly one reader.
 *
 * <p>On a fresh start it runs {@link SplitDiscovery} asynchronously (slot setup is network I/O),
 * then assigns split {@code i} of the slot-name-sorted list to subtask {@code i % parallelism}, so
 * the same slot lands on the same subtask run after run. Splits come back through {@link
 * #addSplitsBack} when a reader fails before its first checkpoint; after a checkpoint they are in
 * that reader's state instead, and the enumerator remembers them as assigned.
 */
public final class PostgresSourceEnumerator
        implements SplitEnumerator<PostgresSplit, PostgresEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceEnumerator.class);

    private final SplitEnumeratorContext<PostgresSplit> context;
    private final SplitDiscovery discovery;
    private final List<PostgresSplit> pending;
    private final Set<String> assignedSlots;
    private final Set<String> finishedChunks;
    private boolean discovered;

    /** Whether the stream splits may be handed out: the snapshot, if any, is done downstream. */
    private boolean released;

    /** The first checkpoint taken after the snapshot finished; its completion releases. */
    private long releaseCheckpoint = -1;

    private boolean checkpointSeen;

    /** Chunk requests not served yet, one entry per request (a reader keeps two in flight). */
    private final Deque<Integer> waitingForChunk = new ArrayDeque<>();

    public PostgresSourceEnumerator(
            SplitEnumeratorContext<PostgresSplit> context,
            SplitDiscovery discovery,
            PostgresEnumeratorState restored) {
        this.context = context;
        this.discovery = discovery;
        this.pending = new ArrayList<>(restored.pending());
        this.assignedSlots = new LinkedHashSet<>(restored.assignedSlots());
        this.finishedChunks = new LinkedHashSet<>(restored.finishedChunks());
        this.discovered = restored.discovered();
        // A restored snapshot that had finished was covered by the checkpoint restored from.
        this.released = discovered && snapshotDone();
    }

    @Override
    public void start() {
        if (discovered) {
            assignPending();
            return;
        }
        context.callAsync(
                discovery::discover,
                (splits, error) -> {
                    if (error != null) {
                        throw new FlinkRuntimeException(
                                "pgstream could not prepare replication: " + error.getMessage(),
                                error);
                    }
                    discovered = true;
                    for (PostgresSplit split : splits) {
                        if (!assignedSlots.contains(split.splitId())
                                && !finishedChunks.contains(split.splitId())) {
                            pending.add(split);
                        }
                    }
                    sortPending();
                    released = snapshotDone();
                    serveChunkRequests();
                    LOG.info(
                            "Replication splits ready: {} snapshot chunk(s), stream splits {}",
                            pending.stream().filter(PostgresSplit::isSnapshot).count(),
                            pending.stream().filter(sp -> !sp.isSnapshot()).toList());
                    assignPending();
                });
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Snapshot chunks go to whichever reader asks; stream splits are pushed.
        waitingForChunk.add(subtaskId);
        serveChunkRequests();
        assignPending();
    }

    private void serveChunkRequests() {
        if (!discovered) {
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
            if (!released
                    && snapshotDone()
                    && pending.stream().allMatch(PostgresSplit::isSnapshot)) {
                // Nothing to stream (snapshot-only): nothing to order the snapshot against.
                released = true;
            } else if (!released && snapshotDone()) {
                LOG.info(
                        "Snapshot finished ({} chunks); the stream starts after the next"
                                + " checkpoint",
                        finishedChunks.size());
                scheduleReleaseWithoutCheckpoints();
            }
            assignPending();
        }
    }

    /** All chunks handed out and reported finished (true when there never were any). */
    private boolean snapshotDone() {
        return pending.stream().noneMatch(PostgresSplit::isSnapshot)
                && assignedSlots.stream()
                        .filter(id -> id.startsWith("snapshot/"))
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
                        released = true;
                        assignPending();
                    }
                });
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (!released && releaseCheckpoint >= 0 && checkpointId >= releaseCheckpoint) {
            released = true;
            assignPending();
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
        assignPending();
    }

    private void assignPending() {
        if (!discovered || !released) {
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
        // Splits are fixed once discovered: a reader that has what it will ever get is told so,
        // which lets a bounded job finish.
        for (int reader : registered) {
            boolean waiting = false;
            int i = 0;
            for (PostgresSplit split : pending) {
                waiting |= split.isSnapshot() || ownerOf(split, i++, parallelism) == reader;
            }
            if (!waiting) {
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
        if (!released && releaseCheckpoint < 0 && discovered && snapshotDone()) {
            releaseCheckpoint = checkpointId;
        }
        return new PostgresEnumeratorState(discovered, pending, assignedSlots, finishedChunks);
    }

    @Override
    public void close() {}
}
