package io.pgstream.jobs.sink;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.TableId;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Inserts dead letters and deletes resolved ones in batches of up to {@value #BATCH} changes, one
 * transaction each, committed at the latest in {@link #flush(boolean)}, which runs before every
 * checkpoint: a resolution thus leaves the table at the latest with the checkpoint whose
 * vector-sink flush makes its write durable; should that checkpoint fail, the restored job (its
 * refused mark restored with it) writes the row and sends the resolution again. Inserts go first:
 * per row, LSNs only grow, so a resolution never deletes a letter that came after it. Creates the
 * table when missing. Runs on the task thread only.
 */
final class DeadLetterWriter implements SinkWriter<DeadLetterChange> {
    static final int BATCH = 100;

    private final Connection connection;
    private final String insert;
    private final String delete;
    private final List<DeadLetterChange> buffer = new ArrayList<>();

    DeadLetterWriter(PgConnectionConfig db, TableId table) throws IOException {
        String quoted = table.quoted();
        this.insert =
                "INSERT INTO "
                        + quoted
                        + " (source_table, id, lsn, error, text, failed_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
        this.delete =
                "DELETE FROM "
                        + quoted
                        + " WHERE source_table = ? AND id = ? AND "
                        + LsnOrder.notAbove("lsn", "?");
        Connection c = null;
        try {
            c = SinkConnections.open(db, "the dead-letter sink");
            try (Statement s = c.createStatement()) {
                s.execute(
                        "SELECT pg_advisory_xact_lock(hashtext('pgstream.deadletters:"
                                + quoted.replace("'", "''")
                                + "'))");
                s.execute(
                        "CREATE TABLE IF NOT EXISTS "
                                + quoted
                                + " (source_table text NOT NULL, id text NOT NULL,"
                                + " lsn bigint NOT NULL, error text NOT NULL, text text,"
                                + " failed_at timestamptz NOT NULL,"
                                + " PRIMARY KEY (source_table, id, lsn))");
            }
            c.commit();
            this.connection = c;
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void write(DeadLetterChange element, Context context) throws IOException {
        buffer.add(element);
        if (buffer.size() >= BATCH) {
            flush(false);
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        try (PreparedStatement ins = connection.prepareStatement(insert);
                PreparedStatement del = connection.prepareStatement(delete)) {
            boolean inserts = false;
            boolean deletes = false;
            for (DeadLetterChange change : buffer) {
                if (change instanceof DeadLetter d) {
                    ins.setString(1, d.sourceTable());
                    ins.setString(2, d.id());
                    ins.setLong(3, d.lsn().value());
                    ins.setString(4, d.error());
                    ins.setString(5, d.text());
                    ins.setObject(6, OffsetDateTime.ofInstant(d.failedAt(), ZoneOffset.UTC));
                    ins.addBatch();
                    inserts = true;
                } else {
                    del.setString(1, change.sourceTable());
                    del.setString(2, change.id());
                    del.setLong(3, change.lsn().value());
                    del.addBatch();
                    deletes = true;
                }
            }
            if (inserts) {
                ins.executeBatch();
            }
            if (deletes) {
                del.executeBatch();
            }
            connection.commit();
            buffer.clear();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException("Writing dead letters failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
