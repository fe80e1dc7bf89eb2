package io.pgstream.jobs.embedding;

import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** The embedding operator's counters and gauges (names in {@code docs/operations.md}). */
final class EmbeddingMetrics {

    final Counter skipped;
    final Counter computed;
    final Counter collapsed;
    final Counter deadLetters;
    private final Counter modelCalls;
    private final Counter textsEmbedded;
    // Gauges are read by the metric reporter's thread.
    private volatile long lastBatchMillis;
    private volatile int lastBatchTexts;

    EmbeddingMetrics(MetricGroup metrics, IntSupplier bufferedRows, IntSupplier inFlightBatches) {
        skipped = metrics.counter("embeddingsSkipped");
        computed = metrics.counter("embeddingsComputed");
        collapsed = metrics.counter("embeddingsCollapsed");
        deadLetters = metrics.counter("deadLetters");
        modelCalls = metrics.counter("batchesEmbedded");
        textsEmbedded = metrics.counter("textsEmbedded");
        metrics.gauge("bufferedRows", bufferedRows::getAsInt);
        metrics.gauge("inFlightBatches", inFlightBatches::getAsInt);
        metrics.gauge("lastBatchTexts", () -> lastBatchTexts);
        metrics.gauge("lastBatchMillis", () -> lastBatchMillis);
    }

    /** A batch came back: its duration, and its model call if it made one. */
    void batchDone(BatchEmbedder.Result result) {
        lastBatchMillis = result.millis();
        if (result.textsEmbedded() > 0) {
            modelCalls.inc();
            textsEmbedded.inc(result.textsEmbedded());
            lastBatchTexts = result.textsEmbedded();
        }
    }
}
