package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.Lsn;
import java.nio.ByteBuffer;
import java.sql.SQLException;

/**
 * The seam around pgjdbc's {@code PGReplicationStream}: one open logical replication stream of one
 * slot. {@link SlotStreamReader} is unit-tested against {@code testutils.TestingReplicationStream}
 * (captured pgoutput fixtures in, acknowledgements recorded) and against the real server, in the
 * ITCases, through {@link PgjdbcReplicationStream}.
 *
 * <p>Not thread-safe: every method is called from the split fetcher thread only; acks requested by
 * checkpoint completion are funnelled there as fetcher tasks.
 */
public interface ReplicationStream extends AutoCloseable {

    /**
     * The next pgoutput message, or null when none has arrived. Does not block for longer than
     * about a millisecond, answers server keepalives that ask for a reply, and sends periodic
     * status updates as a side effect.
     *
     * @return the message payload (valid until the next call), or null
     */
    ByteBuffer readPending() throws SQLException;

    /** The WAL start of the last message returned by {@link #readPending()}. */
    Lsn lastMessageLsn();

    /**
     * The furthest position the server has reported as sent (message starts and keepalive WAL
     * ends): every transaction committed before it has been delivered or filtered out.
     */
    Lsn serverSentLsn();

    /**
     * Tells the server that everything up to {@code flushed} is durable downstream, so the slot may
     * release WAL before it; sends the status update at once.
     */
    void acknowledge(Lsn flushed) throws SQLException;

    /** Closes the stream and its connection; the slot becomes inactive. */
    @Override
    void close() throws SQLException;
}
