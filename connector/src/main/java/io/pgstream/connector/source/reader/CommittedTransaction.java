package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import java.time.Instant;
import java.util.Iterator;

/**
 * One committed transaction on its way from the split reader to the emitter: the unit of emission,
 * so that the split state (and hence a checkpoint) only ever moves from one whole transaction to
 * the next.
 *
 * <p>Changes decoded before their commit was known (streamed transactions) carry an invalid commit
 * LSN; {@link #changes()} fills in the commit position and time.
 */
public final class CommittedTransaction implements FetchedRecord {

    private final long xid;
    private final Lsn commitLsn;
    private final Lsn endLsn;
    private final Instant commitTime;
    private final SpillingTransactionBuffer buffer;

    public CommittedTransaction(
            long xid,
            Lsn commitLsn,
            Lsn endLsn,
            Instant commitTime,
            SpillingTransactionBuffer buffer) {
        this.xid = xid;
        this.commitLsn = commitLsn;
        this.endLsn = endLsn;
        this.commitTime = commitTime;
        this.buffer = buffer;
    }

    public long xid() {
        return xid;
    }

    public Lsn commitLsn() {
        return commitLsn;
    }

    /**
     * The end of the transaction's commit record: the position to confirm once the transaction is
     * safely delivered. Confirming the commit LSN itself would make the server send the transaction
     * again to the next reader of the slot.
     */
    public Lsn endLsn() {
        return endLsn;
    }

    public Instant commitTime() {
        return commitTime;
    }

    @Override
    public long size() {
        return buffer.size();
    }

    @Override
    public long spilledBytes() {
        return buffer.spilledBytes();
    }

    /** The transaction's changes in commit order, each with the commit position; call once. */
    @Override
    public Iterator<ChangeEvent> changes() {
        Iterator<ChangeEvent> raw = buffer.replay();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return raw.hasNext();
            }

            @Override
            public ChangeEvent next() {
                ChangeEvent e = raw.next();
                return e.commitLsn().isValid() ? e : e.withCommit(commitLsn, commitTime);
            }
        };
    }

    @Override
    public void close() {
        buffer.close();
    }

    @Override
    public String toString() {
        return "CommittedTransaction{xid="
                + xid
                + ", commit="
                + commitLsn
                + ", size="
                + size()
                + "}";
    }
}
