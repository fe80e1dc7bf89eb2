package io.pgstream.jobs.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.jobs.testutils.CheckpointCoverage;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Qdrant sink in a running job against {@link TestingQdrantServer}: once a completed checkpoint
 * covers all N writes the N points must be in the collection, job still running; and without
 * checkpointing a lone write, far below the batch size, reaches the collection by {@code
 * max-linger} alone.
 */
class QdrantSinkITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final int N = 30;
    private static final int DIMS = 8;

    @Test
    void aCompletedCheckpointMeansItsPointsAreInTheCollection() throws Exception {
        try (TestingQdrantServer server = TestingQdrantServer.start("k")) {
            QdrantSinkConfig config =
                    QdrantSinkConfig.of(server.url(), "qdrantsink_docs", DIMS)
                            .withApiKey("k")
                            .withBatchSize(1_000_000)
                            .withMaxLinger(null);
            CheckpointCoverage.whenCheckpointCovers(
                    N,
                    DIMS,
                    new QdrantSink(config),
                    () -> assertThat(server.points("qdrantsink_docs")).hasSize(N));
            assertThat(server.violations()).isEmpty();
        }
    }

    @Test
    void aLoneWriteReachesTheCollectionWithoutACheckpoint() throws Exception {
        try (TestingQdrantServer server = TestingQdrantServer.start("k")) {
            QdrantSinkConfig config =
                    QdrantSinkConfig.of(server.url(), "qdrantsink_lone", DIMS)
                            .withApiKey("k")
                            .withBatchSize(1_000_000);
            CheckpointCoverage.withoutCheckpoints(
                    DIMS,
                    new QdrantSink(config),
                    () ->
                            assertThat(
                                            server.hasCollection("qdrantsink_lone")
                                                    && server.points("qdrantsink_lone").size() == 1)
                                    .isTrue());
            assertThat(server.violations()).isEmpty();
        }
    }
}
