package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.QueueSink;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.TestingEmbeddingModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The embedding stage on a MiniCluster at parallelism 2 with checkpoints every 50 ms and a model
 * whose batches take random times (so they complete out of order): across the whole run every key's
 * writes arrive in commit order, the last write of every key is its last change, both truncate
 * copies arrive behind every earlier row, and only rows changed after the truncate are written
 * after it.
 */
class EmbeddingOperatorITCase {

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.withSlots(2);

    private static final String TABLE = "public.embedding_itcase_docs";

    @Test
    void keepsPerKeyOrderThroughAsyncEmbeddingAndCheckpoints() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("EmbeddingOperatorITCase", 4);
        List<DocumentChange> changes = new ArrayList<>();
        Random random = new Random(7);
        long lsn = 100;
        long truncateLsn = -1;
        Map<String, DocumentChange> last = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            if (i == 2000) {
                truncateLsn = ++lsn;
                changes.add(DocumentChange.truncate(TABLE, new Lsn(truncateLsn), Instant.EPOCH));
                last.clear();
                continue;
            }
            String id = Integer.toString(random.nextInt(60));
            DocumentChange c =
                    random.nextInt(10) == 0
                            ? DocumentChange.delete(TABLE, id, new Lsn(++lsn), Instant.EPOCH)
                            : DocumentChange.upsert(
                                    TABLE,
                                    id,
                                    "text of " + id + " v" + random.nextInt(3),
                                    "{\"i\":" + i + "}",
                                    new Lsn(++lsn),
                                    Instant.EPOCH);
            changes.add(c);
            last.put(id, c);
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(50);
        DataStream<DocumentChange> source =
                env.fromData(changes, TypeInformation.of(DocumentChange.class)).setParallelism(1);
        SingleOutputStreamOperator<VectorWrite> writes =
                EmbeddingStage.apply(
                        source,
                        TestingEmbeddingModel.factory("EmbeddingOperatorITCase"),
                        null,
                        EmbeddingOperatorConfig.defaults()
                                .withBatchSize(8)
                                .withMaxLinger(Duration.ofMillis(5))
                                .withMaxInFlightBatches(3)
                                .withMaxBufferedRows(40),
                        2);
        QueueSink<VectorWrite> sink = QueueSink.named("EmbeddingOperatorITCase");
        writes.sinkTo(sink).setParallelism(1);
        env.execute("EmbeddingOperatorITCase");

        List<VectorWrite> received = sink.received();
        Map<String, List<Long>> perKey = new HashMap<>();
        int truncates = 0;
        int secondTruncateAt = -1;
        for (int i = 0; i < received.size(); i++) {
            VectorWrite w = received.get(i);
            if (w.kind() == VectorWrite.Kind.TRUNCATE) {
                assertThat(w.lsn()).isEqualTo(new Lsn(truncateLsn));
                if (++truncates == 2) {
                    secondTruncateAt = i;
                }
                continue;
            }
            perKey.computeIfAbsent(w.id(), k -> new ArrayList<>()).add(w.lsn().value());
            if (truncates == 2) {
                assertThat(w.lsn()).isGreaterThan(new Lsn(truncateLsn));
            }
        }
        assertThat(truncates).isEqualTo(2);
        for (int i = secondTruncateAt; i < received.size(); i++) {
            assertThat(received.get(i).lsn()).isGreaterThanOrEqualTo(new Lsn(truncateLsn));
        }
        perKey.forEach((id, lsns) -> assertThat(lsns).as("writes of key %s", id).isSorted());
        for (Map.Entry<String, DocumentChange> e : last.entrySet()) {
            List<Long> lsns = perKey.get(e.getKey());
            assertThat(lsns.get(lsns.size() - 1)).isEqualTo(e.getValue().lsn().value());
        }
        VectorWrite anyUpsert =
                received.stream()
                        .filter(w -> w.kind() == VectorWrite.Kind.UPSERT)
                        .findFirst()
                        .orElseThrow();
        assertThat(anyUpsert.chunks().get(0).embedding())
                .containsExactly(
                        TestingEmbeddingModel.vectorOf(anyUpsert.chunks().get(0).content()));
        assertThat(model.maxConcurrentCalls()).isLessThanOrEqualTo(6);
    }
}
