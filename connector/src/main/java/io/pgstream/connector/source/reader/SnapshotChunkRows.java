package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import java.util.Iterator;

/**
 * The {@code read} events of one whole snapshot chunk, buffered (and spilled past the memory
 * budget) like a large transaction so that a checkpoint never stands inside a chunk.
 *
 * <p>{@link #asOf()} is the WAL position the chunk was read at; the events already carry it as
 * their commit LSN.
 */
public final class SnapshotChunkRows implements FetchedRecord {

    private final Lsn asOf;
    private final SpillingTransactionBuffer buffer;

    SnapshotChunkRows(Lsn asOf, SpillingTransactionBuffer buffer) {
        this.asOf = asOf;
        this.buffer = buffer;
    }

    /** The WAL position the chunk's rows were read at. */
    public Lsn asOf() {
        return asOf;
    }

    @Override
    public Iterator<ChangeEvent> changes() {
        return buffer.replay();
    }

    @Override
    public long size() {
        return buffer.size();
    }

    @Override
    public long spilledBytes() {
        return buffer.spilledBytes();
    }

    @Override
    public void close() {
        buffer.close();
    }

    @Override
    public String toString() {
        return "SnapshotChunkRows{asOf=" + asOf + ", size=" + size() + "}";
    }
}
