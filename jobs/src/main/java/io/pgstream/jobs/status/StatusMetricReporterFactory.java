package io.pgstream.jobs.status;

import java.util.Properties;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Creates {@link StatusMetricReporter}s (found by Flink through {@code META-INF/services}).
 *
 * <pre>{@code
 * String run = UUID.randomUUID().toString();
 * StatusMetricReporterFactory.configure(conf, run);   // before the mini-cluster starts
 * RunMetrics metrics = RunMetrics.of(run);
 * }</pre>
 */
public final class StatusMetricReporterFactory implements MetricReporterFactory {

    /** The reporter's name in {@code metrics.reporter.<name>.*}. */
    static final String NAME = "pgstream-status";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new StatusMetricReporter();
    }

    /** Adds the reporter, reporting into {@code RunMetrics.of(runId)}, to a cluster's config. */
    public static void configure(Configuration conf, String runId) {
        String prefix = "metrics.reporter." + NAME + ".";
        conf.set(
                ConfigOptions.key(prefix + "factory.class").stringType().noDefaultValue(),
                StatusMetricReporterFactory.class.getName());
        conf.set(
                ConfigOptions.key(prefix + StatusMetricReporter.RUN).stringType().noDefaultValue(),
                runId);
    }
}
