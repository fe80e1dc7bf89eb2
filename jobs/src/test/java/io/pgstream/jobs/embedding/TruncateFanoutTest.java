package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.document.DocumentChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TruncateFanoutTest {

    @ParameterizedTest
    @CsvSource({"1,1", "128,1", "128,2", "128,7", "32768,100", "4,4"})
    void oneRoutingKeyPerSubtask(int maxParallelism, int parallelism) {
        String[] keys = TruncateFanout.routingKeys(maxParallelism, parallelism);
        assertThat(keys).hasSize(parallelism).doesNotHaveDuplicates();
        for (int i = 0; i < parallelism; i++) {
            assertThat(
                            KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                    keys[i], maxParallelism, parallelism))
                    .isEqualTo(i);
        }
    }

    @Test
    void truncatesFanOutRowsDoNot() throws Exception {
        TruncateFanout fanout = new TruncateFanout(128, 3);
        List<RoutedChange> out = new ArrayList<>();
        Collector<RoutedChange> collector =
                new Collector<>() {
                    @Override
                    public void collect(RoutedChange record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                };
        DocumentChange row =
                DocumentChange.upsert("s.t", "1", "x", "{}", new Lsn(1), Instant.EPOCH);
        DocumentChange truncate = DocumentChange.truncate("s.t", new Lsn(2), Instant.EPOCH);
        fanout.flatMap(row, collector);
        fanout.flatMap(truncate, collector);

        assertThat(out).hasSize(4);
        assertThat(out.get(0).routingKey()).isEqualTo(row.rowKey());
        assertThat(out.subList(1, 4))
                .extracting(RoutedChange::routingKey)
                .containsExactly(TruncateFanout.routingKeys(128, 3));
        assertThat(out.subList(1, 4)).allSatisfy(r -> assertThat(r.change()).isSameAs(truncate));
    }
}
