package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.ChangeEventAssembler;
import io.pgstream.connector.source.split.PostgresSplit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one slot's stream split: pgoutput bytes from its {@link ReplicationStream}, through the
 * pure {@link ChangeEventAssembler}, into whole {@link CommittedTransaction}s. A restored split
 * skips what it emitted before (commits at or below its starting position); a bounded split
 * finishes at its stopping position.
 *
 * <p>It decides what the slot is told: {@link #acknowledgeCommit} confirms a handed-over
 * transaction by its end LSN once a checkpoint covers it, and {@link #idle} lets the confirmed
 * position follow the server's sent WAL end while nothing is open or waiting and everything handed
 * over is acknowledged, so WAL written for other tables or databases does not pile up behind an
 * idle slot. That is safe because every transaction committed before that position has been
 * delivered (or filtered out by the publication) already.
 *
 * <p>Fetcher thread only, like the stream it owns.
 */
final class SlotStreamReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotStreamReader.class);

    /** Idle-follow acknowledgements are sent at most this often. */
    static final long IDLE_ACK_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    /** A read returns early once this many transactions are ready to hand over. */
    private static final int READY_LIMIT = 64;

    /**
     * A read also returns once its first ready transaction has waited this long. pgjdbc's {@code
     * readPending()} waits up to a millisecond for data, so a stream of one commit a millisecond
     * never looks drained: without this, the first of {@link #READY_LIMIT} transactions would wait
     * for the last one (64 ms at 1,000 commits/s). Draining a backlog reads far more than one
     * transaction a millisecond, so batches stay large there.
     */
    static final long HAND_OVER_NANOS = Duration.ofMillis(1).toNanos();

    private final PostgresSplit split;
    private final ReplicationStream stream;
    private final ChangeEventAssembler assembler;
    private final TransactionCollector collector;
    private final SourceMetrics metrics;
    private final LongSupplier nanoClock;
    private final Lsn stopLsn;

    /** End LSN of each handed-over transaction by commit LSN, until acknowledged. */
    private final NavigableMap<Lsn, Lsn> endByCommit = new TreeMap<>();

    private Lsn acked = Lsn.INVALID;
    private Lsn lastHandedOver;
    private long lastIdleAck;
    private boolean finished;

    /**
     * Opens the split's stream: at the slot's own position, or (restored) asking the server for the
     * split's last emitted commit, which is skipped again when it arrives.
     *
     * @param nanoClock {@link System#nanoTime()} in production; paces idle-follow acks
     */
    SlotStreamReader(
            PostgresSplit split,
            ReplicationStreamFactory streams,
            Path spillDirectory,
            long memoryBudget,
            SourceMetrics metrics,
            LongSupplier nanoClock)
            throws SQLException {
        this.split = split;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
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

    String splitId() {
        return split.splitId();
    }

    /** Whether a bounded split has read everything up to its stopping position. */
    boolean isFinished() {
        return finished;
    }

    /**
     * Reads up to {@code max} pending messages without blocking and hands every transaction that
     * committed to {@code handOver}, in commit order.
     *
     * @return the number of messages read; 0 when the stream had none
     */
    int read(int max, Consumer<CommittedTransaction> handOver) throws IOException {
        int n = 0;
        boolean anyReady = false;
        long firstReady = 0;
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
                if (collector.reachedStop() || collector.readyCount() >= READY_LIMIT) {
                    break;
                }
                if (collector.readyCount() > 0) {
                    long now = nanoClock.getAsLong();
                    if (!anyReady) {
                        anyReady = true;
                        firstReady = now;
                    } else if (now - firstReady >= HAND_OVER_NANOS) {
                        break;
                    }
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
            lastHandedOver = tx.commitLsn();
            endByCommit.put(tx.commitLsn(), tx.endLsn());
            handOver.accept(tx);
        }
        if (stopLsn != null && (collector.reachedStop() || isDrainedPast(stopLsn))) {
            finished = true;
        }
        return n;
    }

    /** Whether nothing is open or waiting and the server has sent everything up to {@code lsn}. */
    private boolean isDrainedPast(Lsn lsn) {
        return collector.isEmpty() && stream.serverSentLsn().compareTo(lsn) >= 0;
    }

    /**
     * Nothing arrived: lets the confirmed position follow the server's sent WAL end if everything
     * is delivered and acknowledged, at most once per {@link #IDLE_ACK_INTERVAL_NANOS}.
     */
    void idle() {
        long now = nanoClock.getAsLong();
        if (now - lastIdleAck < IDLE_ACK_INTERVAL_NANOS) {
            return;
        }
        lastIdleAck = now;
        boolean allAcked = lastHandedOver == null || lastHandedOver.compareTo(acked) <= 0;
        Lsn sent = stream.serverSentLsn();
        if (allAcked && collector.isEmpty() && sent.isValid() && sent.compareTo(acked) > 0) {
            LOG.debug("Slot {} idle: confirming server position {}", split.slotName(), sent);
            acknowledge(sent);
        }
    }

    /**
     * Confirms the transaction that committed at {@code commitLsn} (and all before it) by its end
     * LSN, so that a new reader of the slot starts after it rather than at it. A commit this reader
     * did not hand over (a restored position) is confirmed as is.
     */
    void acknowledgeCommit(Lsn commitLsn) {
        Lsn end = endByCommit.get(commitLsn);
        endByCommit.headMap(commitLsn, true).clear();
        acknowledge(end != null && end.isValid() ? end : commitLsn);
    }

    /** Sends {@code lsn} as flushed unless the slot was told as much already; never throws. */
    private void acknowledge(Lsn lsn) {
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

    /** Deletes buffered transactions and closes the stream; the slot becomes inactive. */
    @Override
    public void close() {
        collector.close();
        try {
            stream.close();
        } catch (Exception e) {
            LOG.warn("Closing the stream of slot {} failed: {}", split.slotName(), e.getMessage());
        }
    }
}
