package io.pgstream.jobs.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.TestingQdrantServer;
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
 * The Qdrant sink in a running job with checkpointing, against {@link TestingQdrantServer}: with a
 * batch larger than the input, only the pre-checkpoint flush can write points, so once a completed
 * checkpoint covers all N writes the N points must be in the collection, job still running.
 */
class QdrantSinkITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final int N = 30;
    private static final int DIMS = 8;
    static final AtomicLong COVERED = new AtomicLong();

    @Test
    void aCompletedCheckpointMeansItsPointsAreInTheCollection() throws Exception {
        try (TestingQdrantServer server = TestingQdrantServer.start("k")) {
            QdrantSinkConfig config =
                    QdrantSinkConfig.of(server.url(), "qdrantsink_docs", DIMS)
                            .withApiKey("k")
                            .withBatchSize(1_000_000);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(300);
            env.fromSource(
                            new DataGeneratorSource<>(
                                    QdrantSinkITCase::write,
                                    Long.MAX_VALUE,
                                    RateLimiterStrategy.perSecond(200),
                                    TypeInformation.of(VectorWrite.class)),
                            WatermarkStrategy.noWatermarks(),
                            "writes")
                    .map(new CoverageProbe())
                    .sinkTo(new QdrantSink(config));
            JobClient job = env.executeAsync("qdrant sink checkpoint");
            try {
                await().atMost(Duration.ofMinutes(2)).until(() -> COVERED.get() >= N);
                assertThat(server.points("qdrantsink_docs")).hasSize(N);
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
            } finally {
                job.cancel().get();
            }
            assertThat(server.violations()).isEmpty();
        }
    }

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
