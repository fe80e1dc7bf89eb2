package io.pgstream.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.connector.testutils.QueueSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table added to the configuration between a savepoint and a restore: the restored job adds it to
 * the publication, reads its existing rows as {@code read} events (and only its rows: the other
 * tables are not read again), holds the stream until then, and streams its changes afterwards.
 */
class AddedTableSnapshotITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static String slot() {
        return "added_" + PG.config().database();
    }

    private static String droppedSlot() {
        return "dropped_" + PG.config().database();
    }

    private static JobClient start(
            Configuration conf, QueueSink<ChangeEvent> sink, String slot, String... tables)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        PostgresSource<ChangeEvent> source =
                PostgresSource.<ChangeEvent>builder()
                        .connection(PG.config())
                        .slotName(slot)
                        .publicationName(slot + "_pub")
                        .tables(tables)
                        .snapshotChunkRows(1000)
                        .deserializer(ChangeEventDeserializationSchema.changeEvents())
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "postgres")
                .uid("postgres-source")
                .sinkTo(sink)
                .uid("queue-sink");
        return env.executeAsync();
    }

    private static boolean streamed(ChangeEvent e, String table, int id) {
        return e.operation() == Operation.INSERT
                && e.table().equals(table)
                && Integer.valueOf(id).equals(e.row().get("id"));
    }

    @Test
    void aTableAddedBeforeARestoreIsSnapshottedBeforeTheStreamGoesOn(@TempDir Path savepoints)
            throws Exception {
        PG.execute(
                "CREATE TABLE a (id int PRIMARY KEY, v text)",
                "CREATE TABLE b (id int PRIMARY KEY, v text)",
                "INSERT INTO a SELECT g, 'a' || g FROM generate_series(1, 3000) g",
                "INSERT INTO b SELECT g, 'b' || g FROM generate_series(1, 5000) g");
        QueueSink<ChangeEvent> sink = QueueSink.named(slot());
        JobClient first = start(new Configuration(), sink, slot(), "public.a");
        // After a's snapshot, so the slot exists: -1 must come through the stream.
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 3000);
        PG.execute("INSERT INTO a VALUES (-1, 's1')");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> sink.received().stream().anyMatch(e -> streamed(e, "a", -1)));
        // b is not published yet: none of this is streamed, all of it is in b's snapshot.
        PG.execute("UPDATE b SET v = 'before savepoint' WHERE id <= 10");
        String savepoint = stopWithSavepoint(first, savepoints);
        PG.execute(
                "UPDATE b SET v = 'between' WHERE id BETWEEN 11 AND 20",
                "DELETE FROM b WHERE id > 4990",
                "INSERT INTO a VALUES (-2, 's2')");
        int before = sink.size();

        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = start(restore, sink, slot(), "public.a", "public.b");
        try {
            // Changes to b stream from the moment the restored job has put b in the publication.
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    failed(second)
                                            || PG.queryValue(
                                                            "SELECT count(*) FROM pg_publication_tables"
                                                                    + " WHERE pubname = '"
                                                                    + slot()
                                                                    + "_pub' AND tablename = 'b'")
                                                    .equals(1L));
            PG.execute(
                    "INSERT INTO b VALUES (-3, 's3')",
                    "UPDATE b SET v = 'after restore' WHERE id = 1",
                    "INSERT INTO a VALUES (-3, 's3')");
            await().atMost(Duration.ofSeconds(90))
                    .until(
                            () -> {
                                failed(second);
                                List<ChangeEvent> all = sink.received();
                                return all.stream().anyMatch(e -> streamed(e, "b", -3))
                                        && all.stream().anyMatch(e -> streamed(e, "a", -3));
                            });
        } finally {
            if (!second.getJobStatus().get().isGloballyTerminalState()) {
                second.cancel().get();
            }
        }

        List<ChangeEvent> events = sink.received();
        List<ChangeEvent> afterRestore = new ArrayList<>(events.subList(before, events.size()));
        assertThat(afterRestore)
                .as("a was snapshotted by the first job and is not read again")
                .noneMatch(e -> e.operation() == Operation.READ && e.table().equals("a"));
        List<Integer> readIds =
                afterRestore.stream()
                        .filter(e -> e.operation() == Operation.READ)
                        .map(e -> (Integer) e.row().get("id"))
                        .toList();
        assertThat(new HashSet<>(readIds)).as("each row of b read once").hasSameSizeAs(readIds);
        Set<Integer> expected = IntStream.rangeClosed(1, 4990).boxed().collect(Collectors.toSet());
        assertThat(readIds).containsAll(expected);
        assertThat(new HashSet<>(readIds)).isSubsetOf(union(expected, -3));
        int lastRead = lastIndexOf(afterRestore, Operation.READ);
        for (int i = 0; i < lastRead; i++) {
            assertThat(afterRestore.get(i).operation())
                    .as("the stream waits for b's snapshot (event %d: %s)", i, afterRestore.get(i))
                    .isEqualTo(Operation.READ);
        }
        assertThat(
                        afterRestore.stream()
                                .filter(e -> e.table().equals("a"))
                                .map(e -> (Integer) e.row().get("id"))
                                .toList())
                .as("a's stream resumes where the savepoint left it")
                .containsExactly(-2, -3);
        assertThat(replay(afterRestore, "b")).isEqualTo(PG.queryMap("SELECT id, v FROM b"));
    }

    /**
     * A restore whose slot was dropped meanwhile fails with a clear error rather than letting the
     * setup create a new slot, which would silently skip the changes in between.
     */
    @Test
    void aRestoreWhoseSlotWasDroppedFailsInsteadOfSkippingChanges(@TempDir Path savepoints)
            throws Exception {
        PG.execute(
                "CREATE TABLE c (id int PRIMARY KEY, v text)",
                "INSERT INTO c SELECT g, 'c' || g FROM generate_series(1, 100) g");
        QueueSink<ChangeEvent> sink = QueueSink.named(droppedSlot());
        JobClient first = start(new Configuration(), sink, droppedSlot(), "public.c");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 100);
        // Stop once the stream runs, as the first test does: the savepoint then holds a slot LSN.
        PG.execute("INSERT INTO c VALUES (-1, 's1')");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> sink.received().stream().anyMatch(e -> streamed(e, "c", -1)));
        String savepoint = stopWithSavepoint(first, savepoints);
        PG.execute("SELECT pg_drop_replication_slot('" + droppedSlot() + "')");

        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = start(restore, sink, droppedSlot(), "public.c");
        assertThatThrownBy(() -> second.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                .hasStackTraceContaining(
                        "Replication slot '" + droppedSlot() + "' no longer exists");
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                                        + droppedSlot()
                                        + "'"))
                .as("no new slot")
                .isEqualTo(0L);
    }

    /** Stops {@code job} with a savepoint; cancels it if that fails, so it holds no slots after. */
    private static String stopWithSavepoint(JobClient job, Path savepoints) throws Exception {
        try {
            return job.stopWithSavepoint(
                            false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        } catch (Exception e) {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
            throw e;
        }
    }

    /** Throws the job's failure, if it has ended: a condition that waits for it never will. */
    private static boolean failed(JobClient job) throws Exception {
        if (job.getJobStatus().get().isGloballyTerminalState()) {
            job.getJobExecutionResult().get();
        }
        return false;
    }

    private static Set<Integer> union(Set<Integer> set, int extra) {
        Set<Integer> out = new HashSet<>(set);
        out.add(extra);
        return out;
    }

    private static int lastIndexOf(List<ChangeEvent> events, Operation op) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).operation() == op) {
                return i;
            }
        }
        return -1;
    }

    /** Applies {@code table}'s events by primary key {@code id}, as an upserting sink would. */
    private static Map<String, String> replay(List<ChangeEvent> events, String table) {
        Map<String, String> state = new HashMap<>();
        for (ChangeEvent e : events) {
            if (!e.table().equals(table)) {
                continue;
            }
            if (e.operation() == Operation.DELETE) {
                state.remove(String.valueOf(e.oldRow().get("id")));
            } else {
                state.put(String.valueOf(e.row().get("id")), (String) e.row().get("v"));
            }
        }
        return state;
    }
}
