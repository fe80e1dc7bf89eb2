package io.pgstream.jobs.sink;

import io.pgstream.connector.event.Lsn;
import java.io.Serializable;

/**
 * What the sync job tells its dead-letter table ({@link DeadLetterSink}), in order per row: a row
 * was refused ({@link DeadLetter}), or a refused row has since been written to the index ({@link
 * DeadLetterResolution}), so its letters are past.
 */
public sealed interface DeadLetterChange extends Serializable
        permits DeadLetter, DeadLetterResolution {

    /** {@code schema.table} of the row. */
    String sourceTable();

    /** The row's key as the index stores it. */
    String id();

    /** Version of the change: the refused one, or the one written. */
    Lsn lsn();
}
