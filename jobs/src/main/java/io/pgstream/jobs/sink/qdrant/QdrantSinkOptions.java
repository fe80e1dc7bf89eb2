package io.pgstream.jobs.sink.qdrant;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The Qdrant sink's settings, declared once; read by {@link QdrantSinkConfig#from}. */
public final class QdrantSinkOptions {
    private QdrantSinkOptions() {}

    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .defaultValue("http://localhost:6334")
                    .withDescription(
                            "Qdrant gRPC endpoint: http://host:6334, or https://host:6334 for TLS.");

    public static final ConfigOption<String> API_KEY_ENV =
            ConfigOptions.key("api-key-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Environment variable holding the API key (read where the job runs;"
                                    + " the key never enters the configuration).");

    public static final ConfigOption<String> COLLECTION =
            ConfigOptions.key("collection")
                    .stringType()
                    .defaultValue("pgstream_vectors")
                    .withDescription("Collection name (created when missing).");

    public static final ConfigOption<Integer> DIMENSIONS =
            ConfigOptions.key("dimensions")
                    .intType()
                    .noDefaultValue()
                    .withDescription("Vector size; must equal the embedding model's.");

    public static final ConfigOption<QdrantDistance> DISTANCE =
            ConfigOptions.key("distance")
                    .enumType(QdrantDistance.class)
                    .defaultValue(QdrantDistance.COSINE)
                    .withDescription("Similarity of a new collection.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("batch-size")
                    .intType()
                    .defaultValue(256)
                    .withDescription("Writes buffered before a flush (checkpoints also flush).");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Deadline of each Qdrant call.");
}
