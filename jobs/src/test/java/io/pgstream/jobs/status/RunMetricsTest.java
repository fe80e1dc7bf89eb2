package io.pgstream.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.jobs.sink.SlidingWindowHistogram;
import io.pgstream.jobs.status.StatusFigures.Phase;
import io.pgstream.jobs.status.StatusFigures.TableProgress;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

class RunMetricsTest {

    private final RunMetrics run = RunMetrics.of(UUID.randomUUID().toString());

    private static Counter counter(long n) {
        Counter c = new SimpleCounter();
        c.inc(n);
        return c;
    }

    @Test
    void nothingRegisteredIsStartingWithEveryFigureMissing() {
        StatusFigures f = run.figures(null);
        assertThat(f.phase()).isEqualTo(Phase.STARTING);
        assertThat(f.written()).isNull();
        assertThat(f.embedded()).isNull();
        assertThat(f.freshP50Millis()).isNull();
    }

    @Test
    void tokensAndCostAreSummedOverSubtasksAndSurviveARestart() {
        Counter first = counter(100);
        Gauge<Double> firstCost = () -> 0.25;
        run.added("tokensUsed", Map.of(), first);
        run.added("estimatedCost", Map.of(), firstCost);
        run.added("tokensUsed", Map.of(), counter(50));
        run.added("estimatedCost", Map.of(), (Gauge<Double>) () -> 0.5);
        run.removed("tokensUsed", Map.of(), first);
        run.removed("estimatedCost", Map.of(), firstCost);

        StatusFigures f = run.figures(null);
        assertThat(f.tokens()).isEqualTo(150);
        assertThat(f.cost()).isEqualTo(0.75);
        assertThat(RunMetrics.of(java.util.UUID.randomUUID().toString()).figures(null).cost())
                .isNull();
    }

    @Test
    void snapshotCountersAreSummedPerTableOverSubtasks() {
        Map<String, String> docs = Map.of("<table>", "public.docs");
        run.added("snapshotRowsWritten", docs, counter(100));
        run.added("snapshotRowsWritten", docs, counter(50));
        run.added("snapshotRowsEstimated", docs, (Gauge<Long>) () -> 600L);
        run.added("streaming", Map.of(), (Gauge<Integer>) () -> 0);
        run.added("writesApplied", Map.of(), counter(120));

        StatusFigures f = run.figures(4096L);
        assertThat(f.phase()).isEqualTo(Phase.BACKFILL);
        assertThat(f.tables()).containsExactly(new TableProgress("public.docs", 150, 600));
        assertThat(f.written()).isEqualTo(120);
        assertThat(f.slotLagBytes()).isEqualTo(4096);
    }

    @Test
    void aStreamingSubtaskMakesTheRunStreaming() {
        run.added("snapshotRowsWritten", Map.of("<table>", "public.docs"), counter(10));
        run.added("streaming", Map.of(), (Gauge<Integer>) () -> 0);
        run.added("streaming", Map.of(), (Gauge<Integer>) () -> 1);
        assertThat(run.figures(null).phase()).isEqualTo(Phase.STREAMING);
    }

    @Test
    void theBackfillLastsUntilTheSinkWroteEveryRowTheSnapshotRead() {
        Map<String, String> docs = Map.of("<table>", "public.docs");
        Counter written = counter(180);
        run.added("snapshotRowsWritten", docs, written);
        run.added("snapshotRowsRead", docs, counter(300));
        run.added("snapshotRowsEstimated", docs, (Gauge<Long>) () -> 280L);
        run.added("streaming", Map.of(), (Gauge<Integer>) () -> 1);

        StatusFigures f = run.figures(null);
        assertThat(f.phase()).as("the stream started, rows still wait").isEqualTo(Phase.BACKFILL);
        assertThat(f.tables())
                .as("against the rows read, not the estimate")
                .containsExactly(new TableProgress("public.docs", 180, 300));

        written.inc(120);
        assertThat(run.figures(null).phase()).isEqualTo(Phase.STREAMING);
    }

    @Test
    void whileReadingTheEstimateIsTheTotalUnlessMoreWereRead() {
        Map<String, String> docs = Map.of("<table>", "public.docs");
        run.added("snapshotRowsWritten", docs, counter(10));
        run.added("snapshotRowsRead", docs, counter(900));
        run.added("snapshotRowsEstimated", docs, (Gauge<Long>) () -> 500L);
        assertThat(run.figures(null).tables())
                .containsExactly(new TableProgress("public.docs", 10, 900));
    }

    @Test
    void aRemovedCounterKeepsCountingSoWrittenNeverGoesBack() {
        Counter first = counter(70);
        run.added("writesApplied", Map.of(), first);
        run.added("embeddingsComputed", Map.of(), counter(5));
        run.removed("writesApplied", Map.of(), first); // the task restarted
        run.added("writesApplied", Map.of(), counter(3));
        assertThat(run.figures(null).written()).isEqualTo(73);
        assertThat(run.figures(null).embedded()).isEqualTo(5);
        assertThat(run.figures(null).skipped()).isNull();
    }

    @Test
    void freshnessComesFromTheOneMinuteWindows() {
        SlidingWindowHistogram one = new SlidingWindowHistogram(System::currentTimeMillis);
        for (int i = 1; i <= 100; i++) {
            one.update(i);
        }
        run.added("commitToWrittenMillisLastMinute", Map.of(), one);
        StatusFigures f = run.figures(null);
        assertThat(f.freshP50Millis()).isBetween(48L, 52L);
        assertThat(f.freshP99Millis()).isBetween(96L, 100L);

        SlidingWindowHistogram other = new SlidingWindowHistogram(System::currentTimeMillis);
        for (int i = 0; i < 100; i++) {
            other.update(1000);
        }
        run.added("commitToWrittenMillisLastMinute", Map.of(), other);
        f = run.figures(null); // the 100th of 200 samples: 100, within a bucket's 3%
        assertThat(f.freshP50Millis()).isBetween(97L, 103L);
        assertThat(f.freshP99Millis()).isBetween(970L, 1030L);
    }
}
