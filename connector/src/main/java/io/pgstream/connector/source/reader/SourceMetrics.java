package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.Lsn;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/**
 * The source's metrics, registered in the reader's Flink metric group:
 *
 * <ul>
 *   <li>{@code changesPerSecond}, {@code bytesPerSecond} (pgoutput bytes received)
 *   <li>{@code currentLsn}, {@code confirmedLsn} (as unsigned longs; the slot's acked position)
 *   <li>{@code lagBytes}: the server's sent WAL end minus the confirmed position
 *   <li>{@code lagMillis}: now minus the commit time of the last emitted transaction
 *   <li>{@code transactionsBuffered}, {@code bytesSpilled}
 *   <li>{@code streaming}: 1 once this subtask reads a slot's stream (the snapshot, if any, is done
 *       by then: the enumerator releases stream splits after it), else 0
 * </ul>
 *
 * <p>Written from the fetcher thread (bytes, positions, buffering) and the task thread (emitted
 * changes), hence atomics.
 */
public final class SourceMetrics {

    private final Counter changes = new SimpleCounter();
    private final Counter bytes = new SimpleCounter();
    private final AtomicLong currentLsn = new AtomicLong();
    private final AtomicLong confirmedLsn = new AtomicLong();
    private final AtomicLong serverSentLsn = new AtomicLong();
    private final AtomicLong lastCommitMillis = new AtomicLong(-1);
    private final AtomicLong transactionsBuffered = new AtomicLong();
    private final AtomicLong bytesSpilled = new AtomicLong();
    private volatile boolean streaming;

    private final MetricGroup group;
    private final Map<String, Counter> snapshotRows = new ConcurrentHashMap<>();

    public SourceMetrics(MetricGroup group) {
        this.group = group;
        group.meter("changesPerSecond", new MeterView(changes));
        group.meter("bytesPerSecond", new MeterView(bytes));
        group.gauge("currentLsn", currentLsn::get);
        group.gauge("confirmedLsn", confirmedLsn::get);
        group.gauge("lagBytes", this::lagBytes);
        group.gauge("lagMillis", this::lagMillis);
        group.gauge("transactionsBuffered", transactionsBuffered::get);
        group.gauge("bytesSpilled", bytesSpilled::get);
        group.gauge("streaming", () -> streaming ? 1 : 0);
    }

    long lagBytes() {
        long confirmed = confirmedLsn.get();
        long sent = serverSentLsn.get();
        return confirmed == 0 || Long.compareUnsigned(sent, confirmed) <= 0 ? 0 : sent - confirmed;
    }

    long lagMillis() {
        long last = lastCommitMillis.get();
        return last < 0 ? 0 : Math.max(0, System.currentTimeMillis() - last);
    }

    void messageReceived(Lsn lsn, int size) {
        bytes.inc(size);
        currentLsn.set(lsn.value());
    }

    void streamStarted() {
        streaming = true;
    }

    void serverSent(Lsn lsn) {
        serverSentLsn.set(lsn.value());
    }

    void acknowledged(Lsn lsn) {
        confirmedLsn.set(lsn.value());
    }

    /**
     * Snapshot progress per table, in a {@code table} sub-group: rows this subtask has read ({@code
     * snapshotRowsRead}; sum over subtasks for the table) and PostgreSQL's estimate of the table's
     * rows ({@code snapshotRowsEstimated}, from {@code pg_class.reltuples}).
     */
    void snapshotRowsRead(String table, long rows, long estimatedTotal) {
        snapshotRows
                .computeIfAbsent(
                        table,
                        t -> {
                            MetricGroup tableGroup = group.addGroup("table", t);
                            tableGroup.gauge("snapshotRowsEstimated", () -> estimatedTotal);
                            return tableGroup.counter("snapshotRowsRead");
                        })
                .inc(rows);
    }

    void transactionBuffered() {
        transactionsBuffered.incrementAndGet();
    }

    /** A transaction or snapshot chunk was emitted; only a transaction moves the lag. */
    void recordEmitted(FetchedRecord record, long emitted) {
        changes.inc(emitted);
        transactionsBuffered.decrementAndGet();
        bytesSpilled.addAndGet(record.spilledBytes());
        if (record instanceof CommittedTransaction transaction
                && transaction.commitTime() != null) {
            lastCommitMillis.set(transaction.commitTime().toEpochMilli());
        }
    }
}
