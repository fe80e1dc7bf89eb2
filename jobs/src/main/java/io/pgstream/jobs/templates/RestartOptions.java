package io.pgstream.jobs.templates;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job file's {@code restart:} section, declared once; {@link RestartSettings} maps it onto
 * Flink's restart strategies. Each key belongs to one strategy ({@code delay} to two).
 */
public final class RestartOptions {

    private RestartOptions() {}

    public static final ConfigOption<RestartSettings.Strategy> STRATEGY =
            ConfigOptions.key("restart.strategy")
                    .enumType(RestartSettings.Strategy.class)
                    .defaultValue(RestartSettings.Strategy.EXPONENTIAL_DELAY)
                    .withDescription("exponential-delay, fixed-delay, failure-rate or none.");

    public static final ConfigOption<Duration> INITIAL_BACKOFF =
            ConfigOptions.key("restart.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("exponential-delay: wait before the first restart.");

    public static final ConfigOption<Duration> MAX_BACKOFF =
            ConfigOptions.key("restart.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("exponential-delay: longest wait between restarts.");

    public static final ConfigOption<Double> BACKOFF_MULTIPLIER =
            ConfigOptions.key("restart.backoff-multiplier")
                    .doubleType()
                    .defaultValue(2.0)
                    .withDescription("exponential-delay: factor of the wait after each failure.");

    public static final ConfigOption<Duration> RESET_THRESHOLD =
            ConfigOptions.key("restart.reset-threshold")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "exponential-delay: running this long without a failure starts the"
                                    + " wait over.");

    public static final ConfigOption<Integer> ATTEMPTS =
            ConfigOptions.key("restart.attempts")
                    .intType()
                    .defaultValue(5)
                    .withDescription("fixed-delay: restarts over the job's whole life.");

    public static final ConfigOption<Integer> MAX_FAILURES_PER_INTERVAL =
            ConfigOptions.key("restart.max-failures-per-interval")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "failure-rate: failures within one interval that end the job.");

    public static final ConfigOption<Duration> FAILURE_RATE_INTERVAL =
            ConfigOptions.key("restart.failure-rate-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription("failure-rate: the interval failures are counted over.");

    public static final ConfigOption<Duration> DELAY =
            ConfigOptions.key("restart.delay")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("fixed-delay and failure-rate: wait before each restart.");
}
