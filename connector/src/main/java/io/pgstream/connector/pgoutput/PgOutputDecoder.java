package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.PgOutputMessage.Begin;
import io.pgstream.connector.pgoutput.PgOutputMessage.BeginPrepare;
import io.pgstream.connector.pgoutput.PgOutputMessage.Commit;
import io.pgstream.connector.pgoutput.PgOutputMessage.CommitPrepared;
import io.pgstream.connector.pgoutput.PgOutputMessage.Delete;
import io.pgstream.connector.pgoutput.PgOutputMessage.Insert;
import io.pgstream.connector.pgoutput.PgOutputMessage.LogicalDecodingMessage;
import io.pgstream.connector.pgoutput.PgOutputMessage.Origin;
import io.pgstream.connector.pgoutput.PgOutputMessage.Prepare;
import io.pgstream.connector.pgoutput.PgOutputMessage.Relation;
import io.pgstream.connector.pgoutput.PgOutputMessage.RelationColumn;
import io.pgstream.connector.pgoutput.PgOutputMessage.RollbackPrepared;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamAbort;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamCommit;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamPrepare;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamStart;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamStop;
import io.pgstream.connector.pgoutput.PgOutputMessage.Truncate;
import io.pgstream.connector.pgoutput.PgOutputMessage.Type;
import io.pgstream.connector.pgoutput.PgOutputMessage.Update;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the bytes of one {@code pgoutput} message into a {@link PgOutputMessage}. Pure: no I/O, no
 * SQL, no catalog lookups.
 *
 * <p>The decoder has one piece of state, whether it is inside a streamed block (between Stream
 * Start and Stream Stop), because from protocol 2 on the messages of such a block carry an extra
 * transaction id. Feed it every message of a slot in order; it is not thread-safe.
 *
 * <p>Tuples are decoded zero-copy (see {@link TupleData}): the input buffer's backing array must
 * not be reused while the returned message is alive. pgjdbc's replication stream hands out a new
 * array per message, which satisfies this.
 *
 * <p>It is over 300 lines because it holds one parse method per message type of protocols 1 to 4,
 * kept together so the type switch and the protocol checks read as one table; the field reads are
 * in {@link PgOutputReader}.
 */
public final class PgOutputDecoder {

    private final int protocolVersion;
    private boolean inStreamBlock;

    /**
     * @param protocolVersion the {@code proto_version} the slot was started with (1 to 4)
     */
    public PgOutputDecoder(int protocolVersion) {
        if (protocolVersion < 1 || protocolVersion > 4) {
            throw new IllegalArgumentException(
                    "pgoutput protocol version must be 1 to 4, not " + protocolVersion);
        }
        this.protocolVersion = protocolVersion;
    }

    public int protocolVersion() {
        return protocolVersion;
    }

    /**
     * Decodes one message.
     *
     * @param lsn the WAL position the server sent with the message, used only in error messages
     * @param message the message bytes, from its position to its limit
     * @throws PgOutputException on an unknown message type or malformed bytes, naming the byte and
     *     the LSN
     */
    public PgOutputMessage decode(Lsn lsn, ByteBuffer message) {
        if (!message.hasRemaining()) {
            throw new PgOutputException("Empty pgoutput message at LSN " + lsn);
        }
        byte[] array;
        int start;
        int end;
        if (message.hasArray()) {
            array = message.array();
            start = message.arrayOffset() + message.position();
            end = message.arrayOffset() + message.limit();
        } else {
            array = new byte[message.remaining()];
            message.duplicate().get(array);
            start = 0;
            end = array.length;
        }
        PgOutputReader in = new PgOutputReader(array, start, end);
        byte type = in.byte1();
        try {
            return decode(type, in);
        } catch (PgOutputException e) {
            throw new PgOutputException(
                    e.getMessage() + " (message '" + printable(type) + "' at LSN " + lsn + ")", e);
        } catch (IndexOutOfBoundsException e) {
            throw new PgOutputException(
                    "Truncated pgoutput message '"
                            + printable(type)
                            + "' at LSN "
                            + lsn
                            + ": "
                            + (end - start)
                            + " bytes",
                    e);
        }
    }

    private PgOutputMessage decode(byte type, PgOutputReader in) {
        switch (type) {
            case 'B':
                return new Begin(in.lsn(), in.timestamp(), in.uint32());
            case 'C':
                return new Commit(in.byte1(), in.lsn(), in.lsn(), in.timestamp());
            case 'O':
                return new Origin(in.lsn(), in.string());
            case 'R':
                return relation(in);
            case 'Y':
                return new Type(streamXid(in), in.int32(), in.string(), in.string());
            case 'I':
                return insert(in);
            case 'U':
                return update(in);
            case 'D':
                return delete(in);
            case 'T':
                return truncate(in);
            case 'M':
                return logicalMessage(in);
            case 'S':
                requireProtocol(2, type);
                inStreamBlock = true;
                return new StreamStart(in.uint32(), in.byte1() == 1);
            case 'E':
                requireProtocol(2, type);
                inStreamBlock = false;
                return new StreamStop();
            case 'c':
                requireProtocol(2, type);
                return new StreamCommit(
                        in.uint32(), in.byte1(), in.lsn(), in.lsn(), in.timestamp());
            case 'A':
                requireProtocol(2, type);
                return streamAbort(in);
            case 'b':
                requireProtocol(3, type);
                return new BeginPrepare(
                        in.lsn(), in.lsn(), in.timestamp(), in.uint32(), in.string());
            case 'P':
                requireProtocol(3, type);
                return new Prepare(
                        in.byte1(), in.lsn(), in.lsn(), in.timestamp(), in.uint32(), in.string());
            case 'K':
                requireProtocol(3, type);
                return new CommitPrepared(
                        in.byte1(), in.lsn(), in.lsn(), in.timestamp(), in.uint32(), in.string());
            case 'r':
                requireProtocol(3, type);
                return new RollbackPrepared(
                        in.byte1(),
                        in.lsn(),
                        in.lsn(),
                        in.timestamp(),
                        in.timestamp(),
                        in.uint32(),
                        in.string());
            case 'p':
                requireProtocol(3, type);
                return new StreamPrepare(
                        in.byte1(), in.lsn(), in.lsn(), in.timestamp(), in.uint32(), in.string());
            default:
                throw new PgOutputException(
                        String.format(
                                Locale.ROOT,
                                "Unknown pgoutput message type 0x%02x ('%s')",
                                type & 0xff,
                                printable(type)));
        }
    }

