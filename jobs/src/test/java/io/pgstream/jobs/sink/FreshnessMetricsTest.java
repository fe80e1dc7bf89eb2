package io.pgstream.jobs.sink;

import static io.pgstream.jobs.testutils.VectorWrites.delete;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.testutils.TestingMetricGroup;
import java.util.List;
import org.apache.flink.metrics.Gauge;
import org.junit.jupiter.api.Test;

class FreshnessMetricsTest {

    /** LSNs are unsigned: one above the sign bit is newer than a smaller one written after it. */
    @Test
    void theLastWrittenLsnIsTheHighestInUnsignedOrder() {
        TestingMetricGroup group = new TestingMetricGroup();
        FreshnessMetrics metrics = new FreshnessMetrics(group);
        long high = 0x8000_0000_0000_0001L;
        metrics.written(List.of(delete("public.docs", "1", high)), 0);
        metrics.written(List.of(delete("public.docs", "2", 100)), 0);
        assertThat(metrics.lastWrittenCommitLsn()).isEqualTo(new Lsn(high));
        assertThat(((Gauge<?>) group.get(FreshnessMetrics.LAST_LSN)).getValue()).isEqualTo(high);
    }
}
