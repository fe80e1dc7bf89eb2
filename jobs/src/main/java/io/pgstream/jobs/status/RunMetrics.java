package io.pgstream.jobs.status;

import io.pgstream.jobs.sink.FreshnessMetrics;
import io.pgstream.jobs.status.StatusFigures.Phase;
import io.pgstream.jobs.status.StatusFigures.TableProgress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.Metric;

/**
 * The Flink metrics of one run's tasks, as {@link StatusMetricReporter} saw them registered, and
 * the {@link StatusFigures} read from them. One instance per run id, shared through a static map
 * because Flink creates the reporter itself; {@link #forget} drops it when the run ends.
 *
 * <p>Counters are summed over subtasks. A counter whose task ends (a restart) keeps counting in the
 * figures: its last value is kept when Flink removes it, so {@code written} never goes back.
 * Thread-safe: registered from Flink's threads, read from the status printer's.
 */
public final class RunMetrics {

    static final String SNAPSHOT_ROWS_WRITTEN = FreshnessMetrics.SNAPSHOT_ROWS_WRITTEN;
    static final String SNAPSHOT_ROWS_READ = "snapshotRowsRead";
    static final String SNAPSHOT_ROWS_ESTIMATED = "snapshotRowsEstimated";
    static final String STREAMING = "streaming";
    static final String WRITES = FreshnessMetrics.WRITES;
    static final String FRESHNESS = FreshnessMetrics.COMMIT_TO_WRITTEN_LAST_MINUTE;
    static final String EMBEDDED = "embeddingsComputed";
    static final String SKIPPED = "embeddingsSkipped";
    static final String TOKENS = "tokensUsed";
    static final String COST = "estimatedCost";

    private static final Map<String, RunMetrics> RUNS = new ConcurrentHashMap<>();

    /** A metric as registered: its name, its {@code table} variable (or ""), the metric. */
    private record Registered(String name, String table, Metric metric) {}

    private final Set<Registered> live = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> retired = new ConcurrentHashMap<>();
    private final DoubleAdder retiredCost = new DoubleAdder();

    /** The metrics of run {@code runId}, created on first use. */
    public static RunMetrics of(String runId) {
        return RUNS.computeIfAbsent(runId, id -> new RunMetrics());
    }

    /** Drops run {@code runId}'s metrics (at the end of the run). */
    public static void forget(String runId) {
        RUNS.remove(runId);
    }

    void added(String name, Map<String, String> variables, Metric metric) {
        live.add(new Registered(name, table(variables), metric));
    }

    void removed(String name, Map<String, String> variables, Metric metric) {
        Registered r = new Registered(name, table(variables), metric);
        if (!live.remove(r)) {
            return;
        }
        if (metric instanceof Counter c) {
            retired.merge(key(r.name(), r.table()), c.getCount(), Long::sum);
        } else if (name.equals(COST) && metric instanceof Gauge<?> g) {
            retiredCost.add(g.getValue() instanceof Number n ? n.doubleValue() : 0);
        }
    }

