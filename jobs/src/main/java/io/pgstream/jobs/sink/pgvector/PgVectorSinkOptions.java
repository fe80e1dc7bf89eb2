package io.pgstream.jobs.sink.pgvector;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job file's {@code sink:} keys of {@code type: pgvector}, declared once; the loader reads them
 * into a {@link PgVectorSinkConfig}.
 */
public final class PgVectorSinkOptions {
    private PgVectorSinkOptions() {}

    public static final ConfigOption<String> DSN =
            ConfigOptions.key("sink.dsn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database of the vector table; default: the source dsn.");

    public static final ConfigOption<String> TABLE =
            ConfigOptions.key("sink.table")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Vector table, 'name' or 'schema.name', created when missing"
                                    + " (required).");

    public static final ConfigOption<Boolean> HNSW =
            ConfigOptions.key("sink.hnsw")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Create an HNSW index (vector_cosine_ops) on the embedding column.");
}
