package io.pgstream.jobs.table;

import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.table.data.RowData;

/**
 * A vector store's Sink V2 ({@code Sink<VectorWrite>}, the job file's writers) fed by an upsert
 * changelog of rows: each row is converted ({@link VectorRowConverter}) and handed to the store's
 * writer, which batches, lingers and flushes on checkpoints exactly as in a YAML job. Writes of one
 * key must reach one subtask in order: an updating input arrives partitioned by key; for an
 * append-only input at parallelism above 1 see docs/sql.md (keyed shuffle, or the version guard).
 */
final class RowDataVectorSink implements Sink<RowData> {
    private static final long serialVersionUID = 1L;

    private final Sink<VectorWrite> store;
    private final VectorRowConverter converter;

    RowDataVectorSink(Sink<VectorWrite> store, VectorRowConverter converter) {
        this.store = store;
        this.converter = converter;
    }

    @Override
    public SinkWriter<RowData> createWriter(WriterInitContext context) throws IOException {
        return new Writer(store.createWriter(context), converter);
    }

    private static final class Writer implements SinkWriter<RowData> {
        private final SinkWriter<VectorWrite> writer;
        private final VectorRowConverter converter;

        Writer(SinkWriter<VectorWrite> writer, VectorRowConverter converter) {
            this.writer = writer;
            this.converter = converter;
        }

        @Override
        public void write(RowData row, Context context) throws IOException, InterruptedException {
            VectorWrite w = converter.convert(row);
            if (w != null) {
                writer.write(w, context);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            writer.flush(endOfInput);
        }

        @Override
        public void close() throws Exception {
            writer.close();
        }
    }
}
