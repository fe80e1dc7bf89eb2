package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.pgoutput.PgOutputMessage.Begin;
import io.pgstream.connector.pgoutput.PgOutputMessage.Commit;
import io.pgstream.connector.pgoutput.PgOutputMessage.Delete;
import io.pgstream.connector.pgoutput.PgOutputMessage.Insert;
import io.pgstream.connector.pgoutput.PgOutputMessage.LogicalDecodingMessage;
import io.pgstream.connector.pgoutput.PgOutputMessage.Relation;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamAbort;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamCommit;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamStart;
import io.pgstream.connector.pgoutput.PgOutputMessage.Truncate;
import io.pgstream.connector.pgoutput.PgOutputMessage.Type;
import io.pgstream.connector.pgoutput.PgOutputMessage.Update;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rebuilds transactions of typed {@link ChangeEvent}s from decoded pgoutput messages and hands them
 * to a {@link TransactionListener}. Pure and single-threaded, like the decoder.
 *
 * <p>Rows are keyed by column name in table order and typed by the column's type OID from the
 * latest Relation message. A column PostgreSQL sent as "unchanged TOAST" is left out of the row and
 * named in {@link ChangeEvent#unchangedToastColumns()}; a null in its place would overwrite real
 * data downstream. For an old tuple of kind {@code K} only the replica identity columns are kept;
 * the others are placeholders the server fills with nulls.
 *
 * <p>Two-phase messages are decoded by {@link PgOutputDecoder} but not assembled: pgstream starts
 * its slots without {@code two_phase}, so receiving one means the slot was created elsewhere with
 * it, and that is reported rather than guessed at.
 */
public final class ChangeEventAssembler {

    private final PgOutputDecoder decoder;
    private final TypeRegistry types;
    private final ValueDecoder values;
    private final RelationCache relations = new RelationCache();
    private final TransactionListener listener;

    /** The transaction messages belong to: a Begin's xid, or the open stream block's xid. */
    private long currentXid;

    private Lsn currentCommitLsn;
    private Instant currentCommitTime;

    public ChangeEventAssembler(int protocolVersion, TransactionListener listener) {
        this.decoder = new PgOutputDecoder(protocolVersion);
        this.types = new TypeRegistry();
        this.values = new ValueDecoder(types);
        this.listener = listener;
    }

    /** Decodes and assembles one message received at {@code lsn}. */
    public void accept(Lsn lsn, java.nio.ByteBuffer bytes) {
        int size = bytes.remaining();
        accept(lsn, decoder.decode(lsn, bytes), size);
    }

    /** Assembles one already decoded message received at {@code lsn}. */
    public void accept(Lsn lsn, PgOutputMessage message, int wireSize) {
        if (message instanceof Insert m) {
            RelationCache.Entry r = relations.get(m.relationId());
            LinkedHashMap<String, Object> row = new LinkedHashMap<>(capacity(r.names.length));
            ChangeEvent.Builder b = event(Operation.INSERT, r, lsn);
            putRow(r, m.newTuple(), row, b, false);
            emit(m.xid(), b.ownedRow(row), wireSize);
        } else if (message instanceof Update m) {
            RelationCache.Entry r = relations.get(m.relationId());
            ChangeEvent.Builder b = event(Operation.UPDATE, r, lsn);
            LinkedHashMap<String, Object> row = new LinkedHashMap<>(capacity(r.names.length));
            putRow(r, m.newTuple(), row, b, false);
            b.ownedRow(row);
            if (m.oldTuple() != null) {
                b.ownedOldRow(oldRow(r, m.oldKind(), m.oldTuple()));
            }
            emit(m.xid(), b, wireSize);
        } else if (message instanceof Delete m) {
            RelationCache.Entry r = relations.get(m.relationId());
            ChangeEvent.Builder b = event(Operation.DELETE, r, lsn);
            emit(m.xid(), b.ownedOldRow(oldRow(r, m.oldKind(), m.oldTuple())), wireSize);
        } else if (message instanceof Begin m) {
            currentXid = m.xid();
            currentCommitLsn = m.finalLsn();
            currentCommitTime = m.commitTime();
            listener.begin(m.xid(), m.finalLsn(), m.commitTime());
        } else if (message instanceof Commit m) {
            listener.commit(currentXid, m.commitLsn(), m.endLsn(), m.commitTime());
        } else if (message instanceof Relation m) {
            relations.put(m);
        } else if (message instanceof Type m) {
            types.register(m.typeOid(), m.namespace(), m.name());
        } else if (message instanceof Truncate m) {
            for (int relationId : m.relationIds()) {
                RelationCache.Entry r = relations.get(relationId);
                ChangeEvent.Builder b = event(Operation.TRUNCATE, r, lsn);
                emit(m.xid(), b.truncateFlags(m.cascade(), m.restartIdentity()), wireSize);
            }
        } else if (message instanceof StreamStart m) {
            currentXid = m.xid();
            currentCommitLsn = null;
            currentCommitTime = null;
            listener.streamStart(m.xid(), m.firstSegment());
        } else if (message instanceof PgOutputMessage.StreamStop) {
            listener.streamStop();
        } else if (message instanceof StreamCommit m) {
            listener.commit(m.xid(), m.commitLsn(), m.endLsn(), m.commitTime());
        } else if (message instanceof StreamAbort m) {
            listener.streamAbort(m.xid(), m.subXid());
        } else if (message instanceof LogicalDecodingMessage m) {
            listener.message(m);
        } else if (message instanceof PgOutputMessage.Origin) {
            // Replication origin of the transaction: not part of a change event.
        } else {
            throw new PgOutputException(
                    "Two-phase message "
                            + message.getClass().getSimpleName()
                            + " at LSN "
                            + lsn
                            + ": the slot was created with two_phase, which pgstream does not use;"
                            + " recreate the slot without it");
        }
    }

    private ChangeEvent.Builder event(Operation op, RelationCache.Entry r, Lsn lsn) {
        ChangeEvent.Builder b = ChangeEvent.builder(op).table(r.schema, r.table).lsn(lsn);
        if (currentCommitLsn != null) {
            b.commitLsn(currentCommitLsn).commitTime(currentCommitTime);
        }
        return b;
    }

    private void emit(long messageXid, ChangeEvent.Builder b, int wireSize) {
        long subXid = messageXid != 0 ? messageXid : currentXid;
        listener.change(currentXid, subXid, b.xid(currentXid).build(), wireSize);
    }

    private LinkedHashMap<String, Object> oldRow(
            RelationCache.Entry r, char kind, TupleData tuple) {
        LinkedHashMap<String, Object> old = new LinkedHashMap<>(capacity(r.names.length));
        putRow(r, tuple, old, null, kind == 'K');
        return old;
    }

    private void putRow(
            RelationCache.Entry r,
            TupleData tuple,
            Map<String, Object> row,
            ChangeEvent.Builder toast,
            boolean keyOnly) {
        int n = tuple.size();
        if (n > r.names.length) {
            throw new PgOutputException(
                    "Tuple of "
                            + r.schema
                            + "."
                            + r.table
                            + " has "
                            + n
                            + " columns but its Relation message has "
                            + r.names.length);
        }
        byte[] buf = tuple.buffer();
        for (int i = 0; i < n; i++) {
            if (keyOnly && !r.key[i]) {
                continue;
            }
            switch (tuple.kind(i)) {
                case TupleData.NULL:
                    row.put(r.names[i], null);
                    break;
                case TupleData.UNCHANGED_TOAST:
                    if (toast != null) {
                        toast.unchangedToastColumn(r.names[i]);
                    }
                    break;
                case TupleData.TEXT:
                    row.put(
                            r.names[i],
                            values.decodeText(
                                    r.typeOids[i], buf, tuple.offset(i), tuple.length(i)));
                    break;
                default:
                    row.put(
                            r.names[i],
                            values.decodeBinary(
                                    r.typeOids[i], buf, tuple.offset(i), tuple.length(i)));
            }
        }
    }

    private static int capacity(int columns) {
        return (int) (columns / 0.75f) + 1;
    }
}
