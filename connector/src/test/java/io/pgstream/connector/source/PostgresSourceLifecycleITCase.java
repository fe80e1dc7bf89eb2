package io.pgstream.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.connector.testutils.QueueSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source across a job's life: acknowledgements pinned to completed checkpoints, a stop with
 * savepoint and a resume, and a transaction too large for the walsender's memory, streamed and
 * spilled.
 */
class PostgresSourceLifecycleITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private String slot;

    @BeforeEach
    void createSlot(TestInfo test) throws Exception {
        slot = ("l_" + PG.config().database() + "_" + test.getTestMethod().get().getName());
        slot = slot.toLowerCase().substring(0, Math.min(63, slot.length()));
        PG.execute(
                "DROP TABLE IF EXISTS items CASCADE",
                "DROP PUBLICATION IF EXISTS items_pub",
                "CREATE TABLE items (id int PRIMARY KEY, name text)",
                "CREATE PUBLICATION items_pub FOR TABLE items",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }

    private PostgresSourceBuilder<ChangeEvent> source(PgConnectionConfig connection) {
        return PostgresSource.<ChangeEvent>builder()
                .connection(connection)
                .slotName(slot)
                .publicationName("items_pub")
                .startupMode(StartupMode.LATEST)
                .deserializer(ChangeEventDeserializationSchema.changeEvents());
    }

    private JobClient start(StreamExecutionEnvironment env, QueueSink<ChangeEvent> sink)
            throws Exception {
        env.setParallelism(1);
        env.fromSource(source(PG.config()).build(), WatermarkStrategy.noWatermarks(), "postgres")
                .uid("postgres-source")
                .sinkTo(sink)
                .uid("queue-sink");
        return env.executeAsync();
    }

    private Lsn confirmedFlush() throws Exception {
        return Lsn.parse(
                (String)
                        PG.queryValue(
                                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                                        + " WHERE slot_name = '"
                                        + slot
                                        + "'"));
    }

    private static List<Integer> ids(List<ChangeEvent> events) {
        List<Integer> ids = new ArrayList<>();
        for (ChangeEvent e : events) {
            ids.add((Integer) e.row().get("id"));
        }
        return ids;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    private void insert(int from, int to) throws Exception {
        for (int i = from; i <= to; i++) {
            PG.execute("INSERT INTO items VALUES (" + i + ", 'v')");
        }
    }

    @Test
    void confirmedFlushStaysAtTheLastCompletedCheckpoint(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(Duration.ofHours(1).toMillis()); // checkpoints only when asked
        QueueSink<ChangeEvent> sink = QueueSink.named(slot);
        JobClient job = start(env, sink);
        try {
            insert(1, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.size() == 1);
            Lsn first = sink.received().get(0).commitLsn();
            client.triggerCheckpoint(job.getJobID(), CheckpointType.FULL).get();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> confirmedFlush().compareTo(first) >= 0);

            insert(2, 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.size() == 2);
            Lsn second = sink.received().get(1).commitLsn();
            // Emitted, in flight downstream, covered by no checkpoint: never confirmed.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> confirmedFlush().compareTo(second) < 0);

            client.triggerCheckpoint(job.getJobID(), CheckpointType.FULL).get();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> confirmedFlush().compareTo(second) >= 0);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void stopWithSavepointAndResumeLosesAndRepeatsNothing(@TempDir Path savepoints)
            throws Exception {
        insert(1, 100);
        QueueSink<ChangeEvent> sink = QueueSink.named(slot);
        JobClient first = start(StreamExecutionEnvironment.getExecutionEnvironment(), sink);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.size() >= 100);
        // Changes committed while the savepoint is taken land on either side of it.
        insert(101, 150);
        String savepoint =
                first.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
        insert(151, 200);

        Configuration conf = new Configuration();
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = start(StreamExecutionEnvironment.getExecutionEnvironment(conf), sink);
        try {
            insert(201, 201); // a sentinel: anything repeated would arrive before it
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !sink.received().isEmpty() && ids(sink.received()).contains(201));
            assertThat(ids(sink.received())).containsExactlyElementsOf(range(1, 201));
        } finally {
            second.cancel().get();
        }
    }

    @Test
    void aTransactionLargerThanDecodingMemoryIsStreamedSpilledAndEmittedWhole() throws Exception {
        // 64kB of decoding memory makes the walsender stream the transaction (protocol 2); a
        // 256kB budget makes the reader spill it to disk.
        PgConnectionConfig small =
                PgConnectionConfig.parse(
                        "postgresql://"
                                + PG.config().user()
                                + "@"
                                + PG.config().host()
                                + ":"
                                + PG.config().port()
                                + "/"
                                + PG.config().database()
                                + "?options=-c%20logical_decoding_work_mem%3D64kB");
        PG.execute(
                "INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g",
                "BEGIN; INSERT INTO items SELECT g, 'aborted' FROM generate_series(20001, 30000) g;"
                        + " ROLLBACK",
                "BEGIN; INSERT INTO items VALUES (30001, 'kept'); SAVEPOINT s;"
                        + " INSERT INTO items SELECT g, 'undone' FROM generate_series(30002, 35000) g;"
                        + " ROLLBACK TO SAVEPOINT s; INSERT INTO items VALUES (35001, 'kept'); COMMIT");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<ChangeEvent> events = new ArrayList<>();
        try (var it =
                env.fromSource(
                                source(small)
                                        .transactionMemoryBudget(MemorySize.parse("256kb"))
                                        .stopAt(StoppingPosition.currentWalEnd())
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "postgres")
                        .executeAndCollect("large")) {
            it.forEachRemaining(events::add);
        }
        List<Integer> expected = range(1, 20000);
        expected.add(30001);
        expected.add(35001);
        assertThat(ids(events)).containsExactlyElementsOf(expected);
        assertThat(events.get(0).commitLsn()).isEqualTo(events.get(19999).commitLsn());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                ((Number)
                                                                PG.queryValue(
                                                                        "SELECT stream_txns FROM"
                                                                                + " pg_stat_replication_slots"
                                                                                + " WHERE slot_name = '"
                                                                                + slot
                                                                                + "'"))
                                                        .longValue())
                                        .as("the walsender streamed transactions")
                                        .isGreaterThan(0));
    }
}
