package io.pgstream.connector.source.reader;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.ChangeEventAssembler;
import io.pgstream.connector.snapshot.ChunkReader;
import io.pgstream.connector.source.split.PostgresSplit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slots assigned to one subtask on the fetcher thread: pgoutput bytes from {@link
 * ReplicationStream}, through the pure {@link ChangeEventAssembler}, into whole committed
 * transactions handed to the emitter.
 *
 * <p>Acknowledgements come in through {@link #acknowledge}, run by the fetcher thread as a task
 * (pgjdbc's stream is not thread-safe). Besides those, the reader acknowledges one thing on its
 * own: while nothing is open or waiting to be emitted and everything handed over has been
 * acknowledged, the confirmed position follows the server's sent WAL end, so WAL written for other
 * tables or databases does not pile up behind an idle slot. That is safe because every transaction
 * that committed before that position has been delivered (or filtered out by the publication)
 * already.
 */
public final class PostgresSplitReader implements SplitReader<FetchedRecord, PostgresSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSplitReader.class);

    /** How long one fetch keeps polling an idle stream before returning to the fetcher loop. */
    private static final long IDLE_FETCH_NANOS = Duration.ofMillis(100).toNanos();

    /** Idle-follow acknowledgements are sent at most this often. */
    private static final long IDLE_ACK_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    private final ReplicationStreamFactory streams;
    private final Path spillDirectory;
    private final long memoryBudget;
    private final int maxMessages;
    private final SourceMetrics metrics;
    private final Heartbeat heartbeat;
    private final Map<String, SlotReader> slots = new LinkedHashMap<>();
    private final Deque<PostgresSplit> chunks = new ArrayDeque<>();
    private final PgConnectionConfig connection;
    private ChunkReader chunkReader;
    private final Map<String, Long> estimates = new HashMap<>();
    private volatile boolean wakeUp;

    public PostgresSplitReader(
            PgConnectionConfig connection,
            ReplicationStreamFactory streams,
            Path spillDirectory,
            long memoryBudget,
            int maxMessages,
            SourceMetrics metrics,
            Heartbeat heartbeat) {
        this.connection = connection;
        this.streams = streams;
        this.spillDirectory = spillDirectory;
        this.memoryBudget = memoryBudget;
        this.maxMessages = maxMessages;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
    }

    @Override
    public RecordsWithSplitIds<FetchedRecord> fetch() throws IOException {
        RecordsBySplits.Builder<FetchedRecord> out = new RecordsBySplits.Builder<>();
        if (!chunks.isEmpty()) {
            readChunk(chunks.poll(), out);
            return out.build();
        }
        if (slots.isEmpty()) {
            return out.build();
        }
        long idleUntil = System.nanoTime() + IDLE_FETCH_NANOS;
        boolean any = false;
        while (!wakeUp) {
            int read = 0;
            for (SlotReader slot : new ArrayList<>(slots.values())) {
                read += slot.read(maxMessages, out);
                if (slot.finished) {
                    out.addFinishedSplit(slot.split.splitId());
                    slots.remove(slot.split.splitId());
                    slot.close();
                    any = true;
                }
                any |= slot.collector.readyCount() > 0 || slot.handedOver;
                slot.handedOver = false;
            }
            if (any || slots.isEmpty() || System.nanoTime() > idleUntil) {
                break;
            }
            if (read == 0) {
                for (SlotReader slot : slots.values()) {
                    slot.idle();
                }
                heartbeat.maybeBeat();
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
            if (split.isSnapshot()) {
                chunks.add(split);
                continue;
            }
            try {
                slots.put(split.splitId(), new SlotReader(split));
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

    /**
     * Reads a whole snapshot chunk as one record of {@code read} events (spilled past the memory
     * budget like a large transaction), so a checkpoint never stands inside a chunk.
     */
    private void readChunk(PostgresSplit split, RecordsBySplits.Builder<FetchedRecord> out)
            throws IOException {
        SpillingTransactionBuffer buffer =
                new SpillingTransactionBuffer(spillDirectory, memoryBudget);
        try {
            if (chunkReader == null) {
                chunkReader = new ChunkReader(connection);
            }
            long[] rows = {0};
            Lsn asOf =
                    chunkReader.readMeasured(
                            split.chunk(),
                            split.keyTypes(),
                            (e, bytes) -> {
                                // Counted like a streamed change of that size: a chunk far larger
                                // than planned (clustered keys) spills instead of filling the heap.
                                buffer.append(0, e, bytes);
                                rows[0]++;
                            });
            String table = split.chunk().table().toString();
            if (!estimates.containsKey(table)) {
                // The planner's count (exact after an ordered pass), else the statistics'.
                long planned = split.tableRowsEstimate();
                estimates.put(
                        table,
                        planned >= 0 ? planned : chunkReader.estimatedRows(split.chunk().table()));
            }
            metrics.snapshotRowsRead(table, rows[0], estimates.get(table));
            metrics.transactionBuffered();
            out.add(split.splitId(), new SnapshotChunkRows(asOf, buffer));
            out.addFinishedSplit(split.splitId());
        } catch (SQLException e) {
            buffer.close();
            throw new IOException(
                    "Snapshot of " + split.chunk().id() + " failed: " + e.getMessage(), e);
        }
    }

    /** Acknowledges the slots up to the given commit LSNs. Fetcher thread only. */
    public void acknowledge(Map<String, Lsn> lsnBySplit) {
        lsnBySplit.forEach(
                (splitId, lsn) -> {
                    SlotReader slot = slots.get(splitId);
                    if (slot != null) {
                        slot.acknowledgeCommit(lsn);
                    }
                });
    }

    @Override
    public void wakeUp() {
        wakeUp = true;
    }

    @Override
    public void close() throws Exception {
        for (SlotReader slot : slots.values()) {
            slot.close();
        }
        slots.clear();
        heartbeat.close();
        if (chunkReader != null) {
            chunkReader.close();
        }
    }

    /** One slot's stream, assembler and buffered transactions. */
    private final class SlotReader {
        final PostgresSplit split;
        final ReplicationStream stream;
        final ChangeEventAssembler assembler;
        final TransactionCollector collector;
        final Lsn stopLsn;
        Lsn acked = Lsn.INVALID;
        Lsn lastHandedOver;

        /** End LSN of each handed-over transaction by commit LSN, until acknowledged. */
        final NavigableMap<Lsn, Lsn> endByCommit = new TreeMap<>();

        long lastIdleAck;
        boolean finished;
        boolean handedOver;

        SlotReader(PostgresSplit split) throws SQLException {
            this.split = split;
            Lsn skipThrough = split.start().isFromSlot() ? null : split.start().lastCommitLsn();
            this.stopLsn = split.stop().isBounded() ? split.stop().lsn() : null;
            ReplicationStreamFactory.OpenedStream opened =
                    streams.open(
                            split.slotName(),
                            split.publicationName(),
                            skipThrough == null ? Lsn.INVALID : skipThrough);
            this.stream = opened.stream();
            this.collector =
                    new TransactionCollector(spillDirectory, memoryBudget, skipThrough, stopLsn);
            this.assembler = new ChangeEventAssembler(opened.protocolVersion(), collector);
            if (skipThrough != null) {
                acked = skipThrough;
            }
        }

        /** Reads up to {@code max} messages and hands over what committed; returns the count. */
        int read(int max, RecordsBySplits.Builder<FetchedRecord> out) throws IOException {
            int n = 0;
            try {
                while (n < max) {
                    ByteBuffer message = stream.readPending();
                    if (message == null) {
                        break;
                    }
                    n++;
                    Lsn lsn = stream.lastMessageLsn();
                    metrics.messageReceived(lsn, message.remaining());
                    assembler.accept(lsn, message);
                    if (collector.reachedStop()) {
                        break;
                    }
                    if (collector.readyCount() >= 64) {
                        break;
                    }
                }
            } catch (SQLException e) {
                throw new IOException(
                        "Replication from slot '"
                                + split.slotName()
                                + "' failed: "
                                + e.getMessage()
                                + ". The job restarts from its last checkpoint.",
                        e);
            }
            metrics.serverSent(stream.serverSentLsn());
            CommittedTransaction tx;
            while ((tx = collector.poll()) != null) {
                metrics.transactionBuffered();
                out.add(split.splitId(), tx);
                lastHandedOver = tx.commitLsn();
                endByCommit.put(tx.commitLsn(), tx.endLsn());
                handedOver = true;
            }
            if (stopLsn != null && (collector.reachedStop() || isDrainedPast(stopLsn))) {
                finished = true;
            }
            return n;
        }

        private boolean isDrainedPast(Lsn lsn) {
            return !assembler.inTransaction()
                    && !assembler.inStreamBlock()
                    && collector.isEmpty()
                    && stream.serverSentLsn().compareTo(lsn) >= 0;
        }

        /** Nothing arrived: let the confirmed position follow the server if all is delivered. */
        void idle() throws IOException {
            long now = System.nanoTime();
            if (now - lastIdleAck < IDLE_ACK_INTERVAL_NANOS) {
                return;
            }
            lastIdleAck = now;
            boolean allAcked = lastHandedOver == null || lastHandedOver.compareTo(acked) <= 0;
            Lsn sent = stream.serverSentLsn();
            if (allAcked
                    && !assembler.inTransaction()
                    && !assembler.inStreamBlock()
                    && collector.isEmpty()
                    && sent.isValid()
                    && sent.compareTo(acked) > 0) {
                LOG.debug("Slot {} idle: confirming server position {}", split.slotName(), sent);
                acknowledge(sent);
            }
        }

        /**
         * Confirms the transaction that committed at {@code commitLsn} (and all before it) by its
         * end LSN, so that a new reader of the slot starts after it rather than at it.
         */
        void acknowledgeCommit(Lsn commitLsn) {
            Lsn end = endByCommit.get(commitLsn);
            endByCommit.headMap(commitLsn, true).clear();
            acknowledge(end != null && end.isValid() ? end : commitLsn);
        }

        void acknowledge(Lsn lsn) {
            if (lsn.compareTo(acked) <= 0 && acked.isValid()) {
                return;
            }
            try {
                stream.acknowledge(lsn);
                acked = lsn;
                metrics.acknowledged(lsn);
            } catch (SQLException e) {
                // The next checkpoint acknowledges a later position; nothing is lost meanwhile.
                LOG.warn(
                        "Could not acknowledge {} on slot {}: {}",
                        lsn,
                        split.slotName(),
                        e.getMessage());
            }
        }

        void close() {
            collector.close();
            try {
                stream.close();
            } catch (Exception e) {
                LOG.warn(
                        "Closing the stream of slot {} failed: {}",
                        split.slotName(),
                        e.getMessage());
            }
        }
    }
}
