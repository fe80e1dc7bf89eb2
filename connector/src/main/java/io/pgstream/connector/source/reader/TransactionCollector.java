package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.TransactionListener;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * Buffers the transactions of one slot as the assembler rebuilds them and queues each one, whole,
 * once it commits. Plain transactions and streamed ones (several may be open at once, in chunks)
 * are buffered the same way, in a {@link SpillingTransactionBuffer} that moves to disk past its
 * memory budget; aborted streamed transactions and subtransactions are dropped.
 *
 * <p>Two filters apply at commit: a transaction at or below {@code skipThrough} (the restored
 * position) was already emitted before the restore and is dropped, which makes emission
 * exactly-once; a transaction past {@code stopAfter} (a bounded split's end) ends the split.
 */
final class TransactionCollector implements TransactionListener {

    private final Path spillDirectory;
    private final long memoryBudget;
    private final Lsn skipThrough;
    private final Lsn stopAfter;

    private final Map<Long, SpillingTransactionBuffer> open = new HashMap<>();
    private final Set<Long> skipped = new HashSet<>();
    private final Queue<CommittedTransaction> committed = new ArrayDeque<>();
    private boolean reachedStop;
    private long skippedTransactions;

    /**
     * @param skipThrough drop transactions committed at or below this LSN; null for none
     * @param stopAfter end the split at the first transaction committed after this LSN; null for an
     *     unbounded split
     */
    TransactionCollector(Path spillDirectory, long memoryBudget, Lsn skipThrough, Lsn stopAfter) {
        this.spillDirectory = spillDirectory;
        this.memoryBudget = memoryBudget;
        this.skipThrough = skipThrough;
        this.stopAfter = stopAfter;
    }

    @Override
    public void begin(long xid, Lsn commitLsn, Instant commitTime) {
        // A plain transaction's commit LSN is known up front: skip it without buffering.
        if (isAtOrBelowSkip(commitLsn) || isPastStop(commitLsn)) {
            skipped.add(xid);
        } else {
            open.put(xid, new SpillingTransactionBuffer(spillDirectory, memoryBudget));
        }
    }

    @Override
    public void streamStart(long xid, boolean firstSegment) {
        open.computeIfAbsent(xid, x -> new SpillingTransactionBuffer(spillDirectory, memoryBudget));
    }

    @Override
    public void change(long xid, long subXid, ChangeEvent event, int wireSize) {
        SpillingTransactionBuffer buffer = open.get(xid);
        if (buffer != null) {
            buffer.append(subXid, event, wireSize);
        } else if (!skipped.contains(xid)) {
            throw new IllegalStateException(
                    "Change of transaction " + xid + " outside Begin/Commit or a stream block");
        }
    }

    @Override
    public void streamStop() {}

    @Override
    public void commit(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime) {
        SpillingTransactionBuffer buffer = open.remove(xid);
        boolean wasSkipped = skipped.remove(xid);
        if (isPastStop(commitLsn)) {
            reachedStop = true;
        }
        if (buffer == null) {
            if (wasSkipped && isAtOrBelowSkip(commitLsn)) {
                skippedTransactions++;
            }
            return;
        }
        if (isAtOrBelowSkip(commitLsn) || isPastStop(commitLsn) || reachedStop) {
            buffer.close();
            skippedTransactions++;
            return;
        }
        committed.add(new CommittedTransaction(xid, commitLsn, endLsn, commitTime, buffer));
    }

    @Override
    public void streamAbort(long xid, long subXid) {
        if (xid == subXid) {
            SpillingTransactionBuffer buffer = open.remove(xid);
            if (buffer != null) {
                buffer.close();
            }
        } else {
            SpillingTransactionBuffer buffer = open.get(xid);
            if (buffer != null) {
                buffer.abortSubtransaction(subXid);
            }
        }
    }

    /** The next committed transaction, in commit order, or null. */
    CommittedTransaction poll() {
        return committed.poll();
    }

    int readyCount() {
        return committed.size();
    }

    /**
     * The one answer to "is a transaction open?": a Begin without its Commit yet (buffered or being
     * skipped), or a streamed transaction between its first Stream Start and its Stream Commit or
     * Stream Abort, which covers every open stream block.
     */
    boolean hasOpenTransaction() {
        return !open.isEmpty() || !skipped.isEmpty();
    }

    /** Whether no transaction is buffered: none open and none waiting to be polled. */
    boolean isEmpty() {
        return !hasOpenTransaction() && committed.isEmpty();
    }

    /** Whether a bounded split saw a transaction past its end. */
    boolean reachedStop() {
        return reachedStop;
    }

    long skippedTransactions() {
        return skippedTransactions;
    }

    long openTransactions() {
        return open.size();
    }

    /** Deletes every buffer; the collector is unusable afterwards. */
    void close() {
        open.values().forEach(SpillingTransactionBuffer::close);
        open.clear();
        CommittedTransaction t;
        while ((t = committed.poll()) != null) {
            t.close();
        }
    }

    private boolean isAtOrBelowSkip(Lsn commitLsn) {
        return skipThrough != null && commitLsn.compareTo(skipThrough) <= 0;
    }

    private boolean isPastStop(Lsn commitLsn) {
        return stopAfter != null && commitLsn.compareTo(stopAfter) > 0;
    }
}
