package io.pgstream.jobs.sink;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens the JDBC connections of the PostgreSQL-backed sinks (pgvector, dead letters) so that an
 * unreachable or refusing server fails with one message naming what was tried ({@code host:port},
 * database, user; never the password) and what the sink needed it for.
 */
public final class SinkConnections {
    private SinkConnections() {}

    /**
     * Opens a connection with autocommit off.
     *
     * @param purpose what the connection is for, as it should read in the error ("the pgvector
     *     sink")
     * @throws SQLException whose message names the server and the purpose
     */
    public static Connection open(PgConnectionConfig db, String purpose) throws SQLException {
        try {
            Connection c = db.connect();
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw new SQLException(
                    "Cannot connect "
                            + purpose
                            + " to PostgreSQL at "
                            + db.host()
                            + ":"
                            + db.port()
                            + " (database "
                            + db.database()
                            + ", user "
                            + db.user()
                            + "): "
                            + e.getMessage()
                            + ". Check that the server is running and the DSN is right.",
                    e.getSQLState(),
                    e);
        }
    }
}
