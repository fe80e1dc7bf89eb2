package io.pgstream.jobs.sink.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.VectorWrites;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pgvector sink in a running job with checkpointing: the writer's batch is far larger than the
 * input, so only the flush Flink runs before each checkpoint can put rows in the table. A pass-
 * through operator learns which writes a <em>completed</em> checkpoint covers; as soon as one
 * covers all N, the N rows must already be in PostgreSQL, while the job is still running.
 */
class PgVectorSinkITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int N = 40;
    private static final int DIMS = 8;

    /** Writes seen before the barrier of the latest completed checkpoint. */
    static final AtomicLong COVERED = new AtomicLong();

    @Test
    void aCompletedCheckpointMeansItsWritesAreCommitted() throws Exception {
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(PG.config(), "pgvectorsink_docs", DIMS, true, 1_000_000);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        DataGeneratorSource<VectorWrite> source =
                new DataGeneratorSource<>(
                        PgVectorSinkITCase::write,
                        Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(200),
                        TypeInformation.of(VectorWrite.class));
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "writes")
                .map(new CoverageProbe())
                .sinkTo(new PgVectorSink(config));
        JobClient job = env.executeAsync("pgvector sink checkpoint");
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> COVERED.get() >= N);
            assertThat(
                            PG.queryValue(
                                    "SELECT count(*) FROM pgvectorsink_docs"
                                            + " WHERE source_table = 'public.docs'"))
                    .isEqualTo((long) N);
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
        } finally {
            job.cancel().get();
        }
    }

    /** N distinct rows, then metadata refreshes of rows that do not exist (no-ops). */
    private static VectorWrite write(long i) {
        if (i < N) {
            return VectorWrites.upsert("public.docs", "doc-" + i, "text " + i, 1, DIMS, i + 1);
        }
        return VectorWrites.metadata("public.noise", "n" + i, "{}", i + 1);
    }

    /** Passes writes through and publishes how many a completed checkpoint covers. */
    static final class CoverageProbe
            implements MapFunction<VectorWrite, VectorWrite>,
                    CheckpointedFunction,
                    CheckpointListener {
        private final Map<Long, Long> seenAtCheckpoint = new ConcurrentHashMap<>();
        private long seen;

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
            Long covered = seenAtCheckpoint.remove(checkpointId);
            if (covered != null) {
                COVERED.accumulateAndGet(covered, Math::max);
            }
        }
    }
}
