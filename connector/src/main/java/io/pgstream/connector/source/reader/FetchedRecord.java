package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.ChangeEvent;
import java.util.Iterator;

/**
 * What the split reader hands to the emitter: a batch of changes that is emitted whole, so the
 * split state (and hence a checkpoint) only moves between batches. Either a {@link
 * CommittedTransaction} from the slot's stream or the {@link SnapshotChunkRows} of one snapshot
 * chunk; the emitter advances the split state differently for each.
 */
public sealed interface FetchedRecord extends AutoCloseable
        permits CommittedTransaction, SnapshotChunkRows {

    /** The changes in emission order; call once. */
    Iterator<ChangeEvent> changes();

    /** The number of changes buffered (an upper bound when subtransactions aborted). */
    long size();

    /** Bytes this batch spilled to disk. */
    long spilledBytes();

    /** Releases memory and deletes any spill file. */
    @Override
    void close();
}
