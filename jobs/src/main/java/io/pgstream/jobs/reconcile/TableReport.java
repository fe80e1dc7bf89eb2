package io.pgstream.jobs.reconcile;

/**
 * The counts of one table's reconcile: rows and vectors seen, and each kind of drift. Mutable,
 * filled in by {@link Reconciler} as the passes go.
 */
public final class TableReport {

    private final String table;
    long rows;
    long vectors;
    long missing;
    long orphaned;
    long stale;
    long changedDuringCheck;
    long unembeddable;
    long refused;

    TableReport(String table) {
        this.table = table;
    }

    /** {@code schema.table}. */
    public String table() {
        return table;
    }

    public long rows() {
        return rows;
    }

    public long vectors() {
        return vectors;
    }

    /** Rows without vectors. */
    public long missing() {
        return missing;
    }

    /** Vectors without rows. */
    public long orphaned() {
        return orphaned;
    }

    /** Rows whose vectors do not show their current text. */
    public long stale() {
        return stale;
    }

    /** Rows and vectors a concurrent sync changed after the check read them: left to it. */
    public long changedDuringCheck() {
        return changedDuringCheck;
    }

    /** Rows the job does not embed (text over {@code embedding.max-text-chars}). */
    public long unembeddable() {
        return unembeddable;
    }

    /** Rows a repair could not embed: the model refused their text. */
    public long refused() {
        return refused;
    }

    /** Missing, orphaned and stale together. */
    public long drift() {
        return missing + orphaned + stale;
    }
}
