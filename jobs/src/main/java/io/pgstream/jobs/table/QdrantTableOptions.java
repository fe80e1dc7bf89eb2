package io.pgstream.jobs.table;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The {@code WITH} keys of {@code 'connector' = 'qdrant'} tables, declared once. */
public final class QdrantTableOptions {
    private QdrantTableOptions() {}

    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Qdrant gRPC endpoint: http://host:6334, or https://host:6334 for TLS"
                                    + " (required).");

    public static final ConfigOption<String> API_KEY =
            ConfigOptions.key("api-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("API key sent with every call; unset: none. Never printed.");

    public static final ConfigOption<String> COLLECTION =
            ConfigOptions.key("collection")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Collection name (required); created when missing.");
}
