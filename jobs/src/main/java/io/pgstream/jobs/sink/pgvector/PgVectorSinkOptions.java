package io.pgstream.jobs.sink.pgvector;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The pgvector sink's settings, declared once; {@link PgVectorSinkConfig#from} reads them into the
 * value object the sink carries. The connection itself comes as a {@code PgConnectionConfig}.
 */
public final class PgVectorSinkOptions {
    private PgVectorSinkOptions() {}

    public static final ConfigOption<String> TABLE =
            ConfigOptions.key("table")
                    .stringType()
                    .defaultValue("pgstream_vectors")
                    .withDescription(
                            "Vector table, 'name' or 'schema.name' (created when missing).");

    public static final ConfigOption<Integer> DIMENSIONS =
            ConfigOptions.key("dimensions")
                    .intType()
                    .noDefaultValue()
                    .withDescription("Vector size; must equal the embedding model's.");

    public static final ConfigOption<Boolean> HNSW =
            ConfigOptions.key("hnsw")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Create an HNSW index (vector_cosine_ops) on the embedding column.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Writes buffered before a flush (checkpoints also flush).");
}
