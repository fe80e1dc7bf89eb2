package io.pgstream.jobs.embedding.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.QueueSink;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.embedding.EmbeddingOperatorConfig;
import io.pgstream.jobs.embedding.EmbeddingStage;
import io.pgstream.jobs.embedding.OpenAiConfig;
import io.pgstream.jobs.embedding.OpenAiEmbeddingModel;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared budget on a MiniCluster: three embedding subtasks call one {@link TestingOpenAiServer}
 * with a limit of a one-second window (so it binds within seconds; the job file's keys are per
 * minute). Counted where the server received them, no one-second window ever holds more requests or
 * tokens than the limit, and the run still uses at least 70% of it. Without the coordinator all
 * subtasks send at once and the first window overflows.
 */
class EmbeddingRateLimitITCase {

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.withSlots(3);

    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final String TABLE = "public.rl_docs";

    private TestingOpenAiServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestingOpenAiServer.start(3);
        server.holdMillis(20);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void requestsPerWindowHoldAcrossThreeSubtasks() throws Exception {
        RateLimit limit = new RateLimit(6, 0, WINDOW);
        run(limit, 120);

        List<Request> requests = sorted();
        assertThat(requests.size()).as("enough work for the limit to bind").isGreaterThan(24);
        assertThat(maxInWindow(requests, false)).isLessThanOrEqualTo(6);
        assertThat(used(requests, false))
                .as("requests against the limit over the run")
                .isGreaterThanOrEqualTo(0.7);
    }

    @Test
    void tokensPerWindowHoldAcrossThreeSubtasks() throws Exception {
        RateLimit limit = new RateLimit(0, 300, WINDOW);
        run(limit, 100);

        List<Request> requests = sorted();
        long tokens = requests.stream().mapToLong(r -> tokens(r)).sum();
        assertThat(tokens).as("enough work for the limit to bind").isGreaterThan(4 * 300);
        assertThat(maxInWindow(requests, true)).isLessThanOrEqualTo(300);
        assertThat(used(requests, true))
                .as("tokens against the limit over the run")
                .isGreaterThanOrEqualTo(0.7);
    }

    private void run(RateLimit limit, int rows) throws Exception {
        List<DocumentChange> changes = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String id = Integer.toString(i);
            changes.add(
                    DocumentChange.upsert(
                            TABLE,
                            id,
                            String.format("document %05d of the rate-limited table", i),
                            "{}",
                            new Lsn(100 + i),
                            Instant.EPOCH));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(3);
        DataStream<DocumentChange> source =
                env.fromData(changes, TypeInformation.of(DocumentChange.class)).setParallelism(1);
        OpenAiConfig model = OpenAiConfig.builder(server.baseUrl(), "rl-model", 3).build();
        QueueSink<VectorWrite> sink = QueueSink.named("EmbeddingRateLimitITCase");
        EmbeddingStage.apply(
                        source,
                        OpenAiEmbeddingModel.factory(model),
                        null,
                        EmbeddingOperatorConfig.defaults()
                                .withBatchSize(4)
                                .withMaxLinger(Duration.ofMillis(5))
                                .withMaxInFlightBatches(2)
                                .withRateLimit(limit),
                        3)
                .sinkTo(sink)
                .setParallelism(1);
        env.execute("EmbeddingRateLimitITCase");
        assertThat(sink.received()).hasSize(rows);
    }

    private List<Request> sorted() {
        List<Request> requests = new ArrayList<>(server.requests());
        requests.sort(Comparator.comparingLong(Request::nanos));
        return requests;
    }

    private static long tokens(Request r) {
        return TestingOpenAiServer.tokensOf(r.inputs());
    }

    /** The most requests (or tokens) that arrived within any half-open window [t, t + W). */
    private static long maxInWindow(List<Request> requests, boolean countTokens) {
        long max = 0;
        for (int i = 0; i < requests.size(); i++) {
            long end = requests.get(i).nanos() + WINDOW.toNanos();
            long sum = 0;
            for (int j = i; j < requests.size() && requests.get(j).nanos() < end; j++) {
                sum += countTokens ? tokens(requests.get(j)) : 1;
            }
            max = Math.max(max, sum);
        }
        return max;
    }

    /**
     * What the run used of the limit: the total sent, against the limit times the windows the run
     * spanned (first to last arrival, plus the window the last one opened).
     */
    private static double used(List<Request> requests, boolean countTokens) {
        long total = 0;
        for (Request r : requests) {
            total += countTokens ? tokens(r) : 1;
        }
        long span = requests.get(requests.size() - 1).nanos() - requests.get(0).nanos();
        double windows = (double) span / WINDOW.toNanos() + 1;
        long limit = countTokens ? 300 : 6;
        return total / (limit * windows);
    }
}
