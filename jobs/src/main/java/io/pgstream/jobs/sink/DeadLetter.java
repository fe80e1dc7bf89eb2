package io.pgstream.jobs.sink;

import io.pgstream.connector.event.Lsn;
import java.time.Instant;
import java.util.Objects;

/**
 * A row the pipeline could not embed for good (the model refused it: a 4xx other than 429, or a
 * text over the model's limit with chunking off). It goes to a dead-letter table so the job can
 * continue and an operator can see what was left out and why; transient failures never become dead
 * letters.
 *
 * @param lsn version of the refused change (see {@link VectorWrite#lsn()}); stored as the raw
 *     {@code bigint} of {@link Lsn#value()}
 * @param error why the row was refused; must not contain credentials
 * @param text the text that was refused; may be null
 */
public record DeadLetter(
        String sourceTable, String id, Lsn lsn, String error, String text, Instant failedAt)
        implements DeadLetterChange {

    public DeadLetter {
        Objects.requireNonNull(sourceTable, "sourceTable");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(lsn, "lsn");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(failedAt, "failedAt");
    }

    /** Same as the constructor; reads better at call sites. */
    public static DeadLetter of(
            String sourceTable, String id, Lsn lsn, String error, String text, Instant failedAt) {
        return new DeadLetter(sourceTable, id, lsn, error, text, failedAt);
    }

    /** Short form without the text, which may be long or sensitive. */
    @Override
    public String toString() {
        return "DeadLetter " + sourceTable + " id=" + id + " lsn=" + lsn + ": " + error;
    }
}
