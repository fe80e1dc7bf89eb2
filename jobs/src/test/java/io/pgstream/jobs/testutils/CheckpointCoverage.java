package io.pgstream.jobs.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.jobs.sink.VectorWrite;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.RunnableWithException;

/**
 * Runs a vector sink in a checkpointed job until a completed checkpoint covers a known number of
 * writes, so that each sink's ITCase checks the same thing: what a checkpoint covers is committed.
 */
public final class CheckpointCoverage {

    /** Per run: writes seen before the barrier of the latest completed checkpoint. */
    private static final Map<String, AtomicLong> COVERED = new ConcurrentHashMap<>();

    private CheckpointCoverage() {}

    /**
     * Runs {@code sink} at parallelism 1 with 300 ms checkpoints (needs a MiniCluster), fed {@code
     * n} upserts of rows {@code doc-0} to {@code doc-<n-1>} of {@code public.docs} with {@code
     * dims}-dimensional vectors, then endless metadata refreshes of rows that do not exist
     * (no-ops). As soon as a completed checkpoint covers the {@code n} upserts, runs {@code check}
     * and asserts that the job is still running; cancels the job in any case.
     */
    public static void whenCheckpointCovers(
            int n, int dims, Sink<VectorWrite> sink, RunnableWithException check) throws Exception {
        String run = UUID.randomUUID().toString();
        AtomicLong covered = new AtomicLong();
        COVERED.put(run, covered);
        GeneratorFunction<Long, VectorWrite> writes =
                i ->
                        i < n
                                ? VectorWrites.upsert(
                                        "public.docs", "doc-" + i, "text " + i, 1, dims, i + 1)
                                : VectorWrites.metadata("public.noise", "n" + i, "{}", i + 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        env.fromSource(
                        new DataGeneratorSource<>(
                                writes,
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(200),
                                TypeInformation.of(VectorWrite.class)),
                        WatermarkStrategy.noWatermarks(),
                        "writes")
                .map(new CoverageProbe(run))
                .sinkTo(sink);
        JobClient job = env.executeAsync(sink.getClass().getSimpleName() + " checkpoint");
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> covered.get() >= n);
            check.run();
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
        } finally {
            job.cancel().get();
            COVERED.remove(run);
        }
    }

    /**
     * Runs {@code sink} at parallelism 1 <em>without checkpointing</em> (needs a MiniCluster), fed
     * one upsert of {@code public.docs} row {@code lone} and then nothing (the source stays open,
     * so no end-of-input flush either); awaits {@code check} and cancels the job. Only a writer
     * that flushes on its own time bound can pass.
     */
    public static void withoutCheckpoints(
            int dims, Sink<VectorWrite> sink, RunnableWithException check) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSource(
                        new DataGeneratorSource<>(
                                i -> VectorWrites.upsert("public.docs", "lone", "lone", 1, dims, 7),
                                Long.MAX_VALUE,
                                // One record, then the gate waits for a checkpoint that never
                                // comes.
                                RateLimiterStrategy.perCheckpoint(1),
                                TypeInformation.of(VectorWrite.class)),
                        WatermarkStrategy.noWatermarks(),
                        "one write")
                .sinkTo(sink);
        JobClient job = env.executeAsync(sink.getClass().getSimpleName() + " eager");
        try {
            // Until the writer has opened, the store may not have the table or collection yet.
            await().ignoreExceptions().atMost(Duration.ofMinutes(2)).untilAsserted(check::run);
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
        } finally {
            job.cancel().get();
        }
    }

    /** Passes writes through and publishes how many a completed checkpoint covers. */
    private static final class CoverageProbe
            implements MapFunction<VectorWrite, VectorWrite>,
                    CheckpointedFunction,
                    CheckpointListener {
        private final String run;
        private final Map<Long, Long> seenAtCheckpoint = new ConcurrentHashMap<>();
        private long seen;

        CoverageProbe(String run) {
            this.run = run;
        }

        @Override
        public VectorWrite map(VectorWrite value) {
            seen++;
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            seenAtCheckpoint.put(context.getCheckpointId(), seen);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Long seenThen = seenAtCheckpoint.remove(checkpointId);
            AtomicLong covered = COVERED.get(run);
            if (seenThen != null && covered != null) {
                covered.accumulateAndGet(seenThen, Math::max);
            }
        }
    }
}
