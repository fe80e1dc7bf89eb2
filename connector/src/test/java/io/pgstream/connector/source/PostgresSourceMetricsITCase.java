package io.pgstream.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.connector.testutils.QueueSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source's metrics, read through a metric reporter as an operator would see them. */
class PostgresSourceMetricsITCase {

    private static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(1, REPORTER.addToConfiguration(new Configuration()));

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static Metric metric(JobID job, String name) {
        Map<String, Metric> found = REPORTER.findMetrics(job, name);
        assertThat(found).as("metric %s", name).hasSize(1);
        return found.values().iterator().next();
    }

    /** A metric of the {@code table} sub-group for {@code table}, found by identifier. */
    private static Metric tableMetric(JobID job, String table, String name) {
        List<Metric> found =
                REPORTER.getMetricsByIdentifiers(job).entrySet().stream()
                        .filter(e -> e.getKey().contains(table) && e.getKey().endsWith(name))
                        .map(Map.Entry::getValue)
                        .toList();
        assertThat(found)
                .as(
                        "metric %s of %s among %s",
                        name,
                        table,
                        REPORTER.getMetricsByIdentifiers(job).keySet().stream()
                                .filter(k -> k.contains("snapshot") || k.contains("progress"))
                                .toList())
                .hasSize(1);
        return found.get(0);
    }

    private static long gauge(JobID job, String name) {
        return ((Number) ((Gauge<?>) metric(job, name)).getValue()).longValue();
    }

    @Test
    void changesPositionsAcksAndSpillsAreReported() throws Exception {
        String slot = "m_" + PG.config().database();
        PG.execute(
                "CREATE TABLE items (id int PRIMARY KEY, name text)",
                "CREATE PUBLICATION items_pub FOR TABLE items",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        QueueSink<ChangeEvent> sink = QueueSink.named(slot);
        env.fromSource(
                        PostgresSource.<ChangeEvent>builder()
                                .connection(PG.config())
                                .slotName(slot)
                                .publicationName("items_pub")
                                .startupMode(StartupMode.LATEST)
                                .deserializer(ChangeEventDeserializationSchema.changeEvents())
                                .transactionMemoryBudget(MemorySize.parse("64kb"))
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "postgres")
                .sinkTo(sink);
        JobClient job = env.executeAsync();
        JobID id = job.getJobID();
        try {
            for (int i = 1; i <= 50; i++) {
                PG.execute("INSERT INTO items VALUES (" + i + ", 'small')");
            }
            // One transaction far over the 64kB budget: it spills.
            PG.execute(
                    "INSERT INTO items SELECT g, repeat('x', 200) FROM generate_series(51, 3050) g");
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() == 3050);
            Lsn last = sink.received().get(3049).commitLsn();

            assertThat(((Meter) metric(id, "changesPerSecond")).getCount()).isEqualTo(3050);
            assertThat(((Meter) metric(id, "bytesPerSecond")).getCount())
                    .isGreaterThan(3000L * 200);
            assertThat(gauge(id, "currentLsn")).isGreaterThanOrEqualTo(last.value());
            assertThat(gauge(id, "bytesSpilled")).isGreaterThan(3000L * 200);
            assertThat(gauge(id, "transactionsBuffered")).isZero();
            assertThat(gauge(id, "streaming")).as("the reader reads the slot").isEqualTo(1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gauge(id, "confirmedLsn") >= last.value());
            assertThat(metric(id, "lagBytes")).isInstanceOf(Gauge.class);
            // Time since the last event's commit: known (non-zero) once one was emitted.
            assertThat(gauge(id, "lagMillis")).isPositive();
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void snapshotProgressIsReportedPerTable() throws Exception {
        String slot = "ms_" + PG.config().database();
        PG.execute(
                "CREATE TABLE progress (id int PRIMARY KEY, name text)",
                "INSERT INTO progress SELECT g, 'n' || g FROM generate_series(1, 2500) g",
                "ANALYZE progress");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        QueueSink<ChangeEvent> sink = QueueSink.named(slot);
        env.fromSource(
                        PostgresSource.<ChangeEvent>builder()
                                .connection(PG.config())
                                .slotName(slot)
                                .publicationName(slot + "_pub")
                                .tables("public.progress")
                                .snapshotChunkRows(1000)
                                .startupMode(StartupMode.INITIAL)
                                .deserializer(ChangeEventDeserializationSchema.changeEvents())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "postgres")
                .sinkTo(sink);
        JobClient job = env.executeAsync();
        JobID id = job.getJobID();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() == 2500);
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () ->
                                    ((Counter)
                                                            tableMetric(
                                                                    id,
                                                                    "public.progress",
                                                                    "snapshotRowsRead"))
                                                    .getCount()
                                            == 2500);
            assertThat(
                            ((Number)
                                            ((Gauge<?>)
                                                            tableMetric(
                                                                    id,
                                                                    "public.progress",
                                                                    "snapshotRowsEstimated"))
                                                    .getValue())
                                    .longValue())
                    .isEqualTo(2500);
        } finally {
            job.cancel().get();
        }
    }
}
