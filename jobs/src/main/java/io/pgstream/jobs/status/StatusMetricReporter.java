package io.pgstream.jobs.status;

import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * Hands the metrics a run's tasks register to that run's {@link RunMetrics}, so the status line
 * reads them in the same JVM.
 *
 * <p>Why a reporter and not Flink's REST API: {@code pgstream sync} runs the job on an embedded
 * mini-cluster in its own JVM, so the metric objects are right here; a reporter gets them typed (a
 * histogram's window, not a JSON rendering of it), needs no web endpoint or port, no HTTP client or
 * JSON parsing, and sees every subtask's metric as it is registered and removed. The reporter is
 * configured on the mini-cluster's {@code Configuration} by {@link
 * StatusMetricReporterFactory#configure}; Flink calls it on its own threads.
 */
public final class StatusMetricReporter implements MetricReporter {

    /** The reporter option naming the run ({@code metrics.reporter.<name>.run}). */
    static final String RUN = "run";

    private RunMetrics run;

    @Override
    public void open(MetricConfig config) {
        run = RunMetrics.of(config.getString(RUN, "default"));
    }

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        run.added(metricName, group.getAllVariables(), metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        run.removed(metricName, group.getAllVariables(), metric);
    }
}
