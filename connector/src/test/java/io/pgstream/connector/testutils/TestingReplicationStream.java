package io.pgstream.connector.testutils;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.PgOutputFixtures;
import io.pgstream.connector.pgoutput.PgOutputFixtures.Captured;
import io.pgstream.connector.source.reader.ReplicationStream;
import io.pgstream.connector.source.reader.ReplicationStreamFactory;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link ReplicationStream} without a server: replays pgoutput messages captured from a real one
 * (the decoder's fixtures, {@link PgOutputFixtures}) and records what the reader acknowledges.
 *
 * <p>Messages are queued with {@link #send}; {@link #readPending()} returns them one by one, then
 * null, like an idle slot. The server's sent position advances with each message start and with
 * {@link #keepalive}, as pgjdbc's last-receive LSN does. Single-threaded, like the real stream.
 */
public final class TestingReplicationStream implements ReplicationStream {

    private final int protocolVersion;
    private final Deque<Captured> pending = new ArrayDeque<>();
    private final List<Lsn> acknowledged = new ArrayList<>();
    private Lsn lastMessage = Lsn.INVALID;
    private Lsn serverSent = Lsn.INVALID;
    private Lsn requestedStart;
    private SQLException nextAckFailure;
    private boolean closed;

    public TestingReplicationStream(int protocolVersion) {
        this.protocolVersion = protocolVersion;
    }

    /** A stream that will send every message of {@code fixture} ({@code basic-v1}, ...). */
    public static TestingReplicationStream ofFixture(String fixture) {
        TestingReplicationStream stream =
                new TestingReplicationStream(PgOutputFixtures.protocolOf(fixture));
        stream.send(PgOutputFixtures.load(fixture));
        return stream;
    }

    /** The captured messages of {@code fixture}, to {@link #send} in parts. */
    public static List<Captured> fixture(String fixture) {
        return PgOutputFixtures.load(fixture);
    }

    /** Queues messages for the reader, in order. */
    public TestingReplicationStream send(List<Captured> messages) {
        pending.addAll(messages);
        return this;
    }

    /** A keepalive: the server reports having sent WAL up to {@code walEnd}. */
    public void keepalive(Lsn walEnd) {
        advanceSent(walEnd);
    }

    /** Makes the next {@link #acknowledge} fail, as a broken connection would. */
    public void failNextAcknowledgement(SQLException failure) {
        nextAckFailure = failure;
    }

    /** A factory that hands out this stream once and records the requested start. */
    public ReplicationStreamFactory factory() {
        return (slot, publication, startLsn) -> {
            requestedStart = startLsn;
            return new ReplicationStreamFactory.OpenedStream(this, protocolVersion);
        };
    }

    /** The start LSN the reader asked the factory for; null before it opened the stream. */
    public Lsn requestedStart() {
        return requestedStart;
    }

    /** Every LSN sent to the server as flushed, in order. */
    public List<Lsn> acknowledged() {
        return List.copyOf(acknowledged);
    }

    /** Messages queued and not read yet. */
    public int pendingMessages() {
        return pending.size();
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public ByteBuffer readPending() {
        Captured next = pending.poll();
        if (next == null) {
            return null;
        }
        lastMessage = next.lsn();
        advanceSent(next.lsn());
        return next.buffer();
    }

    @Override
    public Lsn lastMessageLsn() {
        return lastMessage;
    }

    @Override
    public Lsn serverSentLsn() {
        return serverSent;
    }

    @Override
    public void acknowledge(Lsn flushed) throws SQLException {
        if (nextAckFailure != null) {
            SQLException failure = nextAckFailure;
            nextAckFailure = null;
            throw failure;
        }
        acknowledged.add(flushed);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void advanceSent(Lsn lsn) {
        if (lsn.compareTo(serverSent) > 0) {
            serverSent = lsn;
        }
    }
}
