package io.pgstream.jobs.table;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The {@code WITH} keys the {@code pgvector} and {@code qdrant} SQL tables share, declared once;
 * {@code sink.batch-size} and {@code sink.max-linger} are the job file's ({@code SinkOptions}), and
 * each store's own keys are in {@link PgVectorTableOptions} and {@link QdrantTableOptions}.
 */
public final class VectorTableOptions {
    private VectorTableOptions() {}

    public static final ConfigOption<Integer> DIMENSION =
            ConfigOptions.key("dimension")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Size of the embedding vectors; checked against an existing table or"
                                    + " collection, used to create a missing one.");

    public static final ConfigOption<String> VERSION_COLUMN =
            ConfigOptions.key("version-column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A BIGINT column of the table (e.g. the pgstream source's lsn): a"
                                    + " write never replaces or deletes a row whose stored version"
                                    + " is newer. Unset: the last write wins.");
}
