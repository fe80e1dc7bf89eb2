package io.pgstream.jobs.status;

import io.pgstream.jobs.status.StatusFigures.TableProgress;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Formats {@link StatusFigures} as the one line {@code pgstream sync} prints every status interval,
 * for example:
 *
 * <pre>{@code
 * pgstream: backfill public.docs 1,500/3,000 (50%) · 1,234 written · fresh p50 38 ms p99 120 ms (1 min) · embedded 1,100 skipped 134 · slot lag 12 kB
 * pgstream: streaming · 1,234 written · fresh p50 38 ms p99 120 ms (1 min) · embedded 1,100 skipped 134 · slot lag 12 kB
 * pgstream: streaming · 1,234 written · fresh p50 38 ms p99 120 ms (1 min) · embedded 1,100 skipped 134 · 52,310 tokens ≈0.0010 · slot lag 12 kB
 * }</pre>
 *
 * <p>The backfill part lists every table the snapshot has started ({@code rows written/estimate},
 * or {@code /?} without an estimate); "fresh" is commit → written over the last minute (see {@code
 * SlidingWindowHistogram}); tokens (with the estimated cost when the job file sets a price) show
 * once the endpoint reported some (never for the local model); a figure that is unknown shows as
 * {@code –}. Counts use thousands separators, byte sizes 1024-based units (as {@code
 * pg_size_pretty}). Pure: no I/O, no clock.
 */
public final class StatusLine {

    /** Shown for a figure that could not be read. */
    public static final String MISSING = "–";

    private static final String SEPARATOR = " · ";

    private StatusLine() {}

    public static String format(StatusFigures f) {
        StringJoiner line = new StringJoiner(SEPARATOR, "pgstream: ", "");
        line.add(phase(f));
        line.add(count(f.written()) + " written");
        line.add(
                f.freshP50Millis() == null || f.freshP99Millis() == null
                        ? "fresh " + MISSING
                        : "fresh p50 "
                                + millis(f.freshP50Millis())
                                + " p99 "
                                + millis(f.freshP99Millis())
                                + " (1 min)");
        line.add("embedded " + count(f.embedded()) + " skipped " + count(f.skipped()));
        if (f.tokens() != null && f.tokens() > 0) {
            line.add(
                    count(f.tokens())
                            + " tokens"
                            + (f.cost() == null ? "" : " ≈" + cost(f.cost())));
        }
        line.add("slot lag " + (f.slotLagBytes() == null ? MISSING : bytes(f.slotLagBytes())));
        return line.toString();
    }

    private static String phase(StatusFigures f) {
        return switch (f.phase()) {
            case STARTING -> "starting";
            case STREAMING -> "streaming";
            case BACKFILL ->
                    f.tables().isEmpty()
                            ? "backfill"
                            : "backfill "
                                    + f.tables().stream()
                                            .map(StatusLine::table)
                                            .collect(Collectors.joining(", "));
        };
    }

    /** {@code public.docs 1,500/3,000 (50%)}; the percentage reaches 100 only when done. */
    static String table(TableProgress t) {
        String written = count(t.rowsWritten());
        if (t.rowsEstimated() <= 0) {
            return t.table() + " " + written + "/?";
        }
        long percent = Math.min(100, t.rowsWritten() * 100 / t.rowsEstimated());
        return String.format(
                Locale.ROOT,
                "%s %s/%s (%d%%)",
                t.table(),
                written,
                count(t.rowsEstimated()),
                percent);
    }

    static String count(Long n) {
        return n == null ? MISSING : String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 0.0012} below 1, {@code 12.34} from 1 on (the job file's currency, unnamed). */
    static String cost(double c) {
        return String.format(Locale.ROOT, c < 1 ? "%.4f" : "%,.2f", c);
    }

    /** {@code 38 ms}, {@code 1,250 ms}; {@code 12 s} from 10 s on. */
    static String millis(long ms) {
        return ms < 10_000
                ? String.format(Locale.ROOT, "%,d ms", ms)
                : String.format(Locale.ROOT, "%,d s", ms / 1000);
    }

    /** {@code 512 bytes}, {@code 1.5 kB}, {@code 12 kB}, {@code 3.2 MB}, {@code 1,024 GB}. */
    static String bytes(long b) {
        String[] units = {"kB", "MB", "GB"};
        if (b < 1024) {
            return b + " bytes";
        }
        double v = b;
        int unit = -1;
        while (unit < units.length - 1 && v >= 1024) {
            v /= 1024;
            unit++;
        }
        return v < 10
                ? String.format(Locale.ROOT, "%.1f %s", Math.floor(v * 10) / 10, units[unit])
                : String.format(Locale.ROOT, "%,d %s", (long) v, units[unit]);
    }
}
