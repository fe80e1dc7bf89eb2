package io.pgstream.jobs.status;

import java.util.List;

/**
 * What one status line shows, read at one moment: a plain value, so {@link StatusLine} formats it
 * without touching the job. A figure that could not be read (its operator has not started, the
 * server did not answer) is null.
 *
 * @param phase where the job is
 * @param tables the snapshot's progress per table (empty when there is no snapshot)
 * @param written writes the vector sink applied to the store (upserts, metadata merges, deletes)
 * @param freshP50Millis median commit → written time over the last minute; null without writes
 * @param freshP99Millis 99th percentile of the same
 * @param embedded rows whose text went to the model
 * @param skipped rows whose text was unchanged, so no model call was made
 * @param slotLagBytes WAL the slot's consumer has not confirmed yet
 * @param tokens tokens the embedding endpoint reported using; null for models without tokens
 * @param cost the tokens at the job file's price per million; null without a price
 */
public record StatusFigures(
        Phase phase,
        List<TableProgress> tables,
        Long written,
        Long freshP50Millis,
        Long freshP99Millis,
        Long embedded,
        Long skipped,
        Long slotLagBytes,
        Long tokens,
        Double cost) {

    public StatusFigures {
        tables = List.copyOf(tables);
    }

    /** Figures of a job whose model reports no tokens. */
    public StatusFigures(
            Phase phase,
            List<TableProgress> tables,
            Long written,
            Long freshP50Millis,
            Long freshP99Millis,
            Long embedded,
            Long skipped,
            Long slotLagBytes) {
        this(
                phase,
                tables,
                written,
                freshP50Millis,
                freshP99Millis,
                embedded,
                skipped,
                slotLagBytes,
                null,
                null);
    }

    /** Where the job is: tasks not yet running, reading the snapshot, or streaming the slot. */
    public enum Phase {
        STARTING,
        BACKFILL,
        STREAMING
    }

    /**
     * One table's snapshot progress.
     *
     * @param table {@code schema.table}
     * @param rowsWritten rows of its snapshot the vector sink has written in this run
     * @param rowsEstimated PostgreSQL's estimate of its rows; negative when unknown
     */
    public record TableProgress(String table, long rowsWritten, long rowsEstimated) {}
}
