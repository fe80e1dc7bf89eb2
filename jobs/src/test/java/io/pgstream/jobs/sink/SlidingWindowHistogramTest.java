package io.pgstream.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.HistogramStatistics;
import org.junit.jupiter.api.Test;

class SlidingWindowHistogramTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SlidingWindowHistogram histogram = new SlidingWindowHistogram(now::get);

    @Test
    void quantilesAreWithinThreePercentOfTheSamples() {
        for (long v = 1; v <= 10_000; v++) {
            histogram.update(v);
        }
        HistogramStatistics s = histogram.getStatistics();
        assertThat(s.size()).isEqualTo(10_000);
        assertThat(s.getQuantile(0.5)).isCloseTo(5_000, within(150.0));
        assertThat(s.getQuantile(0.99)).isCloseTo(9_900, within(300.0));
        assertThat(s.getMin()).isEqualTo(1);
        assertThat((double) s.getMax()).isCloseTo(10_000, within(300.0));
        assertThat(s.getMean()).isCloseTo(5_000, within(150.0));
    }

    @Test
    void smallValuesAreExact() {
        histogram.update(0);
        histogram.update(7);
        histogram.update(31);
        assertThat(histogram.getStatistics().getValues()).containsExactly(0, 7, 31);
    }

    @Test
    void samplesOlderThanAMinuteLeaveTheWindowButStayCounted() {
        histogram.update(5_000);
        now.addAndGet(30_000);
        histogram.update(40);
        assertThat(histogram.getStatistics().getQuantile(0.99)).isCloseTo(5_000, within(150.0));

        now.addAndGet(31_000); // the first sample is 61 s old, the second 31 s
        HistogramStatistics s = histogram.getStatistics();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.getQuantile(0.99)).isEqualTo(40);
        assertThat(histogram.getCount()).isEqualTo(2);

        now.addAndGet(60_000);
        assertThat(histogram.getStatistics().size()).isZero();
    }

    @Test
    void aReusedSlotForgetsItsOldSamples() {
        histogram.update(100);
        now.addAndGet(SlidingWindowHistogram.SLOTS * SlidingWindowHistogram.SLOT_MILLIS);
        histogram.update(200); // same slot index, a minute later
        HistogramStatistics s = histogram.getStatistics();
        assertThat(s.size()).isEqualTo(1);
        assertThat((double) s.getQuantile(0.5)).isCloseTo(200, within(6.0));
    }

    @Test
    void hugeAndNegativeValuesLandInTheEndBuckets() {
        assertThat(SlidingWindowHistogram.bucket(-5)).isZero();
        assertThat(SlidingWindowHistogram.bucket(Long.MAX_VALUE))
                .isEqualTo(SlidingWindowHistogram.BUCKETS - 1);
        for (int b = 1; b < SlidingWindowHistogram.BUCKETS; b++) {
            long v = SlidingWindowHistogram.representative(b);
            assertThat(SlidingWindowHistogram.bucket(v)).as("bucket of %d", v).isEqualTo(b);
            assertThat(v).isGreaterThan(SlidingWindowHistogram.representative(b - 1));
        }
    }

    @Test
    void valuesAreCappedInProportion() {
        for (int i = 0; i < 9_000; i++) {
            histogram.update(10);
        }
        for (int i = 0; i < 1_000; i++) {
            histogram.update(20);
        }
        long[] values = histogram.getStatistics().getValues();
        assertThat(values.length).isBetween(4_000, 4_200);
        long twenties = java.util.Arrays.stream(values).filter(v -> v == 20).count();
        assertThat((double) twenties / values.length).isCloseTo(0.1, within(0.01));
    }
}
