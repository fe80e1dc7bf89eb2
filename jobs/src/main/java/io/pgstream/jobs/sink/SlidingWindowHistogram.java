package io.pgstream.jobs.sink;

import java.util.Arrays;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;

/**
 * A Flink {@link Histogram} of the samples of the last minute, so a quantile describes how the job
 * does now, not over its life or over the last N samples (which at a trickle of changes can span
 * hours). Samples are counted, not kept: per time slot (12 slots of 5 s), in log-linear buckets
 * (values below 32 exact, then 16 buckets per power of two), so memory is fixed (about 25 kB)
 * whatever the rate, and a quantile is a bucket's midpoint, within about 3% of the true sample.
 *
 * <p>The window is the current slot and the 11 before it: the samples of the last 55 to 60 s.
 * {@link #getCount()} counts every sample ever recorded, as Flink's contract asks. Updated on the
 * task thread and read by metric reporters on theirs, hence the (uncontended) locking.
 */
public final class SlidingWindowHistogram implements Histogram {

    static final int SLOTS = 12;
    static final long SLOT_MILLIS = 5_000;
    private static final int EXACT = 32;
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 40; // values up to 2^41 - 1 (ms: decades)
    static final int BUCKETS = EXACT + (MAX_EXPONENT - 4) * SUB;

    private final LongSupplier clockMillis;
    private final long[] slotEpoch = new long[SLOTS];
    private final int[][] counts = new int[SLOTS][BUCKETS];
    private long seen;

    /**
     * @param clockMillis the time samples are filed under and the window ends at
     */
    public SlidingWindowHistogram(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        Arrays.fill(slotEpoch, Long.MIN_VALUE);
    }

    @Override
    public synchronized void update(long value) {
        long epoch = Math.floorDiv(clockMillis.getAsLong(), SLOT_MILLIS);
        int slot = (int) Math.floorMod(epoch, (long) SLOTS);
        if (slotEpoch[slot] != epoch) {
            slotEpoch[slot] = epoch;
            Arrays.fill(counts[slot], 0);
        }
        counts[slot][bucket(value)]++;
        seen++;
    }

    @Override
    public synchronized long getCount() {
        return seen;
    }

    @Override
    public synchronized HistogramStatistics getStatistics() {
        long epoch = Math.floorDiv(clockMillis.getAsLong(), SLOT_MILLIS);
        long[] merged = new long[BUCKETS];
        for (int s = 0; s < SLOTS; s++) {
            if (slotEpoch[s] > epoch - SLOTS && slotEpoch[s] <= epoch) {
                for (int b = 0; b < BUCKETS; b++) {
                    merged[b] += counts[s][b];
                }
            }
        }
        return new BucketStatistics(merged);
    }

    static int bucket(long value) {
        long v = Math.max(0, value);
        if (v < EXACT) {
            return (int) v;
        }
        int exponent = Math.min(MAX_EXPONENT, 63 - Long.numberOfLeadingZeros(v));
        if (exponent == MAX_EXPONENT) {
            v = Math.min(v, (1L << (MAX_EXPONENT + 1)) - 1);
        }
        int sub = (int) ((v >>> (exponent - SUB_BITS)) & (SUB - 1));
        return EXACT + (exponent - 5) * SUB + sub;
    }

    /** The midpoint of {@code bucket}'s range of values. */
    static long representative(int bucket) {
        if (bucket < EXACT) {
            return bucket;
        }
        int exponent = 5 + (bucket - EXACT) / SUB;
        int sub = (bucket - EXACT) % SUB;
        long width = 1L << (exponent - SUB_BITS);
        return (1L << exponent) + sub * width + (width - 1) / 2;
    }

    /** Quantiles and moments of bucket counts, each sample taken as its bucket's midpoint. */
    private static final class BucketStatistics extends HistogramStatistics {
        /** {@link #getValues()} expands to at most this many values, in proportion. */
        private static final int MAX_VALUES = 4096;

        private final long[] counts;
        private final long total;

        BucketStatistics(long[] counts) {
            this.counts = counts;
            long t = 0;
            for (long c : counts) {
                t += c;
            }
            this.total = t;
        }

        @Override
        public double getQuantile(double quantile) {
            if (total == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(quantile * total));
            long cumulative = 0;
            for (int b = 0; b < counts.length; b++) {
                cumulative += counts[b];
                if (cumulative >= rank) {
                    return representative(b);
                }
            }
            return getMax();
        }

        @Override
        public long[] getValues() {
            double scale = total <= MAX_VALUES ? 1 : (double) MAX_VALUES / total;
            long[] values = new long[(int) Math.min(total, MAX_VALUES + counts.length)];
            int n = 0;
            for (int b = 0; b < counts.length; b++) {
                long copies = counts[b] == 0 ? 0 : Math.max(1, Math.round(counts[b] * scale));
                for (long i = 0; i < copies && n < values.length; i++) {
                    values[n++] = representative(b);
                }
            }
            return Arrays.copyOf(values, n);
        }

        @Override
        public int size() {
            return (int) Math.min(Integer.MAX_VALUE, total);
        }

        @Override
        public double getMean() {
            if (total == 0) {
                return 0;
            }
            double sum = 0;
            for (int b = 0; b < counts.length; b++) {
                sum += (double) counts[b] * representative(b);
            }
            return sum / total;
        }

        @Override
        public double getStdDev() {
            if (total < 2) {
                return 0;
            }
            double mean = getMean();
            double squares = 0;
            for (int b = 0; b < counts.length; b++) {
                double d = representative(b) - mean;
                squares += counts[b] * d * d;
            }
            return Math.sqrt(squares / (total - 1));
        }

        @Override
        public long getMax() {
            for (int b = counts.length - 1; b >= 0; b--) {
                if (counts[b] > 0) {
                    return representative(b);
                }
            }
            return 0;
        }

        @Override
        public long getMin() {
            for (int b = 0; b < counts.length; b++) {
                if (counts[b] > 0) {
                    return representative(b);
                }
            }
            return 0;
        }
    }
}
