package io.pgstream.jobs.sink;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.connection.PgjdbcRelease;
import io.pgstream.connector.slot.TableId;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Records rows the pipeline could not embed for good ({@link DeadLetter}) in a PostgreSQL table,
 * the job file's {@code dead-letter-table}, created when missing, and deletes them again once the
 * stream wrote the row after all ({@link DeadLetterResolution}). Writes are committed before every
 * checkpoint ({@link DeadLetterWriter}), so a dead letter is never lost once the source has
 * acknowledged its change; a replay of the same letter is ignored (primary key {@code
 * (source_table, id, lsn)}).
 *
 * <pre>{@code
 * deadLetters.sinkTo(new DeadLetterSink(db, "public.pgstream_dead_letters")).name("dead letters");
 * }</pre>
 */
public final class DeadLetterSink implements Sink<DeadLetterChange> {
    private static final long serialVersionUID = 1L;

    private final PgConnectionConfig connection;
    private final TableId table;

    /**
     * @param table {@code name} or {@code schema.name}, read as psql reads it ({@link
     *     TableId#parse}); a name without a schema is in {@code public}
     * @throws IllegalArgumentException naming {@code table} when it is not a table name
     */
    public DeadLetterSink(PgConnectionConfig connection, String table) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.table = TableId.parse(table);
    }

    @Override
    public SinkWriter<DeadLetterChange> createWriter(WriterInitContext context) throws IOException {
        PgjdbcRelease.registerWith(context.getUserCodeClassLoader());
        return new DeadLetterWriter(connection, table);
    }
}
