package io.pgstream.connector.source.reader;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.ServerCatalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens pgoutput streams with pgjdbc.
 *
 * <p>The walsender formats text values with the session's settings, and the pure decoder parses
 * exactly one form of each; so the replication session pins them ({@code DateStyle=ISO}, {@code
 * IntervalStyle=postgres}, {@code bytea_output=hex}, {@code extra_float_digits=3}). It asks for
 * protocol version 2 with {@code streaming} on PostgreSQL 14 and later (large transactions arrive
 * in chunks instead of after commit), version 1 before. pgjdbc's automatic flush is off: only
 * checkpoint completion (and the idle rule in the split reader) may move the slot.
 */
public final class PgjdbcReplicationStreamFactory implements ReplicationStreamFactory {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(PgjdbcReplicationStreamFactory.class);

    /** SQLSTATE object_in_use: "replication slot ... is active for PID ...". */
    private static final String OBJECT_IN_USE = "55006";

    private final PgConnectionConfig connection;
    private final boolean binary;
    private final Duration statusInterval;
    private final Duration slotBusyTimeout;

    public PgjdbcReplicationStreamFactory(
            PgConnectionConfig connection,
            boolean binary,
            Duration statusInterval,
            Duration slotBusyTimeout) {
        this.connection = connection;
        this.binary = binary;
        this.statusInterval = statusInterval;
        this.slotBusyTimeout = slotBusyTimeout;
    }

    @Override
    public OpenedStream open(String slotName, String publicationName, Lsn startLsn)
            throws SQLException {
        long deadline = System.nanoTime() + slotBusyTimeout.toNanos();
        long backoffMs = 200;
        while (true) {
            Connection conn = connection.connect(properties());
            try {
                int major = conn.getMetaData().getDatabaseMajorVersion();
                int protocol = major >= 14 ? 2 : 1;
                PGReplicationStream stream =
                        start(
                                conn.unwrap(PGConnection.class),
                                slotName,
                                publicationName,
                                startLsn,
                                protocol);
                LOG.info(
                        "Streaming slot {} (publication {}, pgoutput v{}, {} format) from {}",
                        slotName,
                        publicationName,
                        protocol,
                        binary ? "binary" : "text",
                        startLsn.isValid() ? startLsn : "the slot's confirmed position");
                return new OpenedStream(new PgjdbcReplicationStream(conn, stream), protocol);
            } catch (SQLException e) {
                closeQuietly(conn);
                if (!OBJECT_IN_USE.equals(e.getSQLState())) {
                    throw e;
                }
                if (System.nanoTime() >= deadline) {
                    throw slotBusy(slotName, e);
                }
                LOG.warn(
                        "Replication slot {} is in use by another process; retrying for up to {}",
                        slotName,
                        slotBusyTimeout);
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private PGReplicationStream start(
            PGConnection pg, String slotName, String publicationName, Lsn startLsn, int protocol)
            throws SQLException {
        var builder =
                pg.getReplicationAPI()
                        .replicationStream()
                        .logical()
                        .withSlotName(slotName)
                        .withSlotOption("proto_version", protocol)
                        .withSlotOption("publication_names", quotePublication(publicationName))
                        .withSlotOption("messages", true)
                        .withStatusInterval((int) statusInterval.toMillis(), TimeUnit.MILLISECONDS)
                        .withAutomaticFlush(false);
        if (protocol >= 2) {
            builder.withSlotOption("streaming", true);
        }
        if (binary) {
            builder.withSlotOption("binary", true);
        }
        if (startLsn.isValid()) {
            builder.withStartPosition(LogSequenceNumber.valueOf(startLsn.value()));
        }
        return builder.start();
    }

    /**
     * {@code publication_names} is a list parsed by the server like an identifier list, so a name
     * with a comma, quote or capital must be double-quoted there.
     */
    static String quotePublication(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private Properties properties() {
        Properties props = connection.jdbcProperties();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        String pinned =
                "-c DateStyle=ISO -c IntervalStyle=postgres -c bytea_output=hex"
                        + " -c extra_float_digits=3";
        String userOptions = props.getProperty("options");
        props.setProperty("options", userOptions == null ? pinned : userOptions + " " + pinned);
        if (props.getProperty("ApplicationName") == null) {
            props.setProperty("ApplicationName", "pgstream");
        }
        return props;
    }

    private SQLException slotBusy(String slotName, SQLException cause) {
        String pid = "unknown";
        try (Connection c = connection.connect()) {
            Integer active = ServerCatalog.activePid(c, slotName);
            if (active != null) {
                pid = active.toString();
            }
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
        return new SQLException(
                "Replication slot '"
                        + slotName
                        + "' is in use by PID "
                        + pid
                        + " (waited "
                        + slotBusyTimeout.toSeconds()
                        + " s). A slot has exactly one consumer: stop the other one (find it with"
                        + " SELECT pid, usename, application_name, client_addr, backend_start FROM"
                        + " pg_stat_activity WHERE pid = "
                        + pid
                        + ") or give this job its own slot.",
                OBJECT_IN_USE,
                cause);
    }

    private static void sleep(long ms) throws SQLException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for a busy replication slot", e);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing after a failed start: nothing to recover.
        }
    }
}
