package io.pgstream.jobs.sink.qdrant;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job file's {@code sink:} keys of {@code type: qdrant}, declared once; the loader reads them
 * into a {@link QdrantSinkConfig}.
 */
public final class QdrantSinkOptions {
    private QdrantSinkOptions() {}

    public static final ConfigOption<String> URL =
            ConfigOptions.key("sink.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Qdrant gRPC endpoint: http://host:6334, or https://host:6334 for TLS"
                                    + " (required).");

    public static final ConfigOption<String> COLLECTION =
            ConfigOptions.key("sink.collection")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Collection name, created when missing (required).");

    public static final ConfigOption<String> API_KEY_ENV =
            ConfigOptions.key("sink.api-key-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Environment variable holding the API key, read where the job runs;"
                                    + " unset: send no key.");
}