    private void requireProtocol(int minimum, byte type) {
        if (protocolVersion < minimum) {
            throw new PgOutputException(
                    "Message type '"
                            + printable(type)
                            + "' needs protocol version "
                            + minimum
                            + " but the stream uses "
                            + protocolVersion);
        }
    }

    /** The transaction id that protocol 2+ puts first in messages of a streamed block. */
    private long streamXid(PgOutputReader in) {
        return inStreamBlock && protocolVersion >= 2 ? in.uint32() : 0L;
    }

    private Relation relation(PgOutputReader in) {
        long xid = streamXid(in);
        int relationId = in.int32();
        String namespace = in.string();
        String name = in.string();
        char replicaIdentity = (char) in.byte1();
        int count = in.int16();
        List<RelationColumn> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (in.byte1() & 1) != 0;
            columns.add(new RelationColumn(key, in.string(), in.int32(), in.int32()));
        }
        return new Relation(
                xid, relationId, namespace, name, replicaIdentity, List.copyOf(columns));
    }

    private Insert insert(PgOutputReader in) {
        long xid = streamXid(in);
        int relationId = in.int32();
        in.expect('N', "new tuple");
        return new Insert(xid, relationId, tuple(in));
    }

    private Update update(PgOutputReader in) {
        long xid = streamXid(in);
        int relationId = in.int32();
        byte marker = in.byte1();
        char oldKind = 0;
        TupleData oldTuple = null;
        if (marker == 'K' || marker == 'O') {
            oldKind = (char) marker;
            oldTuple = tuple(in);
            marker = in.byte1();
        }
        if (marker != 'N') {
            throw new PgOutputException(
                    "Expected 'N' (new tuple) in Update, found byte 0x"
                            + Integer.toHexString(marker & 0xff));
        }
        return new Update(xid, relationId, oldKind, oldTuple, tuple(in));
    }

    private Delete delete(PgOutputReader in) {
        long xid = streamXid(in);
        int relationId = in.int32();
        byte marker = in.byte1();
        if (marker != 'K' && marker != 'O') {
            throw new PgOutputException(
                    "Expected 'K' or 'O' (old tuple) in Delete, found byte 0x"
                            + Integer.toHexString(marker & 0xff));
        }
        return new Delete(xid, relationId, (char) marker, tuple(in));
    }

    private Truncate truncate(PgOutputReader in) {
        long xid = streamXid(in);
        int count = in.int32();
        int options = in.byte1();
        int[] relationIds = new int[count];
        for (int i = 0; i < count; i++) {
            relationIds[i] = in.int32();
        }
        return new Truncate(xid, (options & 1) != 0, (options & 2) != 0, relationIds);
    }

    private LogicalDecodingMessage logicalMessage(PgOutputReader in) {
        long xid = streamXid(in);
        boolean transactional = (in.byte1() & 1) != 0;
        Lsn lsn = in.lsn();
        String prefix = in.string();
        int length = in.int32();
        return new LogicalDecodingMessage(xid, transactional, lsn, prefix, in.bytes(length));
    }

    private StreamAbort streamAbort(PgOutputReader in) {
        long xid = in.uint32();
        long subXid = in.uint32();
        // Protocol 4 with streaming = parallel appends the abort LSN and time; the message length
        // is the only thing that tells, since the decoder does not see the start options.
        if (protocolVersion >= 4 && in.remaining() >= 16) {
            return new StreamAbort(xid, subXid, in.lsn(), in.timestamp());
        }
        return new StreamAbort(xid, subXid, null, null);
    }

    private static TupleData tuple(PgOutputReader in) {
        int count = in.int16();
        byte[] kinds = new byte[count];
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            byte kind = in.byte1();
            kinds[i] = kind;
            switch (kind) {
                case TupleData.NULL:
                case TupleData.UNCHANGED_TOAST:
                    break;
                case TupleData.TEXT:
                case TupleData.BINARY:
                    int length = in.int32();
                    offsets[i] = in.skip(length);
                    lengths[i] = length;
                    break;
                default:
                    throw new PgOutputException(
                            "Unknown tuple column kind 0x"
                                    + Integer.toHexString(kind & 0xff)
                                    + " in column "
                                    + (i + 1)
                                    + " of "
                                    + count);
            }
        }
        return new TupleData(in.array(), kinds, offsets, lengths);
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f
                ? String.valueOf((char) b)
                : "\\x" + Integer.toHexString(b & 0xff);
    }
}
