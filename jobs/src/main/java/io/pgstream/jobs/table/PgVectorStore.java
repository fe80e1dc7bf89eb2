package io.pgstream.jobs.table;

import io.pgstream.connector.connection.PgjdbcRelease;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** A {@code pgvector} SQL table's store: a PostgreSQL table of the Flink table's columns. */
final class PgVectorStore implements VectorStore {
    private static final long serialVersionUID = 1L;

    private final PgVectorSinkConfig config;
    private final VectorTableSchema schema;

    PgVectorStore(PgVectorSinkConfig config, VectorTableSchema schema) {
        this.config = config;
        this.schema = schema;
    }

    @Override
    public Sink<VectorWrite> sink() {
        return new RowSink(config, schema);
    }

    @Override
    public RowSearcher openSearcher() throws Exception {
        return new PgVectorRowSearcher(config, schema);
    }

    int dimension() {
        return config.dimensions();
    }

    @Override
    public String describe() {
        return "pgvector " + config.displayName();
    }

    /** The Sink V2 whose writers are {@link PgVectorRowWriter}s. */
    private static final class RowSink implements Sink<VectorWrite> {
        private static final long serialVersionUID = 1L;

        private final PgVectorSinkConfig config;
        private final VectorTableSchema schema;

        RowSink(PgVectorSinkConfig config, VectorTableSchema schema) {
            this.config = config;
            this.schema = schema;
        }

        @Override
        public SinkWriter<VectorWrite> createWriter(WriterInitContext context) throws IOException {
            PgjdbcRelease.registerWith(context.getUserCodeClassLoader());
            return new PgVectorRowWriter(
                    config, schema, context.getProcessingTimeService(), context.metricGroup());
        }
    }
}
