package io.pgstream.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.source.deserializer.ChangeEventTypeInfo;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.connector.testutils.QueueSink;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The initial snapshot: existing rows as {@code read} events, read in chunks by two subtasks, then
 * the stream from the slot's creation. Replaying everything by key must give exactly the table,
 * with writes going on during the snapshot and with a failure in the middle of it.
 */
class PostgresSnapshotITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static String slotFor(TestInfo test) {
        String s = ("sn_" + PG.config().database() + "_" + test.getTestMethod().get().getName());
        return s.toLowerCase().substring(0, Math.min(58, s.length()));
    }

    private PostgresSourceBuilder<ChangeEvent> source(String slot, String table) {
        return PostgresSource.<ChangeEvent>builder()
                .connection(PG.config())
                .slotName(slot)
                .publicationName(slot + "_pub")
                .tables("public." + table)
                .snapshotChunkRows(1000)
                .deserializer(ChangeEventDeserializationSchema.changeEvents());
    }

    /** Applies events by primary key {@code id}, as an upserting sink would. */
    private static Map<Integer, String> replay(List<ChangeEvent> events) {
        Map<Integer, String> state = new HashMap<>();
        for (ChangeEvent e : events) {
            if (e.oldRow() != null && e.oldRow().get("id") != null) {
                state.remove((Integer) e.oldRow().get("id"));
            }
            if (e.operation() == Operation.DELETE) {
                continue;
            }
            state.put((Integer) e.row().get("id"), (String) e.row().get("v"));
        }
        return state;
    }

    private static Map<Integer, String> table(String name) throws Exception {
        Map<Integer, String> rows = new HashMap<>();
        try (Connection c = PG.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, v FROM " + name)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }

    /** Random updates, deletes, inserts and key changes while the snapshot runs. */
    private static Thread writer(String table, AtomicBoolean stop, int seed) {
        Thread t =
                new Thread(
                        () -> {
                            Random random = new Random(seed);
                            try (Connection c = PG.connect();
                                    Statement s = c.createStatement()) {
                                int next = 1_000_000;
                                for (int i = 0; i < 1500 && !stop.get(); i++) {
                                    int id = 1 + random.nextInt(20_000);
                                    switch (random.nextInt(4)) {
                                        case 0 ->
                                                s.execute(
                                                        "UPDATE "
                                                                + table
                                                                + " SET v = 'u"
                                                                + i
                                                                + "' WHERE id = "
                                                                + id);
                                        case 1 ->
                                                s.execute(
                                                        "DELETE FROM "
                                                                + table
                                                                + " WHERE id = "
                                                                + id);
                                        case 2 ->
                                                s.execute(
                                                        "INSERT INTO "
                                                                + table
                                                                + " VALUES ("
                                                                + next++
                                                                + ", 'new"
                                                                + i
                                                                + "')");
                                        default ->
                                                s.execute(
                                                        "UPDATE "
                                                                + table
                                                                + " SET id = "
                                                                + next++
                                                                + " WHERE id = "
                                                                + id);
                                    }
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "snapshot-writer");
        t.start();
        return t;
    }

    private boolean isStreamedSentinel(ChangeEvent e) {
        return e.operation() == Operation.INSERT && Integer.valueOf(-1).equals(e.row().get("id"));
    }

    private void runAndCompare(String slot, String table, boolean failOnce) throws Exception {
        PG.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, v text)",
                "INSERT INTO " + table + " SELECT g, 'v' || g FROM generate_series(1, 20000) g");
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        QueueSink<ChangeEvent> sink = QueueSink.named(slot);
        FailOnce.armed.set(failOnce);
        env.fromSource(source(slot, table).build(), WatermarkStrategy.noWatermarks(), "postgres")
                .map(new FailOnce())
                .returns(ChangeEventTypeInfo.INSTANCE)
                .sinkTo(sink);
        JobClient job = env.executeAsync();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writes = null;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() > 0);
            writes = writer(table, stop, slot.hashCode());
            writes.join();
            PG.execute("INSERT INTO " + table + " VALUES (-1, 'sentinel')");
            // Caught up once the sentinel comes through the stream (a chunk read after the
            // insert could also hold it, as a read event).
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> sink.received().stream().anyMatch(this::isStreamedSentinel));
        } finally {
            stop.set(true);
            job.cancel().get();
        }
        List<ChangeEvent> events = sink.received();
        long reads = events.stream().filter(e -> e.operation() == Operation.READ).count();
        assertThat(reads).as("existing rows arrived as read events").isGreaterThanOrEqualTo(15_000);
        assertThat(events).anyMatch(e -> e.operation() == Operation.UPDATE);
        if (failOnce) {
            assertThat(FailOnce.armed).as("the injected failure happened").isFalse();
        }
        // Entry by entry, so a failure names the keys that differ.
        assertThat(replay(events)).containsExactlyInAnyOrderEntriesOf(table(table));
    }

    @Test
    void snapshotThenStreamGivesExactlyTheTableUnderConcurrentWrites(TestInfo test)
            throws Exception {
        runAndCompare(slotFor(test), "items_a", false);
    }

    @Test
    void aFailureMidSnapshotLosesNothing(TestInfo test) throws Exception {
        runAndCompare(slotFor(test), "items_b", true);
    }

    @Test
    void snapshotOnlyFinishesOnItsOwn(TestInfo test) throws Exception {
        String slot = slotFor(test);
        PG.execute(
                "CREATE TABLE items_c (id int PRIMARY KEY, v text)",
                "INSERT INTO items_c SELECT g, 'v' || g FROM generate_series(1, 5000) g",
                "CREATE TABLE empty_c (id int PRIMARY KEY, v text)");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Set<Integer> ids = new HashSet<>();
        int count = 0;
        try (CloseableIterator<ChangeEvent> it =
                env.fromSource(
                                source(slot, "items_c")
                                        .tables("public.items_c", "public.empty_c")
                                        .startupMode(StartupMode.SNAPSHOT_ONLY)
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "postgres")
                        .executeAndCollect("snapshot-only")) {
            while (it.hasNext()) {
                ChangeEvent e = it.next();
                assertThat(e.operation()).isEqualTo(Operation.READ);
                ids.add((Integer) e.row().get("id"));
                count++;
            }
        }
        assertThat(count).isEqualTo(5000);
        assertThat(ids).hasSize(5000);
    }

    /**
     * 100,000 rows of mixed types plus a table without a key (read by page ranges): every row once,
     * as typed values.
     */
    @Test
    void aHundredThousandMixedRowsAndAKeylessTable(TestInfo test) throws Exception {
        String slot = slotFor(test);
        PG.execute(
                "CREATE TABLE mixed (id int PRIMARY KEY, t text, n numeric(10,2), ts timestamptz,"
                        + " j jsonb, u uuid, a text[], b bytea, v vector(3))",
                "INSERT INTO mixed SELECT g, 't' || g, g / 100.0, '2024-01-01 00:00:00+00'::timestamptz"
                        + " + g * interval '1 second', jsonb_build_object('g', g),"
                        + " md5(g::text)::uuid, ARRAY['x', g::text, NULL], int4send(g),"
                        + " ('[' || g || ',0,1]')::vector FROM generate_series(1, 100000) g",
                "CREATE TABLE keyless (label text)",
                "ALTER TABLE keyless REPLICA IDENTITY FULL",
                "INSERT INTO keyless SELECT 'k' || g FROM generate_series(1, 3000) g");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Set<Integer> ids = new HashSet<>();
        Set<String> labels = new HashSet<>();
        ChangeEvent sample = null;
        try (CloseableIterator<ChangeEvent> it =
                env.fromSource(
                                source(slot, "mixed")
                                        .tables("public.mixed", "public.keyless")
                                        .snapshotChunkRows(10_000)
                                        .startupMode(StartupMode.SNAPSHOT_ONLY)
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "postgres")
                        .executeAndCollect("mixed")) {
            while (it.hasNext()) {
                ChangeEvent e = it.next();
                if (e.table().equals("keyless")) {
                    assertThat(labels.add((String) e.row().get("label"))).isTrue();
                    continue;
                }
                Integer id = (Integer) e.row().get("id");
                assertThat(ids.add(id)).as("id %s once", id).isTrue();
                if (id == 12345) {
                    sample = e;
                }
            }
        }
        assertThat(ids).hasSize(100_000);
        assertThat(labels).hasSize(3000);
        assertThat(sample).isNotNull();
        assertThat(sample.row().get("n")).isEqualTo(new java.math.BigDecimal("123.45"));
        assertThat(sample.row().get("ts"))
                .isEqualTo(java.time.Instant.parse("2024-01-01T03:25:45Z"));
        assertThat(sample.row().get("a")).isEqualTo(java.util.Arrays.asList("x", "12345", null));
        assertThat((byte[]) sample.row().get("b")).containsExactly(0, 0, 0x30, 0x39);
        assertThat((float[]) sample.row().get("v")).containsExactly(12345f, 0f, 1f);
        assertThat(sample.row().get("j").toString()).isEqualTo("{\"g\": 12345}");
    }

    /** Throws once, after the 5,000th record, when armed. */
    static final class FailOnce implements MapFunction<ChangeEvent, ChangeEvent> {
        static final AtomicBoolean armed = new AtomicBoolean();
        private int seen;

        @Override
        public ChangeEvent map(ChangeEvent value) {
            if (++seen == 5000 && armed.compareAndSet(true, false)) {
                throw new IllegalStateException("injected failure mid-snapshot");
            }
            return value;
        }
    }
}
