package io.pgstream.jobs.sink;

import static io.pgstream.jobs.testutils.VectorWrites.delete;
import static io.pgstream.jobs.testutils.VectorWrites.metadata;
import static io.pgstream.jobs.testutils.VectorWrites.truncate;
import static io.pgstream.jobs.testutils.VectorWrites.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.jobs.testutils.TestingMetricGroup;
import io.pgstream.jobs.testutils.TestingProcessingTimeService;
import io.pgstream.jobs.testutils.VectorWrites;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * What every vector sink writer must do, whatever the store: apply a batch in arrival order, guard
 * every kind of write by commit LSN (replays and older writes change nothing, equal LSNs let the
 * later change win), shrink chunk sets, delete a row's chunks only, truncate only older vectors of
 * a table, flush on batch size and on {@code max-linger} (and only on flush without it), repair an
 * eager write after a crash by the replay, retry a transient store failure in place, and count
 * written writes in its freshness metrics. A store's test supplies the writer, a reader of the
 * store's contents and a transient fault.
 */
public abstract class VectorSinkContractTestBase {

    protected static final int DIMS = 4;
    protected static final String SRC = "public.docs";

    /** A fresh writer on a fresh table/collection of this test (same one for every call). */
    protected abstract BufferedVectorWriter writer(
            Duration maxLinger, ProcessingTimeService time, MetricGroup metrics, SinkRetry retry)
            throws Exception;

    /** {@code table:id/chunk@lsn} of everything stored, sorted. */
    protected abstract List<String> keys() throws Exception;

    /** Everything stored (vectors, contents, metadata, versions) by key, for equality checks. */
    protected abstract Map<String, String> snapshot() throws Exception;

    /** The content of a stored chunk, or null. */
    protected abstract String content(String table, String id, int chunk) throws Exception;

    /** Makes the store fail writes transiently until the returned fault is released. */
    protected abstract AutoCloseable transientFault() throws Exception;

    private BufferedVectorWriter writer() throws Exception {
        return writer(null, null, new UnregisteredMetricsGroup(), quickRetry());
    }

    private static SinkRetry quickRetry() {
        return new SinkRetry("the test store", 50, Duration.ofMillis(5), Duration.ofMillis(100));
    }

    /** Writes and flushes each list in turn, as checkpoints would, then closes the writer. */
    @SafeVarargs
    private void apply(List<VectorWrite>... batches) throws Exception {
        VectorWrites.applyAndClose(writer(), batches);
    }

    @Test
    void replayingTheSameWritesChangesNothing() throws Exception {
        List<VectorWrite> writes =
                List.of(
                        upsert(SRC, "1", "one", 2, DIMS, 10),
                        upsert(SRC, "2", "two", 3, DIMS, 11),
                        metadata(SRC, "1", "{\"x\":1}", 12),
                        upsert(SRC, "2", "two again", 1, DIMS, 13),
                        upsert(SRC, "3", "three", 1, DIMS, 13),
                        delete(SRC, "3", 14));
        apply(writes);
        Map<String, String> once = snapshot();
        apply(writes, writes);
        assertThat(snapshot()).isEqualTo(once);
        assertThat(keys())
                .containsExactly("public.docs:1/0@12", "public.docs:1/1@12", "public.docs:2/0@13");
    }

