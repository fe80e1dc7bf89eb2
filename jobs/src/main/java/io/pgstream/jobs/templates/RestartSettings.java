package io.pgstream.jobs.templates;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * How Flink restarts the job after a failure, as the job file's {@code restart:} section says; the
 * one place that maps it onto Flink's {@link RestartStrategyOptions}, for {@code pgstream sync} and
 * for {@code SyncJob} on a cluster.
 *
 * <p>The default, {@link #DEFAULT}, is exponential delay that forgives old failures: a job that
 * runs for days must survive a model outage on Tuesday and another on Friday, which a fixed budget
 * of attempts over the job's whole life does not. Backoff starts at 1 s, doubles up to 60 s and
 * falls back to 1 s after 10 min without a failure; attempts are unlimited, so a problem that
 * persists shows as a job restarting every minute (with its cause in the log), not a dead job.
 */
public sealed interface RestartSettings extends Serializable {

    /** Exponential delay with {@link RestartOptions}' defaults, jitter 0.1. */
    ExponentialDelay DEFAULT =
            new ExponentialDelay(
                    RestartOptions.INITIAL_BACKOFF.defaultValue(),
                    RestartOptions.MAX_BACKOFF.defaultValue(),
                    RestartOptions.BACKOFF_MULTIPLIER.defaultValue(),
                    RestartOptions.RESET_THRESHOLD.defaultValue());

    /** The {@code restart.strategy} values. */
    enum Strategy {
        EXPONENTIAL_DELAY,
        FIXED_DELAY,
        FAILURE_RATE,
        NONE
    }

    /** Writes these settings into {@code conf}, replacing any restart strategy set there. */
    void applyTo(Configuration conf);

    /**
     * Gives {@code env}'s job these settings unless its configuration (on a cluster: the one {@code
     * flink run} read) names a restart strategy already: a cluster's own choice wins over the job
     * file's.
     */
    default void applyUnlessSet(StreamExecutionEnvironment env) {
        if (env.getConfiguration().getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
            Configuration conf = new Configuration();
            applyTo(conf);
            env.configure(conf);
        }
    }

    /**
     * Waits {@code initialBackoff}, multiplied by {@code multiplier} after each failure up to
     * {@code maxBackoff}; after {@code resetThreshold} without a failure the backoff starts over.
     * Never gives up.
     */
    record ExponentialDelay(
            Duration initialBackoff,
            Duration maxBackoff,
            double multiplier,
            Duration resetThreshold)
            implements RestartSettings {

        /** Spreads restarts of many jobs hit by one outage. */
        static final double JITTER = 0.1;

        @Override
        public void applyTo(Configuration conf) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                    initialBackoff);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                    maxBackoff);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
                    multiplier);
            conf.set(
                    RestartStrategyOptions
                            .RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                    resetThreshold);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR,
                    JITTER);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                    Integer.MAX_VALUE);
        }
    }

    /** Up to {@code attempts} restarts over the job's whole life, {@code delay} apart. */
    record FixedDelay(int attempts, Duration delay) implements RestartSettings {
        @Override
        public void applyTo(Configuration conf) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, delay);
        }
    }

    /**
     * Restarts {@code delay} after a failure; gives up when more than {@code maxFailures} fall
     * within one {@code interval}.
     */
    record FailureRate(int maxFailures, Duration interval, Duration delay)
            implements RestartSettings {
        @Override
        public void applyTo(Configuration conf) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL,
                    maxFailures);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL,
                    interval);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, delay);
        }
    }

    /** The first failure ends the job. */
    record None() implements RestartSettings {
        @Override
        public void applyTo(Configuration conf) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        }
    }
}
