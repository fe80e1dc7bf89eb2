package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.PostgresSourceOptions;
import io.pgstream.connector.source.enumerator.ChunksFinishedEvent;
import io.pgstream.connector.source.enumerator.StreamReleasedEvent;
import io.pgstream.connector.source.split.PostgresSplit;
import io.pgstream.connector.source.split.PostgresSplitState;
import io.pgstream.connector.source.split.SplitKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source reader: emits whole transactions and acknowledges the slot when, and only when, a
 * checkpoint that covers them completes.
 *
 * <p>{@link #snapshotState} remembers each split's last emitted commit LSN under the checkpoint id;
 * {@link #notifyCheckpointComplete} takes the newest entry at or below the completed id and hands
 * it to the fetcher thread ({@link PostgresSourceFetcherManager#acknowledge}). A checkpoint that is
 * never completed is never acked; older pending entries are dropped with it, since a later
 * completed checkpoint subsumes them.
 *
 * <p>Stream splits wait for the enumerator's {@link StreamReleasedEvent}: on a restore the
 * enumerator may first have a snapshot to read (a table added since the savepoint), and changes
 * must not overtake it. Held splits stay in the checkpointed state.
 */
public final class PostgresSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                FetchedRecord, T, PostgresSplit, PostgresSplitState> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceReader.class);

    /** Warn when emitted changes have waited this long for a first completed checkpoint. */
    private static final long NO_CHECKPOINT_WARNING_MILLIS = 60_000;

    /** In EMIT mode, acknowledge at most this often. */
    private static final long EMIT_ACK_INTERVAL_MILLIS = 1_000;

    private final PostgresSourceFetcherManager fetcherManager;
    private final PostgresSourceOptions.AckMode ackMode;
    private final SortedMap<Long, Map<String, Lsn>> lsnsByCheckpoint = new TreeMap<>();
    private final Map<String, Lsn> emittedNotAcked = new HashMap<>();
    private long firstUnacknowledgedEmission = -1;
    private long lastWarning = -1;
    private long lastEmitAck;
    private boolean checkpointCompleted;
    private boolean streamReleased;
    private final List<PostgresSplit> heldStreams = new ArrayList<>();

    public PostgresSourceReader(
            PostgresSourceFetcherManager fetcherManager,
            PostgresRecordEmitter<T> emitter,
            Configuration config,
            SourceReaderContext context,
            PostgresSourceOptions.AckMode ackMode) {
        super(fetcherManager, emitter, config, context);
        this.fetcherManager = fetcherManager;
        this.ackMode = ackMode;
        emitter.onRecordEmitted(this::recordEmitted);
        if (ackMode == PostgresSourceOptions.AckMode.EMIT) {
            LOG.warn(
                    "ack.mode=EMIT: the slot is acknowledged after emission, not on checkpoints."
                            + " Delivery is at-least-once; a restore may repeat changes.");
        }
    }

    /** Task thread, after each whole transaction or snapshot chunk. */
    private void recordEmitted(String splitId, Lsn position) {
        long now = System.currentTimeMillis();
        if (ackMode == PostgresSourceOptions.AckMode.EMIT) {
            emittedNotAcked.put(splitId, position);
            if (now - lastEmitAck >= EMIT_ACK_INTERVAL_MILLIS) {
                lastEmitAck = now;
                fetcherManager.acknowledge(new HashMap<>(emittedNotAcked));
                emittedNotAcked.clear();
            }
            return;
        }
        if (checkpointCompleted) {
            return;
        }
        if (firstUnacknowledgedEmission < 0) {
            firstUnacknowledgedEmission = now;
        } else if (now - firstUnacknowledgedEmission > NO_CHECKPOINT_WARNING_MILLIS
                && (lastWarning < 0 || now - lastWarning > 10 * NO_CHECKPOINT_WARNING_MILLIS)) {
            lastWarning = now;
            LOG.warn(
                    "Changes were emitted {} s ago and no checkpoint has completed since: the"
                            + " replication slot is acknowledged only on checkpoint completion, so"
                            + " PostgreSQL keeps all WAL since then. Enable checkpointing"
                            + " (execution.checkpointing.interval), or set ack.mode=EMIT for"
                            + " at-least-once delivery without checkpoints.",
                    (now - firstUnacknowledgedEmission) / 1000);
        }
    }

    @Override
    public void start() {
        // Stream splits are pushed by the enumerator; snapshot chunks are pulled, two at a time,
        // so the fetcher always has the next chunk when one finishes: an idle fetcher is shut
        // down, and its successor would open a new connection for every chunk.
        context.sendSplitRequest();
        context.sendSplitRequest();
    }

    @Override
    public void addSplits(List<PostgresSplit> splits) {
        List<PostgresSplit> now = new ArrayList<>();
        for (PostgresSplit split : splits) {
            if (split.isSnapshot() || streamReleased) {
                now.add(split);
            } else {
                LOG.info("Stream split {} waits until the snapshot is done", split.splitId());
                heldStreams.add(split);
            }
        }
        if (!now.isEmpty()) {
            super.addSplits(now);
        }
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        if (!(event instanceof StreamReleasedEvent)) {
            super.handleSourceEvents(event);
            return;
        }
        streamReleased = true;
        if (!heldStreams.isEmpty()) {
            List<PostgresSplit> released = new ArrayList<>(heldStreams);
            heldStreams.clear();
            super.addSplits(released);
        }
    }

    @Override
    protected PostgresSplitState initializedState(PostgresSplit split) {
        return new PostgresSplitState(split);
    }

    @Override
    protected PostgresSplit toSplitType(String splitId, PostgresSplitState state) {
        return state.toSplit();
    }

    @Override
    protected void onSplitFinished(Map<String, PostgresSplitState> finishedSplitIds) {
        // A bounded stream split ends; its slot keeps whatever the last checkpoint acknowledged.
        // A finished snapshot chunk is reported, and the next one asked for.
        List<String> chunks = new ArrayList<>();
        finishedSplitIds.forEach(
                (id, state) -> {
                    if (state.kind() == SplitKind.SNAPSHOT_CHUNK) {
                        chunks.add(id);
                    }
                });
        if (!chunks.isEmpty()) {
            context.sendSourceEventToCoordinator(new ChunksFinishedEvent(chunks));
            context.sendSplitRequest();
        }
    }

    @Override
    public List<PostgresSplit> snapshotState(long checkpointId) {
        List<PostgresSplit> splits = new ArrayList<>(super.snapshotState(checkpointId));
        Map<String, Lsn> lsns = new HashMap<>();
        for (PostgresSplit split : splits) {
            if (!split.start().isFromSlot()) {
                lsns.put(split.splitId(), split.start().lastCommitLsn());
            }
        }
        lsnsByCheckpoint.put(checkpointId, lsns);
        // Held splits have read nothing: nothing to acknowledge, but they must survive a restore.
        splits.addAll(heldStreams);
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        checkpointCompleted = true;
        if (ackMode == PostgresSourceOptions.AckMode.EMIT) {
            lsnsByCheckpoint.clear();
            return;
        }
        SortedMap<Long, Map<String, Lsn>> covered = lsnsByCheckpoint.headMap(checkpointId + 1);
        if (covered.isEmpty()) {
            return;
        }
        Map<String, Lsn> newest = new HashMap<>();
        for (Map<String, Lsn> lsns : covered.values()) {
            newest.putAll(lsns);
        }
        covered.clear();
        if (!newest.isEmpty()) {
            fetcherManager.acknowledge(newest);
        }
    }
}
