package io.pgstream.connector.source.reader;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.split.PostgresSplit;
import io.pgstream.connector.source.split.SplitKind;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

/**
 * The FLIP-27 split reader of one subtask, on the fetcher thread: dispatches between the snapshot
 * half ({@link SnapshotChunkLoader}, one whole chunk per fetch, chunks first) and the stream half
 * (a {@link SlotStreamReader} per assigned slot, polled in turn).
 *
 * <p>While every slot is quiet a fetch keeps polling for up to {@link IdleWait#FETCH}, paced by
 * {@link IdleWait} (no busy loop on an idle slot), letting each slot follow the server's position
 * ({@link SlotStreamReader#idle}) and the {@link Heartbeat} beat, then returns to the fetcher loop.
 * Acknowledgements come in through {@link #acknowledge}, run by the fetcher thread as a task
 * (pgjdbc's stream is not thread-safe).
 */
public final class PostgresSplitReader implements SplitReader<FetchedRecord, PostgresSplit> {

    private final ReplicationStreamFactory streams;
    private final Path spillDirectory;
    private final long memoryBudget;
    private final int maxMessages;
    private final SourceMetrics metrics;
    private final Heartbeat heartbeat;
    private final SnapshotChunkLoader snapshots;
    private final Map<String, SlotStreamReader> slots = new LinkedHashMap<>();
    private final Deque<PostgresSplit> chunks = new ArrayDeque<>();
    private final IdleWait idleWait;
    private volatile boolean wakeUp;

    public PostgresSplitReader(
            PgConnectionConfig connection,
            ReplicationStreamFactory streams,
            Path spillDirectory,
            long memoryBudget,
            int maxMessages,
            SourceMetrics metrics,
            Heartbeat heartbeat) {
        this(
                connection,
                streams,
                spillDirectory,
                memoryBudget,
                maxMessages,
                metrics,
                heartbeat,
                new IdleWait());
    }

    /** As the public constructor, with the pacing of idle polls given (tests: a fake clock). */
    PostgresSplitReader(
            PgConnectionConfig connection,
            ReplicationStreamFactory streams,
            Path spillDirectory,
            long memoryBudget,
            int maxMessages,
            SourceMetrics metrics,
            Heartbeat heartbeat,
            IdleWait idleWait) {
        this.idleWait = idleWait;
        this.streams = streams;
        this.spillDirectory = spillDirectory;
        this.memoryBudget = memoryBudget;
        this.maxMessages = maxMessages;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
        this.snapshots = new SnapshotChunkLoader(connection, spillDirectory, memoryBudget, metrics);
    }

    @Override
    public RecordsWithSplitIds<FetchedRecord> fetch() throws IOException {
        RecordsBySplits.Builder<FetchedRecord> out = new RecordsBySplits.Builder<>();
        if (!chunks.isEmpty()) {
            PostgresSplit chunk = chunks.poll();
            out.add(chunk.splitId(), snapshots.read(chunk));
            out.addFinishedSplit(chunk.splitId());
            return out.build();
        }
        if (slots.isEmpty()) {
            return out.build();
        }
        idleWait.startFetch();
        boolean any = false;
        while (!wakeUp) {
            int read = 0;
            int[] handedOver = {0};
            for (SlotStreamReader slot : new ArrayList<>(slots.values())) {
                String id = slot.splitId();
                read +=
                        slot.read(
                                maxMessages,
                                tx -> {
                                    out.add(id, tx);
                                    handedOver[0]++;
                                });
                if (slot.isFinished()) {
                    out.addFinishedSplit(id);
                    slots.remove(id);
                    slot.close();
                    any = true;
                }
            }
            any |= handedOver[0] > 0;
            if (read > 0) {
                idleWait.activity();
            }
            if (any || slots.isEmpty() || idleWait.fetchTimeUp()) {
                break;
            }
            if (read == 0) {
                for (SlotStreamReader slot : slots.values()) {
                    slot.idle();
                }
                heartbeat.maybeBeat();
                if (!wakeUp) {
                    idleWait.pause();
                }
            }
        }
        wakeUp = false;
        return out.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<PostgresSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("Unsupported split change " + change);
        }
        for (PostgresSplit split : change.splits()) {
            if (split.kind() == SplitKind.SNAPSHOT_CHUNK) {
                chunks.add(split);
                continue;
            }
            try {
                slots.put(
                        split.splitId(),
                        new SlotStreamReader(
                                split,
                                streams,
                                spillDirectory,
                                memoryBudget,
                                metrics,
                                System::nanoTime));
                metrics.streamStarted();
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "Could not start replication from slot '"
                                + split.slotName()
                                + "': "
                                + e.getMessage(),
                        e);
            }
        }
    }

    /** Acknowledges the slots up to the given commit LSNs. Fetcher thread only. */
    public void acknowledge(Map<String, Lsn> lsnBySplit) {
        lsnBySplit.forEach(
                (splitId, lsn) -> {
                    SlotStreamReader slot = slots.get(splitId);
                    if (slot != null) {
                        slot.acknowledgeCommit(lsn);
                    }
                });
    }

    @Override
    public void wakeUp() {
        wakeUp = true;
        idleWait.wakeUp();
    }

    @Override
    public void close() throws Exception {
        for (SlotStreamReader slot : slots.values()) {
            slot.close();
        }
        slots.clear();
        heartbeat.close();
        snapshots.close();
    }
}
