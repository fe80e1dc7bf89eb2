package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.source.split.PostgresSplitState;
import java.util.Iterator;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;

/**
 * Emits a whole {@link FetchedRecord}, change by change, then advances the split state: to the
 * commit LSN of a {@link CommittedTransaction}, to the read position of {@link SnapshotChunkRows}
 * (whose split ends with it). It is the only place that advances split state: since one call emits
 * one whole record, a checkpoint can only see positions between transactions.
 *
 * <p>Runs on the task thread. A very large transaction holds the checkpoint barrier until it is
 * emitted (it streams from the spill file, so memory stays bounded).
 */
public final class PostgresRecordEmitter<T>
        implements RecordEmitter<FetchedRecord, T, PostgresSplitState> {

    private final ChangeEventDeserializationSchema<T> deserializer;
    private final SourceMetrics metrics;
    private final OutputCollector<T> collector = new OutputCollector<>();
    private BiConsumer<String, Lsn> emittedListener = (split, lsn) -> {};

    public PostgresRecordEmitter(
            ChangeEventDeserializationSchema<T> deserializer, SourceMetrics metrics) {
        this.deserializer = deserializer;
        this.metrics = metrics;
    }

    /**
     * Called on the task thread after each whole record with its split and position; the reader
     * uses it to ack.
     */
    void onRecordEmitted(BiConsumer<String, Lsn> listener) {
        this.emittedListener = listener;
    }

    @Override
    public void emitRecord(FetchedRecord record, SourceOutput<T> output, PostgresSplitState state)
            throws Exception {
        try (record) {
            collector.output = output;
            Iterator<ChangeEvent> changes = record.changes();
            long emitted = 0;
            while (changes.hasNext()) {
                deserializer.deserialize(changes.next(), collector);
                emitted++;
            }
            Lsn position = positionAfter(record);
            state.transactionEmitted(position);
            metrics.recordEmitted(record, emitted);
            emittedListener.accept(state.splitId(), position);
        } finally {
            collector.output = null;
        }
    }

    /** The position the split has reached once {@code record} is emitted. */
    private static Lsn positionAfter(FetchedRecord record) {
        if (record instanceof CommittedTransaction transaction) {
            return transaction.commitLsn();
        }
        return ((SnapshotChunkRows) record).asOf();
    }

    private static final class OutputCollector<T> implements Collector<T> {
        private SourceOutput<T> output;

        @Override
        public void collect(T record) {
            output.collect(record);
        }

        @Override
        public void close() {}
    }
}
