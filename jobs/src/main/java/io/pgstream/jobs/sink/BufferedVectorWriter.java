package io.pgstream.jobs.sink;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The buffering shared by the vector writers: writes are applied to the store, in arrival order,
 * when {@code batch-size} are buffered, in {@link #flush(boolean)} (which Flink calls before it
 * snapshots the writer, so a completed checkpoint means its writes are in the store), and when the
 * oldest buffered write has waited {@code max-linger} (eager writes, so the index is fresh without
 * waiting for a checkpoint). The linger bound is a processing-time timer of the writer's own {@link
 * ProcessingTimeService}: Flink runs its callback in the task's mailbox, on the task thread, so no
 * other thread ever touches the store connection. A linger of 0 flushes at the next mailbox turn,
 * batching only what arrived meanwhile (Sink V2 has no "input paused" hook; a zero timer is the
 * nearest); null disables the timer (flush on size and checkpoint only).
 *
 * <p><b>Why eager writes keep the exactly-once effect.</b> Every write is version-guarded by its
 * commit LSN (a stored row or point is replaced only by an equal or higher LSN), writes of one row
 * arrive in commit order and are applied in that order, and a restore replays the source from the
 * last acknowledged (checkpointed) LSN, rewriting the same values: writing before the checkpoint
 * changes when a value becomes visible, never which value wins. See {@code docs/exactly-once.md},
 * "Eager writes", for what a reader can briefly see after a crash.
 *
 * <p>Transient store failures are retried in place ({@link SinkRetry}); each successful flush
 * updates the {@link FreshnessMetrics}. Runs on the task thread only.
 */
public abstract class BufferedVectorWriter implements SinkWriter<VectorWrite> {

    /**
     * The default {@code sink.max-linger}: long enough for a burst of changes to share one
     * transaction, short against the commit → searchable budget.
     */
    public static final Duration DEFAULT_MAX_LINGER = Duration.ofMillis(20);

    private final int batchSize;
    private final Duration maxLinger;
    private final ProcessingTimeService time;
    private final SinkRetry retry;
    private final FreshnessMetrics metrics;
    private final List<VectorWrite> buffer;
    private long flushes;

    /**
     * @param time the writer's processing-time service; may be null only when {@code maxLinger} is
     * @param maxLinger null to flush on size and checkpoints only
     */
    protected BufferedVectorWriter(
            int batchSize,
            Duration maxLinger,
            ProcessingTimeService time,
            MetricGroup metrics,
            SinkRetry retry) {
        if (maxLinger != null && (time == null || maxLinger.isNegative())) {
            throw new IllegalArgumentException(
                    "max-linger " + maxLinger + " needs a processing-time service and >= 0");
        }
        this.batchSize = batchSize;
        this.maxLinger = maxLinger;
        this.time = time;
        this.retry = retry;
        this.metrics = new FreshnessMetrics(metrics);
        this.buffer = new ArrayList<>(Math.min(batchSize, 10_000));
    }

    /** Applies {@code writes} in order and makes them durable; throws on failure. */
    protected abstract void apply(List<VectorWrite> writes) throws Exception;

    /** Reopens the store connection after a connection failure; the next apply uses the new one. */
    protected abstract void reconnect() throws Exception;

    @Override
    public final void write(VectorWrite element, Context context) throws IOException {
        buffer.add(element);
        if (buffer.size() >= batchSize) {
            flushBuffer();
        } else if (buffer.size() == 1 && maxLinger != null) {
            long armedAt = flushes;
            time.registerTimer(
                    time.getCurrentProcessingTime() + maxLinger.toMillis(),
                    now -> {
                        // A flush since the timer was armed already wrote that write.
                        if (flushes == armedAt) {
                            flushBuffer();
                        }
                    });
        }
    }

    /** Applies everything buffered before returning. */
    @Override
    public final void flush(boolean endOfInput) throws IOException {
        flushBuffer();
    }

    private void flushBuffer() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        retry.run(() -> apply(buffer), this::reconnect, buffer.size());
        metrics.written(buffer, System.currentTimeMillis());
        buffer.clear();
        flushes++;
    }

    /** Writes buffered since the last flush; for tests. */
    public final int buffered() {
        return buffer.size();
    }

    /** The metrics this writer updates; for tests. */
    public final FreshnessMetrics metrics() {
        return metrics;
    }
}
