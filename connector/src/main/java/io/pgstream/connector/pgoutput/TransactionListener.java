package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.PgOutputMessage.LogicalDecodingMessage;
import java.time.Instant;

/**
 * Receives the transactions that {@link ChangeEventAssembler} rebuilds from pgoutput messages.
 *
 * <p>A plain transaction arrives as {@code begin, change*, commit}. A streamed one (protocol 2+,
 * larger than {@code logical_decoding_work_mem}) arrives in chunks, {@code streamStart, change*,
 * streamStop}, possibly interleaved with other transactions, and ends with {@code commit} or {@code
 * streamAbort}. Changes of a streamed transaction carry no commit LSN or time yet; the listener
 * buffers them and applies the commit's position when it arrives. All calls come from the thread
 * that feeds the assembler.
 */
public interface TransactionListener {

    /** A plain transaction starts; its commit position is already known. */
    void begin(long xid, Lsn commitLsn, Instant commitTime);

    /** A chunk of streamed transaction {@code xid} starts. */
    void streamStart(long xid, boolean firstSegment);

    /**
     * One change of transaction {@code xid}.
     *
     * @param subXid the (sub)transaction that made it: equal to {@code xid} for plain transactions;
     *     in a streamed one, the id a later {@link #streamAbort} may name
     * @param wireSize the size of the message it came from, to estimate memory use
     */
    void change(long xid, long subXid, ChangeEvent event, int wireSize);

    /** The current chunk of a streamed transaction ends. */
    void streamStop();

    /** Transaction {@code xid}, plain or streamed, committed at {@code commitLsn}. */
    void commit(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime);

    /**
     * A streamed transaction aborted ({@code subXid == xid}): discard all of it; or one of its
     * subtransactions did: discard that subtransaction's changes.
     */
    void streamAbort(long xid, long subXid);

    /** A logical decoding message ({@code pg_logical_emit_message}), e.g. a heartbeat. */
    default void message(LogicalDecodingMessage message) {}
}