    /**
     * The figures now; {@code slotLagBytes} comes from the server, not from the job.
     *
     * <p>The backfill lasts until the source streams the slot (every chunk is read then) and the
     * sink has written as many snapshot rows of each table as the source read: the stream starts
     * after a checkpoint, which can complete while read rows still wait in the embedding stage. A
     * table's percentage is rows written against PostgreSQL's estimate while the snapshot reads,
     * against the rows actually read once it is read (the estimate is only an estimate).
     */
    public StatusFigures figures(Long slotLagBytes) {
        Map<String, long[]> tables = new TreeMap<>(); // written, estimated, read
        retired.forEach(
                (k, v) -> {
                    int cut = k.indexOf('\0');
                    int column = column(k.substring(0, cut));
                    if (column >= 0) {
                        row(tables, k.substring(cut + 1))[column] += v;
                    }
                });
        boolean streaming = false;
        for (Registered r : live) {
            int column = column(r.name());
            if (column >= 0 && r.metric() instanceof Counter c) {
                row(tables, r.table())[column] += c.getCount();
            } else if (r.name().equals(SNAPSHOT_ROWS_ESTIMATED)) {
                long[] t = row(tables, r.table());
                t[1] = Math.max(t[1], gauge(r.metric()));
            } else if (r.name().equals(STREAMING)) {
                streaming |= gauge(r.metric()) == 1;
            }
        }
        List<TableProgress> progress = new ArrayList<>();
        boolean written = true;
        for (Map.Entry<String, long[]> e : tables.entrySet()) {
            long[] v = e.getValue();
            written &= v[0] >= v[2];
            long total = streaming ? v[2] : v[1] < 0 ? -1 : Math.max(v[1], v[2]);
            progress.add(new TableProgress(e.getKey(), v[0], total));
        }
        Phase phase =
                streaming && written
                        ? Phase.STREAMING
                        : progress.isEmpty() ? Phase.STARTING : Phase.BACKFILL;
        long[] fresh = freshness();
        return new StatusFigures(
                phase,
                progress,
                sum(WRITES),
                fresh == null ? null : fresh[0],
                fresh == null ? null : fresh[1],
                sum(EMBEDDED),
                sum(SKIPPED),
                slotLagBytes,
                sum(TOKENS),
                cost());
    }

    /** The {@code estimatedCost} gauges summed (with retired ones); null when none was seen. */
    private Double cost() {
        Double total = retiredCost.sum() > 0 ? retiredCost.sum() : null;
        for (Registered r : live) {
            if (r.name().equals(COST) && r.metric() instanceof Gauge<?> g) {
                double v = g.getValue() instanceof Number n ? n.doubleValue() : 0;
                total = (total == null ? 0 : total) + v;
            }
        }
        return total;
    }

    /** The counters named {@code name} summed (with retired ones); null when none was seen. */
    private Long sum(String name) {
        Long total = retired.get(key(name, ""));
        for (Registered r : live) {
            if (r.name().equals(name) && r.metric() instanceof Counter c) {
                total = (total == null ? 0 : total) + c.getCount();
            }
        }
        return total;
    }

    /**
     * p50 and p99 over the sink subtasks' one-minute windows: one subtask's quantiles as they are,
     * several merged from their samples; null without samples.
     */
    private long[] freshness() {
        List<HistogramStatistics> windows = new ArrayList<>();
        for (Registered r : live) {
            if (r.name().equals(FRESHNESS) && r.metric() instanceof Histogram h) {
                HistogramStatistics s = h.getStatistics();
                if (s.size() > 0) {
                    windows.add(s);
                }
            }
        }
        if (windows.isEmpty()) {
            return null;
        }
        if (windows.size() == 1) {
            HistogramStatistics s = windows.get(0);
            return new long[] {(long) s.getQuantile(0.5), (long) s.getQuantile(0.99)};
        }
        long[] all = windows.stream().flatMapToLong(s -> Arrays.stream(s.getValues())).toArray();
        Arrays.sort(all);
        return new long[] {quantile(all, 0.5), quantile(all, 0.99)};
    }

    /** Where a per-table counter goes in a table's row: 0 written, 2 read; -1 not one. */
    private static int column(String name) {
        return name.equals(SNAPSHOT_ROWS_WRITTEN) ? 0 : name.equals(SNAPSHOT_ROWS_READ) ? 2 : -1;
    }

    private static long[] row(Map<String, long[]> tables, String table) {
        return tables.computeIfAbsent(table, t -> new long[] {0, -1, 0});
    }

    private static long quantile(long[] sorted, double q) {
        int rank = (int) Math.max(1, Math.ceil(q * sorted.length));
        return sorted[rank - 1];
    }

    private static long gauge(Metric metric) {
        Object v = ((Gauge<?>) metric).getValue();
        return v instanceof Number n ? n.longValue() : -1;
    }

    private static String table(Map<String, String> variables) {
        String t = variables.get("<table>");
        return t != null ? t : variables.getOrDefault("table", "");
    }

    private static String key(String name, String table) {
        return name + '\0' + table;
    }
}
