package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.Lsn;
import java.time.Instant;
import java.util.List;

/**
 * One logical replication message of the {@code pgoutput} protocol, versions 1 to 4, exactly as the
 * server sent it. Field names follow the PostgreSQL documentation ("Logical Replication Message
 * Formats"); {@code xid} fields that exist only inside a streamed block are {@code 0} outside one.
 */
public sealed interface PgOutputMessage {

    /** Start of a (non-streamed) transaction; {@code finalLsn} is its commit record's LSN. */
    record Begin(Lsn finalLsn, Instant commitTime, long xid) implements PgOutputMessage {}

    /** End of a transaction. */
    record Commit(int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime)
            implements PgOutputMessage {}

    /** The transaction came from another node through replication origin {@code name}. */
    record Origin(Lsn originCommitLsn, String name) implements PgOutputMessage {}

    /**
     * A table's shape. Sent before its first change and again after it changes (ALTER TABLE), so it
     * takes effect from the point it appears.
     */
    record Relation(
            long xid,
            int relationId,
            String namespace,
            String name,
            char replicaIdentity,
            List<RelationColumn> columns)
            implements PgOutputMessage {}

    /** One column of a {@link Relation}; {@code key} marks replica identity columns. */
    record RelationColumn(boolean key, String name, int typeOid, int typeModifier) {}

    /** Names a non-built-in type used by a following Relation (e.g. pgvector's vector). */
    record Type(long xid, int typeOid, String namespace, String name) implements PgOutputMessage {}

    record Insert(long xid, int relationId, TupleData newTuple) implements PgOutputMessage {}

    /**
     * An update. {@code oldKind} is {@code 'K'} (old replica identity key), {@code 'O'} (whole old
     * row, REPLICA IDENTITY FULL) or {@code 0} (no old values sent: the key did not change).
     */
    record Update(long xid, int relationId, char oldKind, TupleData oldTuple, TupleData newTuple)
            implements PgOutputMessage {}

    /** A delete; {@code oldKind} is {@code 'K'} or {@code 'O'} as for {@link Update}. */
    record Delete(long xid, int relationId, char oldKind, TupleData oldTuple)
            implements PgOutputMessage {}

    /** One TRUNCATE statement over one or more tables. */
    record Truncate(long xid, boolean cascade, boolean restartIdentity, int[] relationIds)
            implements PgOutputMessage {}

    /** A {@code pg_logical_emit_message}; {@code transactional} ones belong to a transaction. */
    record LogicalDecodingMessage(
            long xid, boolean transactional, Lsn lsn, String prefix, byte[] content)
            implements PgOutputMessage {}

    /** Start of a chunk of a large in-progress transaction (protocol 2+). */
    record StreamStart(long xid, boolean firstSegment) implements PgOutputMessage {}

    /** End of a chunk of a streamed transaction. */
    record StreamStop() implements PgOutputMessage {}

    /** A streamed transaction committed: its buffered chunks are now final. */
    record StreamCommit(long xid, int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime)
            implements PgOutputMessage {}

    /**
     * A streamed transaction ({@code subXid == xid}) or one of its subtransactions aborted. The
     * abort LSN and time are sent by protocol 4 with parallel streaming only, else null.
     */
    record StreamAbort(long xid, long subXid, Lsn abortLsn, Instant abortTime)
            implements PgOutputMessage {}

    /** Start of a prepared transaction's contents (two-phase, protocol 3+). */
    record BeginPrepare(Lsn prepareLsn, Lsn endLsn, Instant prepareTime, long xid, String gid)
            implements PgOutputMessage {}

    record Prepare(int flags, Lsn prepareLsn, Lsn endLsn, Instant prepareTime, long xid, String gid)
            implements PgOutputMessage {}

    record CommitPrepared(
            int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime, long xid, String gid)
            implements PgOutputMessage {}

    record RollbackPrepared(
            int flags,
            Lsn prepareEndLsn,
            Lsn rollbackEndLsn,
            Instant prepareTime,
            Instant rollbackTime,
            long xid,
            String gid)
            implements PgOutputMessage {}

    /** A streamed transaction was prepared (two-phase with streaming, protocol 3+). */
    record StreamPrepare(
            int flags, Lsn prepareLsn, Lsn endLsn, Instant prepareTime, long xid, String gid)
            implements PgOutputMessage {}
}
