package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.Lsn;
import java.io.Serializable;
import java.sql.SQLException;

/**
 * Opens {@link ReplicationStream}s. Serializable because it travels inside the source to the
 * TaskManagers; it must hold configuration only, never an open connection.
 */
public interface ReplicationStreamFactory extends Serializable {

    /**
     * Opens a stream on {@code slotName} for {@code publicationName}. Blocks while connecting;
     * waits a bounded time if another process holds the slot.
     *
     * @param startLsn where to ask the server to start ({@link Lsn#INVALID} for the slot's own
     *     confirmed position; the server never goes back before it either way)
     * @return an open stream, together with the protocol version the server agreed to
     */
    OpenedStream open(String slotName, String publicationName, Lsn startLsn) throws SQLException;

    /** An open stream and the pgoutput protocol version it speaks. */
    final class OpenedStream {
        private final ReplicationStream stream;
        private final int protocolVersion;

        public OpenedStream(ReplicationStream stream, int protocolVersion) {
            this.stream = stream;
            this.protocolVersion = protocolVersion;
        }

        public ReplicationStream stream() {
            return stream;
        }

        public int protocolVersion() {
            return protocolVersion;
        }
    }
}
