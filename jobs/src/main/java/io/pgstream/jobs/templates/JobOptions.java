package io.pgstream.jobs.templates;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The job file's top-level keys (outside any section), declared once. */
public final class JobOptions {

    private JobOptions() {}

    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOptions.key("parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Parallel subtasks of the embedding stage and the sink.");

    public static final ConfigOption<String> DEAD_LETTER_TABLE =
            ConfigOptions.key("dead-letter-table")
                    .stringType()
                    .defaultValue("public.pgstream_dead_letters")
                    .withDescription(
                            "Table of the rows the model refused: schema.name, or name in public.");

    /**
     * Flink's own 100 ms would be paid at every exchange (the embedding stage is behind a {@code
     * keyBy}), a large part of the commit → searchable budget; 5 ms costs a flusher wake-up per
     * output every 5 ms and still fills buffers whenever the rate makes them fill sooner.
     */
    public static final ConfigOption<Duration> BUFFER_TIMEOUT =
            ConfigOptions.key("buffer-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "How long a record may wait in a network buffer between two operators"
                                    + " before the buffer is sent half full.");
}
