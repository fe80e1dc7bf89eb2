package io.pgstream.bench.freshness;

import java.util.Arrays;
import java.util.Locale;

/** Commit → visible latencies of one run, in microseconds, summarised as p50/p99/max. */
public final class Latencies {

    private final String run;
    private final long[] micros;
    private final long[] inArrivalOrder;

    Latencies(String run, long[] micros) {
        if (micros.length == 0) {
            throw new IllegalStateException(run + ": no latency was measured");
        }
        this.run = run;
        this.inArrivalOrder = micros.clone();
        this.micros = micros.clone();
        Arrays.sort(this.micros);
    }

    public String run() {
        return run;
    }

    public int count() {
        return micros.length;
    }

    public double percentileMillis(double p) {
        int i = (int) Math.ceil(p / 100.0 * micros.length) - 1;
        return micros[Math.max(0, Math.min(micros.length - 1, i))] / 1000.0;
    }

    public double maxMillis() {
        return micros[micros.length - 1] / 1000.0;
    }

    /** One Markdown table row: run, count, p50, p99, max (ms). */
    String row() {
        return String.format(
                Locale.ROOT,
                "| %s | %,d | %.1f | %.1f | %.1f |",
                run,
                count(),
                percentileMillis(50),
                percentileMillis(99),
                maxMillis());
    }

    /**
     * The p50 and max (ms) of each block of {@code size} changes in arrival order, to tell a slow
     * start (JIT warm-up) from a slow tail spread over the run.
     */
    public String blocks(int size) {
        StringBuilder sb = new StringBuilder(run).append(", per ").append(size).append(" changes:");
        for (int from = 0; from < inArrivalOrder.length; from += size) {
            long[] block =
                    Arrays.copyOfRange(
                            inArrivalOrder, from, Math.min(inArrivalOrder.length, from + size));
            Arrays.sort(block);
            sb.append(
                    String.format(
                            Locale.ROOT,
                            " %.0f/%.0f",
                            block[block.length / 2] / 1000.0,
                            block[block.length - 1] / 1000.0));
        }
        return sb.toString();
    }

    static String header() {
        return "| run | changes | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|";
    }
}
