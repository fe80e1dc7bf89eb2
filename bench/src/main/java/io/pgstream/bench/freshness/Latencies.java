package io.pgstream.bench.freshness;

import java.util.Arrays;
import java.util.Locale;

/** Commit → visible latencies of one run, in microseconds, summarised as p50/p99/max. */
final class Latencies {

    private final String run;
    private final long[] micros;

    Latencies(String run, long[] micros) {
        if (micros.length == 0) {
            throw new IllegalStateException(run + ": no latency was measured");
        }
        this.run = run;
        this.micros = micros.clone();
        Arrays.sort(this.micros);
    }

    String run() {
        return run;
    }

    int count() {
        return micros.length;
    }

    double percentileMillis(double p) {
        int i = (int) Math.ceil(p / 100.0 * micros.length) - 1;
        return micros[Math.max(0, Math.min(micros.length - 1, i))] / 1000.0;
    }

    double maxMillis() {
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

    static String header() {
        return "| run | changes | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|";
    }
}
