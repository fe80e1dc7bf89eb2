package io.pgstream.jobs.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The snapshot's progress line for a terminal: rows read per table against PostgreSQL's estimate,
 * redrawn in place on stderr at most every {@code intervalMillis}, so stdout stays JSON only.
 */
final class SnapshotProgress {

    private final PrintWriter err;
    private final ToLongFunction<String> estimate;
    private final long intervalMillis;
    private final Map<String, long[]> tables = new LinkedHashMap<>();
    private long lastDraw = Long.MIN_VALUE / 2; // the first row draws
    private boolean drawn;

    /**
     * @param estimate the estimated rows of a table ({@code schema.table}), asked once per table;
     *     negative when unknown
     */
    SnapshotProgress(PrintWriter err, ToLongFunction<String> estimate, long intervalMillis) {
        this.err = err;
        this.estimate = estimate;
        this.intervalMillis = intervalMillis;
    }

    /** Counts one snapshot row of {@code table}; redraws when the interval has passed. */
    void row(String table, long nowMillis) {
        tables.computeIfAbsent(table, t -> new long[] {0, estimate.applyAsLong(t)})[0]++;
        if (nowMillis - lastDraw >= intervalMillis) {
            lastDraw = nowMillis;
            err.print('\r');
            err.print(line());
            err.flush();
            drawn = true;
        }
    }

    /** Ends the progress line (once streaming starts, or at exit). */
    void finish() {
        if (drawn) {
            err.print('\r');
            err.println(line());
            err.flush();
            drawn = false;
        }
    }

    /** {@code snapshot: public.a 1,200/5,000 (24%) | public.b 10/? } */
    String line() {
        StringBuilder sb = new StringBuilder("snapshot:");
        tables.forEach(
                (table, counts) -> {
                    sb.append(' ').append(table).append(' ');
                    sb.append(String.format(Locale.ROOT, "%,d", counts[0]));
                    if (counts[1] > 0) {
                        long pct = Math.min(100, counts[0] * 100 / counts[1]);
                        sb.append(String.format(Locale.ROOT, "/%,d (%d%%)", counts[1], pct));
                    } else {
                        sb.append("/?");
                    }
                });
        return sb.toString();
    }
}
