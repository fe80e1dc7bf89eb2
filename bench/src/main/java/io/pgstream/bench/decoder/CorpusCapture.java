package io.pgstream.bench.decoder;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the decoder benchmark's workload in a scratch database, the shape of ENVIRONMENT.md's
 * reference figures: one large transaction of ~380-byte rows (7 columns incl. numeric, text[],
 * jsonb, timestamptz) and many small insert+update+delete transactions. Two slots exist before the
 * workload: one for {@code pg_recvlogical} (the reference), one peeked into corpus files.
 */
public final class CorpusCapture {

    static final String TABLE =
            "CREATE TABLE docs (id bigint PRIMARY KEY, title text, body text, price numeric(12,2),"
                    + " tags text[], meta jsonb, created timestamptz)";

    private final PgConnectionConfig server;
    private final String database;

    public CorpusCapture(PgConnectionConfig server, String database) {
        this.server = server;
        this.database = database;
    }

    public PgConnectionConfig database() {
        return server.withDatabase(database);
    }

    /** Creates the database, publication and both slots; returns nothing, throws on failure. */
    public void prepare(String referenceSlot, String corpusSlot) throws SQLException {
        try (Connection c = server.connect();
                Statement s = c.createStatement()) {
            for (String slot : List.of(referenceSlot, corpusSlot)) {
                s.execute(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                + " WHERE slot_name = '"
                                + slot
                                + "'");
            }
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        }
        try (Connection c = database().connect();
                Statement s = c.createStatement()) {
            s.execute(TABLE);
            s.execute("CREATE PUBLICATION bench FOR TABLE docs");
            s.execute(
                    "SELECT pg_create_logical_replication_slot('"
                            + referenceSlot
                            + "', 'pgoutput')");
            s.execute(
                    "SELECT pg_create_logical_replication_slot('" + corpusSlot + "', 'pgoutput')");
        }
    }

    /** Runs the workload; returns the WAL position after it (the reference's end point). */
    public Lsn workload(int bigRows, int smallTransactions) throws SQLException {
        try (Connection c = database().connect();
                Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = on");
            s.execute(
                    "INSERT INTO docs SELECT i, 'title ' || i, repeat(md5(i::text), 8),"
                            + " (i % 100000) / 100.0, ARRAY['alpha', 'beta', 'tag' || (i % 50)],"
                            + " jsonb_build_object('n', i, 'src', 'bench'),"
                            + " '2024-01-01 00:00:00+00'::timestamptz + i * interval '1 second'"
                            + " FROM generate_series(1, "
                            + bigRows
                            + ") i");
            s.execute(
                    "CREATE PROCEDURE small_txs(n int) LANGUAGE plpgsql AS $$"
                            + " BEGIN FOR i IN 1..n LOOP"
                            + " INSERT INTO docs VALUES (-i, 't', 'b', 1.5, '{x}', '{}', now());"
                            + " UPDATE docs SET title = 'u' WHERE id = -i;"
                            + " DELETE FROM docs WHERE id = -i;"
                            + " COMMIT; END LOOP; END $$");
            s.execute("CALL small_txs(" + smallTransactions + ")");
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_flush_lsn()::text")) {
                rs.next();
                return Lsn.parse(rs.getString(1));
            }
        }
    }

    /** Peeks the corpus slot with protocol 1, text or binary. */
    Corpus capture(String corpusSlot, boolean binary) throws SQLException {
        List<Long> lsns = new ArrayList<>();
        List<byte[]> messages = new ArrayList<>();
        try (Connection c = database().connect();
                Statement s = c.createStatement()) {
            s.setFetchSize(10_000);
            c.setAutoCommit(false);
            s.execute(
                    "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3");
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes('"
                                    + corpusSlot
                                    + "', NULL, NULL, 'proto_version', '1',"
                                    + " 'publication_names', 'bench', 'binary', '"
                                    + binary
                                    + "')")) {
                while (rs.next()) {
                    lsns.add(Lsn.parse(rs.getString(1)).value());
                    messages.add(rs.getBytes(2));
                }
            }
            c.commit();
        }
        return new Corpus(1, lsns, messages);
    }

    public void cleanup(String... slots) throws SQLException {
        try (Connection c = server.connect();
                Statement s = c.createStatement()) {
            for (String slot : slots) {
                s.execute(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                + " WHERE slot_name = '"
                                + slot
                                + "'");
            }
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