    @Test
    void olderWritesAfterNewerOnesChangeNothing() throws Exception {
        apply(List.of(upsert(SRC, "1", "new", 1, DIMS, 100)));
        Map<String, String> before = snapshot();
        apply(
                List.of(upsert(SRC, "1", "old", 1, DIMS, 50)),
                List.of(metadata(SRC, "1", "{\"title\":\"stale\"}", 60)),
                List.of(delete(SRC, "1", 70)));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aReplayedOlderUpsertNeverReplacesANewerVector() throws Exception {
        apply(List.of(upsert(SRC, "1", "new", 2, DIMS, 100)));
        Map<String, String> before = snapshot();
        apply(List.of(upsert(SRC, "1", "old", 2, DIMS, 50)));
        assertThat(snapshot()).isEqualTo(before);
        assertThat(content(SRC, "1", 0)).isEqualTo("new#0");
    }

    @Test
    void changesOfOneTransactionShareTheirLsnAndTheLaterOneWins() throws Exception {
        apply(
                List.of(upsert(SRC, "1", "first", 2, DIMS, 100)),
                List.of(upsert(SRC, "1", "second", 1, DIMS, 100)));
        assertThat(keys()).containsExactly("public.docs:1/0@100");
        assertThat(content(SRC, "1", 0)).isEqualTo("second#0");
        apply(List.of(delete(SRC, "1", 100)));
        assertThat(keys()).isEmpty();
    }

    /**
     * LSNs are unsigned 64-bit; stores keep them as signed 64-bit numbers, so a position at or
     * above {@code 80000000/0} is stored negative. Every guard must still order it after a smaller
     * one: a signed comparison would let the older writes below replace, delete or truncate it.
     */
    @Test
    void anLsnAboveTheSignBitIsNewerThanEveryLowerOne() throws Exception {
        // Steps of 2^16: Qdrant compares payload numbers as doubles, exact here for such steps.
        long step = 1L << 16;
        long high = 0x8000_0000_0000_0000L + step;
        apply(List.of(upsert(SRC, "1", "high", 2, DIMS, high)));
        Map<String, String> before = snapshot();
        apply(
                List.of(upsert(SRC, "2", "low", 1, DIMS, 100)),
                List.of(upsert(SRC, "1", "old", 1, DIMS, 100)),
                List.of(metadata(SRC, "1", "{\"title\":\"stale\"}", 100)),
                List.of(delete(SRC, "1", 100)),
                List.of(truncate(SRC, 200)));
        assertThat(content(SRC, "1", 0)).isEqualTo("high#0");
        assertThat(keys()).containsExactly("public.docs:1/0@" + high, "public.docs:1/1@" + high);
        assertThat(snapshot()).isEqualTo(before);

        apply(List.of(upsert(SRC, "1", "higher", 1, DIMS, high + step)));
        assertThat(content(SRC, "1", 0)).isEqualTo("higher#0");
        assertThat(keys()).containsExactly("public.docs:1/0@" + (high + step));
        apply(List.of(truncate(SRC, high + 2 * step)));
        assertThat(keys()).isEmpty();
    }

    @Test
    void aSmallerChunkSetRemovesTheExtraChunks() throws Exception {
        apply(
                List.of(upsert(SRC, "1", "long", 3, DIMS, 10), upsert(SRC, "2", "b", 2, DIMS, 11)),
                List.of(upsert(SRC, "1", "short", 1, DIMS, 20)));
        assertThat(keys())
                .containsExactly("public.docs:1/0@20", "public.docs:2/0@11", "public.docs:2/1@11");
        assertThat(content(SRC, "1", 0)).isEqualTo("short#0");
    }

    @Test
    void deleteRemovesTheRowsChunksUnlessTheyAreNewer() throws Exception {
        apply(
                List.of(
                        upsert(SRC, "1", "a", 3, DIMS, 10),
                        upsert(SRC, "2", "b", 1, DIMS, 30),
                        upsert("public.other", "1", "c", 1, DIMS, 12)),
                List.of(delete(SRC, "1", 20), delete(SRC, "2", 25)));
        assertThat(keys()).containsExactly("public.docs:2/0@30", "public.other:1/0@12");
    }

    @Test
    void truncateRemovesOnlyOlderVectorsOfItsTable() throws Exception {
        apply(
                List.of(
                        upsert(SRC, "1", "a", 2, DIMS, 10),
                        upsert(SRC, "2", "b", 1, DIMS, 30),
                        upsert("public.other", "1", "c", 1, DIMS, 12)),
                List.of(truncate(SRC, 20)),
                List.of(truncate(SRC, 20)));
        assertThat(keys()).containsExactly("public.docs:2/0@30", "public.other:1/0@12");
    }

    @Test
    void oneBatchIsAppliedInArrivalOrder() throws Exception {
        apply(
                List.of(
                        upsert(SRC, "1", "a", 3, DIMS, 10),
                        delete(SRC, "1", 11),
                        upsert(SRC, "1", "b", 2, DIMS, 12),
                        metadata(SRC, "1", "{\"m\":1}", 13),
                        upsert(SRC, "2", "c", 1, DIMS, 14),
                        truncate(SRC, 15),
                        upsert(SRC, "2", "d", 1, DIMS, 16),
                        upsert(SRC, "3", "e", 2, DIMS, 17),
                        upsert(SRC, "3", "f", 1, DIMS, 18)));
        assertThat(keys()).containsExactly("public.docs:2/0@16", "public.docs:3/0@18");
        assertThat(content(SRC, "3", 0)).isEqualTo("f#0");
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingForACheckpoint() throws Exception {
        try (BufferedVectorWriter w = writer()) {
            // batch-size is 3 in every store's test configuration
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            w.write(upsert(SRC, "2", "b", 1, DIMS, 2), null);
            assertThat(keys()).isEmpty();
            w.write(upsert(SRC, "3", "c", 1, DIMS, 3), null);
            assertThat(w.buffered()).isZero();
            assertThat(keys()).hasSize(3);
        }
    }

    @Test
    void aLoneWriteIsWrittenOnceItHasLingeredMaxLinger() throws Exception {
        TestingProcessingTimeService time = new TestingProcessingTimeService();
        try (BufferedVectorWriter w =
                writer(Duration.ofMillis(20), time, new UnregisteredMetricsGroup(), quickRetry())) {
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            time.advanceTo(19);
            assertThat(keys()).isEmpty();
            time.advanceTo(20);
            assertThat(keys()).containsExactly("public.docs:1/0@1");
            assertThat(w.buffered()).isZero();
        }
    }

    @Test
    void underLoadBatchesStillFormAndOnlyAWaitingPartialBatchIsFlushedByTheTimer()
            throws Exception {
        TestingProcessingTimeService time = new TestingProcessingTimeService();
        try (BufferedVectorWriter w =
                writer(Duration.ofMillis(20), time, new UnregisteredMetricsGroup(), quickRetry())) {
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            w.write(upsert(SRC, "2", "b", 1, DIMS, 2), null);
            w.write(upsert(SRC, "3", "c", 1, DIMS, 3), null); // size flush
            time.advanceTo(10);
            w.write(upsert(SRC, "4", "d", 1, DIMS, 4), null);
            time.advanceTo(20); // the first timer is stale: write 4 has waited only 10 ms
            assertThat(keys()).hasSize(3);
            assertThat(w.buffered()).isEqualTo(1);
            time.advanceTo(30);
            assertThat(keys()).hasSize(4);
        }
    }

    @Test
    void withoutMaxLingerOnlyAFlushWrites() throws Exception {
        TestingProcessingTimeService time = new TestingProcessingTimeService();
        try (BufferedVectorWriter w =
                writer(null, time, new UnregisteredMetricsGroup(), quickRetry())) {
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            time.advanceTo(Duration.ofHours(1).toMillis());
            assertThat(time.pending()).isZero();
            assertThat(keys()).isEmpty();
            w.flush(false);
            assertThat(keys()).containsExactly("public.docs:1/0@1");
        }
    }

    /**
     * Eager writes, then a crash before the checkpoint: the replay from the last acknowledged LSN
     * (here: the start) re-applies the same changes. The deleted row is briefly visible again
     * (upsert replayed, no tombstone) and deleted again by the replayed delete; the newer row is
     * never replaced by its replayed older upsert; one vector per chunk.
     */
    @Test
    void aCrashAfterEagerWritesIsRepairedByTheReplay() throws Exception {
        List<VectorWrite> changes =
                List.of(
                        upsert(SRC, "gone", "gone", 1, DIMS, 10),
                        upsert(SRC, "kept", "old", 1, DIMS, 15),
                        delete(SRC, "gone", 20),
                        upsert(SRC, "kept", "new", 1, DIMS, 25));
        TestingProcessingTimeService time = new TestingProcessingTimeService();
        BufferedVectorWriter crashed =
                writer(Duration.ZERO, time, new UnregisteredMetricsGroup(), quickRetry());
        for (VectorWrite w : changes) {
            crashed.write(w, null);
            time.advanceTo(time.getCurrentProcessingTime()); // a zero linger: the next mailbox turn
        }
        assertThat(keys()).containsExactly("public.docs:kept/0@25");
        crashed.close(); // no checkpoint was taken: the source replays from the start

        TestingProcessingTimeService time2 = new TestingProcessingTimeService();
        try (BufferedVectorWriter replay =
                writer(Duration.ZERO, time2, new UnregisteredMetricsGroup(), quickRetry())) {
            replay.write(changes.get(0), null);
            time2.advanceTo(0);
            assertThat(keys()).containsExactly("public.docs:gone/0@10", "public.docs:kept/0@25");
            for (VectorWrite w : changes.subList(1, changes.size())) {
                replay.write(w, null);
                time2.advanceTo(0);
                assertThat(content(SRC, "kept", 0)).isEqualTo("new#0");
            }
        }
        assertThat(keys()).containsExactly("public.docs:kept/0@25");
    }

    @Test
    void aTransientStoreFailureIsRetriedInPlace() throws Exception {
        SinkRetry retry = quickRetry();
        try (BufferedVectorWriter w = writer(null, null, new UnregisteredMetricsGroup(), retry)) {
            w.write(upsert(SRC, "1", "a", 1, DIMS, 1), null);
            CompletableFuture<Void> flush;
            try (AutoCloseable fault = transientFault()) {
                flush =
                        CompletableFuture.runAsync(
                                () -> {
                                    try {
                                        w.flush(false);
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                });
                await().atMost(Duration.ofMinutes(1)).until(() -> retry.retries() >= 1);
            }
            flush.get();
            assertThat(keys()).containsExactly("public.docs:1/0@1");
        }
    }

    @Test
    void freshnessMetricsCountWrittenWrites() throws Exception {
        TestingMetricGroup metrics = new TestingMetricGroup();
        try (BufferedVectorWriter w = writer(null, null, metrics, quickRetry())) {
            w.write(upsert(SRC, "1", "a", 1, DIMS, 7), null);
            w.write(delete(SRC, "2", 9), null);
            Histogram h = (Histogram) metrics.get(FreshnessMetrics.COMMIT_TO_WRITTEN);
            assertThat(h.getCount()).isZero();
            w.flush(false);
            assertThat(h.getCount()).isEqualTo(2);
            assertThat(h.getStatistics().getMax()).isPositive();
            assertThat(((Gauge<?>) metrics.get(FreshnessMetrics.LAST_LSN)).getValue())
                    .isEqualTo(9L);
            assertThat(((Gauge<?>) metrics.get(FreshnessMetrics.LAST_TIME)).getValue())
                    .isEqualTo(VectorWrites.T0.plusSeconds(9).toEpochMilli());
        }
    }
}
