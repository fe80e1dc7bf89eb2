package io.pgstream.jobs.templates;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job file's {@code checkpoint:} section, declared once. The slot advances only on completed
 * checkpoints, so the interval is also how far the slot may lag behind the index.
 */
public final class CheckpointOptions {

    private CheckpointOptions() {}

    public static final ConfigOption<Duration> INTERVAL =
            ConfigOptions.key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("How often the job's progress is saved.");

    public static final ConfigOption<String> DIR =
            ConfigOptions.key("checkpoint.dir")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where checkpoints are kept; default: .pgstream/checkpoints/ followed by"
                                    + " the slot name.");
}
