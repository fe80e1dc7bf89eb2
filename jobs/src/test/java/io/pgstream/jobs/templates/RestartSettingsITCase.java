package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.MiniClusters;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job file's {@code restart:} section on a MiniCluster, applied the way {@code SyncJob.main}
 * applies it: the default exponential delay survives more failures than the old budget of five
 * fixed-delay attempts, as long as they are spread out; the old budget, configured through the same
 * section, ends the job at the sixth.
 *
 * <p>Failures are injected on demand by a map that throws once asked to, but only after its task
 * has run longer than the reset threshold, so each failure comes after the backoff was reset.
 */
class RestartSettingsITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

    /** More than the old budget of five restarts. */
    private static final int FAILURES = 7;

    private static final String JOB_FILE =
            String.join(
                    "\n",
                    "source: {dsn: 'postgresql://u@h/db', tables: [public.res_docs]}",
                    "embedding: {columns: [body]}",
                    "sink: {type: pgvector, table: public.res_vectors}",
                    "");

    private static final AtomicInteger OPENED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final AtomicBoolean FAIL_REQUESTED = new AtomicBoolean();

    @BeforeEach
    void reset() {
        OPENED.set(0);
        FAILED.set(0);
        FAIL_REQUESTED.set(false);
    }

    private static RestartSettings restart(String section) {
        return JobConfigLoader.parse(
                        JOB_FILE + "restart: " + section + "\n",
                        "job.yaml",
                        Map.<String, String>of()::get)
                .restart();
    }

    private static JobClient start(RestartSettings restart) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        restart.applyUnlessSet(env);
        env.fromSource(
                        new DataGeneratorSource<>(
                                i -> i,
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(100),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .map(new FailOnRequest())
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("restart settings");
    }

    /** Waits for attempt {@code n} (1-based) to run, then has it fail once. */
    private static void failAttempt(JobClient job, int n) {
        await().atMost(Duration.ofMinutes(1))
                .until(() -> OPENED.get() == n && job.getJobStatus().get() == JobStatus.RUNNING);
        FAIL_REQUESTED.set(true);
        await().atMost(Duration.ofMinutes(1)).until(() -> FAILED.get() == n);
    }

    @Test
    void theDefaultStrategyForgivesFailuresThatAreSpreadOut() throws Exception {
        JobClient job =
                start(
                        restart(
                                "{initial-backoff: 50ms, max-backoff: 200ms, reset-threshold: 500ms}"));
        try {
            for (int n = 1; n <= FAILURES; n++) {
                failAttempt(job, n);
            }
            await().atMost(Duration.ofMinutes(1))
                    .until(
                            () ->
                                    OPENED.get() == FAILURES + 1
                                            && job.getJobStatus().get() == JobStatus.RUNNING);
            assertThat(FAILED.get()).isEqualTo(FAILURES);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void theOldFixedDelayBudgetEndsTheJobAtTheSixthFailure() throws Exception {
        JobClient job = start(restart("{strategy: fixed-delay, attempts: 5, delay: 50ms}"));
        for (int n = 1; n <= 6; n++) {
            failAttempt(job, n);
        }
        await().atMost(Duration.ofMinutes(1))
                .until(() -> job.getJobStatus().get() == JobStatus.FAILED);
        assertThatThrownBy(() -> job.getJobExecutionResult().get())
                .rootCause()
                .hasMessage("injected failure 6");
        assertThat(OPENED.get()).isEqualTo(6);
    }

    @Test
    void aStrategyTheClusterSetsWins() {
        Configuration cluster = new Configuration();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        RestartSettings.DEFAULT.applyUnlessSet(env);
        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("failure-rate");
    }

    /** Passes numbers on; throws once when asked, after running longer than the reset threshold. */
    private static final class FailOnRequest extends RichMapFunction<Long, Long> {
        private static final long UP_BEFORE_FAILING_NANOS = Duration.ofMillis(600).toNanos();

        private transient long openedAt;

        @Override
        public void open(OpenContext context) {
            openedAt = System.nanoTime();
            OPENED.incrementAndGet();
        }

        @Override
        public Long map(Long value) {
            if (System.nanoTime() - openedAt >= UP_BEFORE_FAILING_NANOS
                    && FAIL_REQUESTED.compareAndSet(true, false)) {
                throw new IllegalStateException("injected failure " + FAILED.incrementAndGet());
            }
            return value;
        }
    }
}
