package io.pgstream.connector.source.reader;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.LogicalMessages;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a non-transactional {@code pg_logical_emit_message} at an interval while the slot is idle.
 * On a database where the published tables are quiet and nothing else writes, the server has no WAL
 * to send and the slot's position cannot advance; the heartbeat gives it some. Disabled (the
 * default) when the interval is zero.
 */
public final class Heartbeat implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    /** The prefix of heartbeat messages; the reader ignores logical messages anyway. */
    public static final String PREFIX = "pgstream_heartbeat";

    private final PgConnectionConfig connection;
    private final long intervalNanos;
    private transient Connection open;
    private transient long last;

    public Heartbeat(PgConnectionConfig connection, Duration interval) {
        this.connection = connection;
        this.intervalNanos = interval.toNanos();
    }

    public static Heartbeat disabled() {
        return new Heartbeat(null, Duration.ZERO);
    }

    /** Emits a heartbeat if enabled and due. Never throws: a missed beat is only a delay. */
    void maybeBeat() {
        if (intervalNanos <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (last != 0 && now - last < intervalNanos) {
            return;
        }
        last = now;
        try {
            if (open == null || open.isClosed()) {
                open = connection.connect();
            }
            LogicalMessages.emitEmpty(open, PREFIX);
        } catch (SQLException e) {
            LOG.warn("Heartbeat on {} failed: {}", connection.redacted(), e.getMessage());
            close();
        }
    }

    @Override
    public void close() {
        if (open != null) {
            try {
                open.close();
            } catch (SQLException ignored) {
                // Closing a heartbeat connection: nothing to recover.
            }
            open = null;
        }
    }
}
