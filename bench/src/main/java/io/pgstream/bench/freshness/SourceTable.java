package io.pgstream.bench.freshness;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.LockSupport;

/**
 * The table a source latency run writes to, with its publication, a pgoutput slot for the reader
 * under test and a test_decoding slot ({@code <id>_ref}) for the pg_recvlogical reference; rows
 * stamp their own commit-side time in {@code created_at}. Shared by the freshness and peer runs.
 */
public final class SourceTable {

    private SourceTable() {}

    public static void create(PgConnectionConfig db, String id) throws SQLException {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TABLE "
                            + id
                            + " (id bigserial PRIMARY KEY, body text NOT NULL,"
                            + " created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
            st.execute("CREATE PUBLICATION " + id + " FOR TABLE " + id);
            st.execute("SELECT pg_create_logical_replication_slot('" + id + "', 'pgoutput')");
            st.execute(
                    "SELECT pg_create_logical_replication_slot('" + id + "_ref', 'test_decoding')");
        }
    }

    /** Drops the slots (waiting up to 30 s for their readers to let go), publication and table. */
    public static void drop(PgConnectionConfig db, String id) throws SQLException {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            for (int attempt = 0; attempt < 60; attempt++) {
                try {
                    st.execute(
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                    + " WHERE slot_name LIKE '"
                                    + id
                                    + "%'");
                    break;
                } catch (SQLException stillActive) {
                    LockSupport.parkNanos(500_000_000);
                }
            }
            st.execute("DROP PUBLICATION IF EXISTS " + id);
            st.execute("DROP TABLE IF EXISTS " + id);
        }
    }
}
