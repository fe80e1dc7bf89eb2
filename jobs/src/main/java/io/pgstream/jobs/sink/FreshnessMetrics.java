package io.pgstream.jobs.sink;

import io.pgstream.connector.event.Lsn;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * How fresh a vector sink is: {@code commitToWrittenMillis}, a histogram (last 1024 writes) of the
 * time from a change's commit in PostgreSQL to the flush that made it durable in the store, the
 * same over the last minute ({@code commitToWrittenMillisLastMinute}, a {@link
 * SlidingWindowHistogram}), the gauges {@code lastWrittenCommitLsn} and {@code
 * lastWrittenCommitTime} (epoch millis) of the newest write flushed (newest in unsigned LSN order;
 * the LSN gauge reports its 64 bits as a {@code long}), and the counter {@code writesApplied} of
 * writes flushed (all kinds). Writes without a commit time are the snapshot's (its rows were read,
 * not committed): they are counted but not timed, and also counted per source table as {@code
 * snapshotRowsWritten} in a {@code table} sub-group, which is what the status line's backfill
 * percentage counts. Updated on the task thread only.
 */
public final class FreshnessMetrics {
    public static final String COMMIT_TO_WRITTEN = "commitToWrittenMillis";
    public static final String LAST_LSN = "lastWrittenCommitLsn";
    public static final String LAST_TIME = "lastWrittenCommitTime";
    public static final String COMMIT_TO_WRITTEN_LAST_MINUTE = "commitToWrittenMillisLastMinute";
    public static final String WRITES = "writesApplied";
    public static final String SNAPSHOT_ROWS_WRITTEN = "snapshotRowsWritten";

    private final Histogram commitToWritten = new DescriptiveStatisticsHistogram(1024);
    private final Histogram lastMinute = new SlidingWindowHistogram(System::currentTimeMillis);
    private final Counter applied;
    private final MetricGroup group;
    private final Map<String, Counter> snapshotRows = new HashMap<>();
    private volatile Lsn lastLsn = Lsn.INVALID;
    private volatile long lastTime;

    FreshnessMetrics(MetricGroup group) {
        this.group = group;
        group.histogram(COMMIT_TO_WRITTEN, commitToWritten);
        group.gauge(LAST_LSN, (Gauge<Long>) () -> lastLsn.value());
        group.gauge(LAST_TIME, (Gauge<Long>) () -> lastTime);
        group.histogram(COMMIT_TO_WRITTEN_LAST_MINUTE, lastMinute);
        applied = group.counter(WRITES);
    }

    /** Records {@code writes}, flushed at {@code nowMillis}. */
    void written(Iterable<VectorWrite> writes, long nowMillis) {
        for (VectorWrite w : writes) {
            if (w.updatedAt() != null) {
                long commit = w.updatedAt().toEpochMilli();
                commitToWritten.update(Math.max(0, nowMillis - commit));
                lastMinute.update(Math.max(0, nowMillis - commit));
                lastTime = Math.max(lastTime, commit);
            } else if (w.kind() != VectorWrite.Kind.TRUNCATE) {
                snapshotRows
                        .computeIfAbsent(
                                w.sourceTable(),
                                t -> group.addGroup("table", t).counter(SNAPSHOT_ROWS_WRITTEN))
                        .inc();
            }
            lastLsn = Lsn.max(lastLsn, w.lsn());
            applied.inc();
        }
    }

    public Histogram commitToWritten() {
        return commitToWritten;
    }

    public Lsn lastWrittenCommitLsn() {
        return lastLsn;
    }

    public long lastWrittenCommitTime() {
        return lastTime;
    }
}
