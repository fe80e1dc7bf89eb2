package io.pgstream.connector.slot;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Writes logical decoding messages into the WAL. Every logical slot of the database receives them,
 * so an empty one gives an idle slot a position to advance to.
 */
public final class LogicalMessages {
    private LogicalMessages() {}

    /**
     * Emits a non-transactional message with an empty body on the caller's connection; it is in the
     * WAL at once, whether or not a transaction is open.
     *
     * @param prefix a constant (it is written into the SQL): consumers recognise the message by it
     */
    public static void emitEmpty(Connection c, String prefix) throws SQLException {
        if (!prefix.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("not a plain message prefix: " + prefix);
        }
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_logical_emit_message(false, '" + prefix + "', '')");
        }
    }
}
