package io.pgstream.jobs.sink;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job file's {@code sink:} keys every vector store has, declared once; the store's own keys are
 * in {@code PgVectorSinkOptions} and {@code QdrantSinkOptions}.
 */
public final class SinkOptions {

    private SinkOptions() {}

    /** The {@code sink.type} values. */
    public enum Type {
        PGVECTOR,
        QDRANT
    }

    public static final ConfigOption<Type> TYPE =
            ConfigOptions.key("sink.type")
                    .enumType(Type.class)
                    .noDefaultValue()
                    .withDescription("Where vectors go: pgvector or qdrant (required).");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("sink.batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Writes buffered before a flush (checkpoints also flush).");

    /**
     * A duration, or {@code checkpoint} (read by the job-file loader) to write only when a batch is
     * full or a checkpoint starts.
     */
    public static final ConfigOption<Duration> MAX_LINGER =
            ConfigOptions.key("sink.max-linger")
                    .durationType()
                    .defaultValue(BufferedVectorWriter.DEFAULT_MAX_LINGER)
                    .withDescription(
                            "How long a buffered write may wait before it is written without a"
                                    + " checkpoint; 0: at the writer's next turn; checkpoint: only"
                                    + " when a batch is full or a checkpoint starts.");

    public static final ConfigOption<String> ALIAS =
            ConfigOptions.key("sink.alias")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The name searches use, switched by pgstream reindex: a view"
                                    + " ('name' or 'schema.name') over the live table (pgvector),"
                                    + " a collection alias (Qdrant); unset: none.");
}
