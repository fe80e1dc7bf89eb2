package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.Lsn;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/** {@link ReplicationStream} over pgjdbc's replication API and its dedicated connection. */
final class PgjdbcReplicationStream implements ReplicationStream {

    private final Connection connection;
    private final PGReplicationStream stream;
    private Lsn serverSent = Lsn.INVALID;

    PgjdbcReplicationStream(Connection connection, PGReplicationStream stream) {
        this.connection = connection;
        this.stream = stream;
    }

    @Override
    public ByteBuffer readPending() throws SQLException {
        ByteBuffer message = stream.readPending();
        // pgjdbc advances its last-receive LSN on XLogData starts and keepalive WAL ends.
        long received = stream.getLastReceiveLSN().asLong();
        if (Long.compareUnsigned(received, serverSent.value()) > 0) {
            serverSent = new Lsn(received);
        }
        return message;
    }

    @Override
    public Lsn lastMessageLsn() {
        return new Lsn(stream.getLastReceiveLSN().asLong());
    }

    @Override
    public Lsn serverSentLsn() {
        return serverSent;
    }

    @Override
    public void acknowledge(Lsn flushed) throws SQLException {
        LogSequenceNumber lsn = LogSequenceNumber.valueOf(flushed.value());
        stream.setFlushedLSN(lsn);
        stream.setAppliedLSN(lsn);
        stream.forceUpdateStatus();
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!stream.isClosed()) {
                stream.close();
            }
        } finally {
            connection.close();
        }
    }
}
