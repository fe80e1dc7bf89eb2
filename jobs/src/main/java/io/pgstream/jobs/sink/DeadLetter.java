package io.pgstream.jobs.sink;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A row the pipeline could not embed for good (the model refused it: a 4xx other than 429, or a
 * text over the model's limit with chunking off). It goes to a dead-letter table so the job can
 * continue and an operator can see what was left out and why; transient failures never become dead
 * letters.
 */
public final class DeadLetter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String sourceTable;
    private final String id;
    private final long lsn;
    private final String error;
    private final String text;
    private final Instant failedAt;

    private DeadLetter(
            String sourceTable, String id, long lsn, String error, String text, Instant failedAt) {
        this.sourceTable = Objects.requireNonNull(sourceTable, "sourceTable");
        this.id = Objects.requireNonNull(id, "id");
        this.lsn = lsn;
        this.error = Objects.requireNonNull(error, "error");
        this.text = text;
        this.failedAt = Objects.requireNonNull(failedAt, "failedAt");
    }

    /**
     * @param error why the row was refused; must not contain credentials
     * @param text the text that was refused; may be null
     */
    public static DeadLetter of(
            String sourceTable, String id, long lsn, String error, String text, Instant failedAt) {
        return new DeadLetter(sourceTable, id, lsn, error, text, failedAt);
    }

    public String sourceTable() {
        return sourceTable;
    }

    public String id() {
        return id;
    }

    /** Version of the refused change (see {@link VectorWrite#lsn()}). */
    public long lsn() {
        return lsn;
    }

    public String error() {
        return error;
    }

    public String text() {
        return text;
    }

    public Instant failedAt() {
        return failedAt;
    }

    @Override
    public String toString() {
        return "DeadLetter " + sourceTable + " id=" + id + " lsn=" + lsn + ": " + error;
    }
}
