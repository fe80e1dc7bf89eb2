package io.pgstream.jobs.sink;

import io.pgstream.connector.event.Lsn;
import java.util.Objects;

/**
 * A row that has dead letters was written by the stream (embedded, or deleted) at {@code lsn}: its
 * letters at or before {@code lsn} are past and leave the table, at the latest with the checkpoint
 * that makes the write durable in the index. Letters of newer changes stay.
 */
public record DeadLetterResolution(String sourceTable, String id, Lsn lsn)
        implements DeadLetterChange {

    public DeadLetterResolution {
        Objects.requireNonNull(sourceTable, "sourceTable");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(lsn, "lsn");
    }
}
