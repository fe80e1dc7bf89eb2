package io.pgstream.connector.source.split;

import io.pgstream.connector.event.Lsn;

/**
 * The mutable progress of one {@link PostgresSplit} while it is read: the commit LSN of the last
 * transaction whose every change was emitted. Only the record emitter advances it, and only after a
 * whole transaction, so a checkpoint never records a position inside a transaction.
 */
public final class PostgresSplitState {

    private final PostgresSplit split;
    private Lsn lastCommitLsn;

    public PostgresSplitState(PostgresSplit split) {
        this.split = split;
        this.lastCommitLsn = split.start().isFromSlot() ? null : split.start().lastCommitLsn();
    }

    public String splitId() {
        return split.splitId();
    }

    /** The kind of the split being read. */
    public SplitKind kind() {
        return split.kind();
    }

    /** The commit LSN of the last fully emitted transaction, or null before the first one. */
    public Lsn lastCommitLsn() {
        return lastCommitLsn;
    }

    /** Records that the transaction committed at {@code commitLsn} was fully emitted. */
    public void transactionEmitted(Lsn commitLsn) {
        this.lastCommitLsn = commitLsn;
    }

    /** The split as a checkpoint stores it: starting after the last emitted commit. */
    public PostgresSplit toSplit() {
        return lastCommitLsn == null ? split : split.afterCommit(lastCommitLsn);
    }
}
