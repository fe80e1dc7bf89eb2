package io.pgstream.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.source.deserializer.ChangeEventTypeInfo;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.connector.testutils.QueueSink;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/** The source on a MiniCluster against the project's real PostgreSQL. */
class PostgresSourceITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private String slot;

    @BeforeEach
    void createSlot(TestInfo test) throws Exception {
        slot =
                ("s_" + PG.config().database() + "_" + test.getTestMethod().get().getName())
                        .toLowerCase();
        slot = slot.substring(0, Math.min(63, slot.length()));
        PG.execute(
                "DROP TABLE IF EXISTS items, other CASCADE",
                "DROP PUBLICATION IF EXISTS items_pub",
                "CREATE TABLE items (id int PRIMARY KEY, name text)",
                "CREATE TABLE other (id serial PRIMARY KEY, payload text)",
                "CREATE PUBLICATION items_pub FOR TABLE items",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }

    private PostgresSourceBuilder<ChangeEvent> source() {
        return PostgresSource.<ChangeEvent>builder()
                .connection(PG.config())
                .slotName(slot)
                .publicationName("items_pub")
                .startupMode(StartupMode.LATEST)
                .deserializer(ChangeEventDeserializationSchema.changeEvents());
    }

    private Lsn confirmedFlush() throws Exception {
        Object v =
                PG.queryValue(
                        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                                + " WHERE slot_name = '"
                                + slot
                                + "'");
        return Lsn.parse((String) v);
    }

    private Lsn currentWal() throws Exception {
        return Lsn.parse((String) PG.queryValue("SELECT pg_current_wal_insert_lsn()::text"));
    }

    private static String id(ChangeEvent e) {
        Object id = (e.row() != null ? e.row() : e.oldRow()).get("id");
        return String.valueOf(id);
    }

    @Test
    void boundedReadDeliversEveryChangeInCommitOrder() throws Exception {
        PG.execute(
                "INSERT INTO items VALUES (1, 'a'), (2, 'b')",
                "UPDATE items SET name = 'c' WHERE id = 1",
                "DELETE FROM items WHERE id = 2",
                "INSERT INTO other (payload) VALUES ('not published')",
                "BEGIN; INSERT INTO items VALUES (3, 'x'); UPDATE items SET id = 4 WHERE id = 3;"
                        + " COMMIT",
                "BEGIN; INSERT INTO items VALUES (5, 'rolled back'); ROLLBACK",
                "TRUNCATE items");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<ChangeEvent> events = new ArrayList<>();
        try (CloseableIterator<ChangeEvent> it =
                env.fromSource(
                                source().stopAt(StoppingPosition.currentWalEnd()).build(),
                                WatermarkStrategy.noWatermarks(),
                                "postgres")
                        .executeAndCollect("bounded")) {
            it.forEachRemaining(events::add);
        }
        assertThat(events)
                .extracting(ChangeEvent::operation)
                .containsExactly(
                        Operation.INSERT,
                        Operation.INSERT,
                        Operation.UPDATE,
                        Operation.DELETE,
                        Operation.INSERT,
                        Operation.UPDATE,
                        Operation.TRUNCATE);
        assertThat(events.get(6).row()).isNull();
        assertThat(events.get(6).oldRow()).isNull();
        assertThat(events.subList(0, 6))
                .extracting(PostgresSourceITCase::id)
                .containsExactly("1", "2", "1", "2", "3", "4");
        assertThat(events).extracting(ChangeEvent::table).containsOnly("items");
        assertThat(String.valueOf(events.get(5).oldRow().get("id"))).isEqualTo("3");
        // Commit LSNs never go backwards and the two changes of one transaction share one.
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).commitLsn())
                    .isGreaterThanOrEqualTo(events.get(i - 1).commitLsn());
        }
        assertThat(events.get(0).commitLsn()).isEqualTo(events.get(1).commitLsn());
        assertThat(events.get(4).commitLsn()).isEqualTo(events.get(5).commitLsn());
        assertThat(events.get(4).xid()).isEqualTo(events.get(5).xid());
    }

    @Test
    void startupAtAnLsnStreamsWhatCommittedFromThereAndRefusesToGoBack() throws Exception {
        Lsn confirmed = confirmedFlush();
        PG.execute("INSERT INTO items VALUES (1, 'before')");
        Lsn mark = currentWal();
        PG.execute(
                "INSERT INTO items VALUES (2, 'after')", "INSERT INTO items VALUES (3, 'after')");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<String> ids = new ArrayList<>();
        try (CloseableIterator<ChangeEvent> it =
                env.fromSource(
                                source().startAtLsn(mark)
                                        .stopAt(StoppingPosition.currentWalEnd())
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "postgres")
                        .executeAndCollect("at-lsn")) {
            it.forEachRemaining(e -> ids.add(id(e)));
        }
        assertThat(ids).containsExactly("2", "3");

        Lsn tooEarly = new Lsn(confirmed.value() - 1);
        assertThatThrownBy(
                        () -> {
                            try (CloseableIterator<ChangeEvent> it =
                                    env.fromSource(
                                                    source().startAtLsn(tooEarly).build(),
                                                    WatermarkStrategy.noWatermarks(),
                                                    "postgres")
                                            .executeAndCollect("too-early")) {
                                it.hasNext();
                            }
                        })
                .satisfies(
                        e ->
                                assertThat(String.join("\n", rootMessages(e)))
                                        .contains("a slot cannot go back"));
    }

    /**
     * A failure after a checkpoint that covers emitted changes: the job restarts from that
     * checkpoint while the slot holds what it was told, and the collected result (exactly-once
     * under checkpointing) is every change once, in order. The drop of transactions at or below the
     * restored position is unit-tested in {@code TransactionCollectorTest}; the savepoint test of
     * {@code PostgresSourceLifecycleITCase} fails without it.
     */
    @Test
    void failoverNeitherLosesNorRepeatsChanges() throws Exception {
        for (int i = 1; i <= 200; i++) {
            PG.execute("INSERT INTO items VALUES (" + i + ", 'v" + i + "')");
        }
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(100);
        FailAfterCheckpoint.armed.set(true);
        FailAfterCheckpoint.checkpointedAll = false;
        List<String> ids = new ArrayList<>();
        try (CloseableIterator<ChangeEvent> it =
                env.fromSource(source().build(), WatermarkStrategy.noWatermarks(), "postgres")
                        .map(new FailAfterCheckpoint())
                        .returns(ChangeEventTypeInfo.INSTANCE)
                        .executeAndCollect("failover")) {
            while (ids.size() < 200) {
                ids.add(id(it.next()));
            }
            // A checkpoint now covers all 200; the next change fails the job once.
            await().atMost(Duration.ofSeconds(30)).until(() -> FailAfterCheckpoint.checkpointedAll);
            for (int i = 201; i <= 230; i++) {
                PG.execute("INSERT INTO items VALUES (" + i + ", 'late')");
            }
            while (ids.size() < 230) {
                ids.add(id(it.next()));
            }
        }
        assertThat(FailAfterCheckpoint.armed).as("the injected failure happened").isFalse();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 230; i++) {
            expected.add(String.valueOf(i));
        }
        assertThat(ids).containsExactlyElementsOf(expected);
    }

    /**
     * The walsender killed mid-stream: the task fails with the connection error, Flink restarts it
     * from the last checkpoint, and the result is still every change exactly once.
     */
    @Test
    void connectionLossRestartsFromTheLastCheckpointWithoutLossOrRepeat() throws Exception {
        insertRange(1, 50);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(100);
        List<String> ids = new ArrayList<>();
        try (CloseableIterator<ChangeEvent> it =
                env.fromSource(source().build(), WatermarkStrategy.noWatermarks(), "postgres")
                        .executeAndCollect("connection-loss")) {
            while (ids.size() < 50) {
                ids.add(id(it.next()));
            }
            Object pid =
                    PG.queryValue(
                            "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '"
                                    + slot
                                    + "'");
            assertThat(pid).as("the job's walsender").isNotNull();
            PG.execute("SELECT pg_terminate_backend(" + pid + ")");
            insertRange(51, 100);
            while (ids.size() < 100) {
                ids.add(id(it.next()));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                Object now =
                                        PG.queryValue(
                                                "SELECT active_pid FROM pg_replication_slots"
                                                        + " WHERE slot_name = '"
                                                        + slot
                                                        + "'");
                                return now != null && !now.equals(pid);
                            });
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            expected.add(String.valueOf(i));
        }
        assertThat(ids).containsExactlyElementsOf(expected);
    }

    private static void insertRange(int from, int to) throws Exception {
        for (int i = from; i <= to; i++) {
            PG.execute("INSERT INTO items VALUES (" + i + ", 'v" + i + "')");
        }
    }

    /** Throws once, on the first change after a checkpoint that covered 200 changes completed. */
    static final class FailAfterCheckpoint
            implements org.apache.flink.api.common.functions.MapFunction<ChangeEvent, ChangeEvent>,
                    org.apache.flink.api.common.state.CheckpointListener {
        static final AtomicBoolean armed = new AtomicBoolean();
        static volatile boolean checkpointedAll;
        private int seen;
        private int seenAtSnapshot;

        @Override
        public ChangeEvent map(ChangeEvent value) {
            seen++;
            if (checkpointedAll && armed.compareAndSet(true, false)) {
                throw new IllegalStateException("injected failure");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (seen >= 200) {
                checkpointedAll = true;
            }
        }
    }

    @Test
    void withoutCompletedCheckpointsTheSlotIsNeverAcknowledged() throws Exception {
        Lsn before = confirmedFlush();
        PG.execute("INSERT INTO items VALUES (1, 'a')", "INSERT INTO items VALUES (2, 'b')");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        try (CloseableIterator<ChangeEvent> it =
                env.fromSource(source().build(), WatermarkStrategy.noWatermarks(), "postgres")
                        .executeAndCollect("no-checkpoints")) {
            assertThat(id(it.next())).isEqualTo("1");
            assertThat(id(it.next())).isEqualTo("2");
            // Unrelated WAL keeps coming; still nothing may be confirmed.
            PG.execute("INSERT INTO other (payload) SELECT 'x' FROM generate_series(1, 1000)");
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> confirmedFlush().equals(before));
        }
    }

    @Test
    void checkpointsAcknowledgeAndAnIdleSlotFollowsTheServer() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        try (CloseableIterator<ChangeEvent> it =
                env.fromSource(source().build(), WatermarkStrategy.noWatermarks(), "postgres")
                        .executeAndCollect("acks")) {
            PG.execute("INSERT INTO items VALUES (1, 'a')");
            ChangeEvent first = it.next();
            assertThat(id(first)).isEqualTo("1");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> confirmedFlush().compareTo(first.commitLsn()) >= 0);

            // Writes to a table outside the publication: nothing is emitted, yet the slot must
            // not hold their WAL.
            PG.execute("INSERT INTO other (payload) SELECT 'x' FROM generate_series(1, 5000)");
            Lsn written = currentWal();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> confirmedFlush().compareTo(written) >= 0);
        }
    }

    /**
     * A setup problem needs a person, not a restart: even with checkpointing (which turns on
     * restarts) the job fails once, with the fix in the message.
     */
    @Test
    void aSetupProblemFailsTheJobAtOnceWithTheFix() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(100);
        PostgresSourceBuilder<ChangeEvent> builder =
                PostgresSource.<ChangeEvent>builder()
                        .connection(PG.config())
                        .slotName("never_created")
                        .publicationName("new_pub")
                        .tables("public.no_such_table")
                        .deserializer(ChangeEventDeserializationSchema.changeEvents());
        env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "postgres")
                .sinkTo(QueueSink.named(slot));
        JobClient job = env.executeAsync("setup-problem");
        // Restarts would keep the job from ever finishing; it must fail within the timeout.
        assertThatThrownBy(() -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .satisfies(
                        e ->
                                assertThat(String.join("\n", rootMessages(e)))
                                        .contains("unknown table public.no_such_table")
                                        .contains("The failure is not recoverable"));
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                                        + "never_created'"))
                .as("nothing created")
                .isEqualTo(0L);
    }

    @Test
    void aSlotHeldByAnotherProcessFailsWithItsPid() throws Exception {
        Properties props = PG.config().jdbcProperties();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        try (Connection holder = DriverManager.getConnection(PG.config().jdbcUrl(), props);
                PGReplicationStream stream =
                        holder.unwrap(PGConnection.class)
                                .getReplicationAPI()
                                .replicationStream()
                                .logical()
                                .withSlotName(slot)
                                .withSlotOption("proto_version", 1)
                                .withSlotOption("publication_names", "items_pub")
                                .start()) {
            Object pid =
                    PG.queryValue(
                            "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '"
                                    + slot
                                    + "'");
            assertThat(pid).isNotNull();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            assertThatThrownBy(
                            () -> {
                                try (CloseableIterator<ChangeEvent> it =
                                        env.fromSource(
                                                        source().slotBusyTimeout(
                                                                        Duration.ofSeconds(1))
                                                                .stopAt(
                                                                        StoppingPosition
                                                                                .currentWalEnd())
                                                                .build(),
                                                        WatermarkStrategy.noWatermarks(),
                                                        "postgres")
                                                .executeAndCollect("busy")) {
                                    it.forEachRemaining(e -> {});
                                }
                            })
                    .satisfies(
                            e ->
                                    assertThat(rootMessages(e))
                                            .anyMatch(
                                                    m ->
                                                            m.contains("in use by PID " + pid)
                                                                    && m.contains(
                                                                            "pg_stat_activity")));
        }
    }

    private static List<String> rootMessages(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}
