package io.pgstream.jobs.sink.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.CheckpointCoverage;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pgvector sink in a running job. With checkpointing: a pass-through operator learns which
 * writes a <em>completed</em> checkpoint covers; as soon as one covers all N, the N rows must
 * already be in PostgreSQL, while the job is still running. Without checkpointing: a lone write,
 * far below the batch size and with the source still open, reaches the table by {@code max-linger}
 * alone.
 */
class PgVectorSinkITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int N = 40;
    private static final int DIMS = 8;

    @Test
    void aCompletedCheckpointMeansItsWritesAreCommitted() throws Exception {
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(PG.config(), "pgvectorsink_docs", DIMS, true, 1_000_000)
                        .withMaxLinger(null);
        CheckpointCoverage.whenCheckpointCovers(
                N,
                DIMS,
                new PgVectorSink(config),
                () ->
                        assertThat(
                                        PG.queryValue(
                                                "SELECT count(*) FROM pgvectorsink_docs"
                                                        + " WHERE source_table = 'public.docs'"))
                                .isEqualTo((long) N));
    }

    @Test
    void aLoneWriteReachesTheTableWithoutACheckpoint() throws Exception {
        PgVectorSinkConfig config =
                PgVectorSinkConfig.of(PG.config(), "pgvectorsink_lone", DIMS, true, 1_000_000);
        CheckpointCoverage.withoutCheckpoints(
                DIMS,
                new PgVectorSink(config),
                () ->
                        assertThat(
                                        PG.queryValue(
                                                "SELECT count(*) FROM pgvectorsink_lone WHERE id = 'lone'"))
                                .isEqualTo(1L));
    }
}
