package io.pgstream.jobs.reconcile;

import io.pgstream.connector.format.ChangeEventJson;
import java.util.List;

/**
 * The outcome of {@code pgstream reconcile}: totals over the job's tables and one entry per table,
 * printed as one JSON object. The keys {@code rows, vectors, missing, orphaned, stale, repaired}
 * are a contract with outside scripts: never rename them.
 *
 * @param repairRequested whether {@code --repair} was given
 */
public record ReconcileReport(List<TableReport> tables, boolean repairRequested) {

    /** Exit code when the index matches the table (or was repaired to). */
    public static final int IN_SYNC = 0;

    /** Exit code when drift was found and not (fully) repaired. */
    public static final int DRIFT = 3;

    public ReconcileReport {
        tables = List.copyOf(tables);
    }

    /** Whether a repair ran and left nothing it could not fix. */
    public boolean repaired() {
        return repairRequested && sum(TableReport::refused) == 0;
    }

    public long drift() {
        return sum(TableReport::drift);
    }

    /** {@link #IN_SYNC} or {@link #DRIFT}. */
    public int exitCode() {
        return drift() == 0 || repaired() ? IN_SYNC : DRIFT;
    }

    private long sum(java.util.function.ToLongFunction<TableReport> f) {
        return tables.stream().mapToLong(f).sum();
    }

    /** One line of JSON. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        counts(
                sb,
                sum(TableReport::rows),
                sum(TableReport::vectors),
                sum(TableReport::missing),
                sum(TableReport::orphaned),
                sum(TableReport::stale),
                sum(TableReport::changedDuringCheck),
                sum(TableReport::unembeddable),
                sum(TableReport::refused));
        sb.append(",\"repaired\":").append(repaired());
        sb.append(",\"tables\":[");
        for (int i = 0; i < tables.size(); i++) {
            TableReport t = tables.get(i);
            sb.append(i == 0 ? "{" : ",{").append("\"table\":");
            ChangeEventJson.string(sb, t.table());
            sb.append(',');
            counts(
                    sb,
                    t.rows(),
                    t.vectors(),
                    t.missing(),
                    t.orphaned(),
                    t.stale(),
                    t.changedDuringCheck(),
                    t.unembeddable(),
                    t.refused());
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    private static void counts(StringBuilder sb, long... v) {
        String[] keys = {
            "rows",
            "vectors",
            "missing",
            "orphaned",
            "stale",
            "changed_during_check",
            "unembeddable",
            "refused"
        };
        for (int i = 0; i < keys.length; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(keys[i]).append("\":").append(v[i]);
        }
    }
}
